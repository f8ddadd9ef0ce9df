from tests.system import monkeypatch_module, system

__all__ = ["monkeypatch_module", "system"]
