"""Rules of the incentives service."""
