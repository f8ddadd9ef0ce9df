from tests.incentives.world import world
from tests.system import monkeypatch_module, system

__all__ = ["monkeypatch_module", "system", "world"]
