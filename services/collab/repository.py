"""The only place with queries on the collab schema."""
