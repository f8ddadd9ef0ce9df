"""Rules of the collab service, one module per part of the domain."""
