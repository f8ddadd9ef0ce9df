from tests.incentives.desk import desk
from tests.incentives.world import world
from tests.system import monkeypatch_module, system

__all__ = ["desk", "monkeypatch_module", "system", "world"]
