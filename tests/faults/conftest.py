from tests.cluster import cluster
from tests.kit.conftest import kit

__all__ = ["cluster", "kit"]
