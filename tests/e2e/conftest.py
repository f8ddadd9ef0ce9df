from tests.cluster import cluster

__all__ = ["cluster"]
