from tests.kit.conftest import kit

__all__ = ["kit"]
