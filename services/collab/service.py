"""Rules of the collab service."""
