"""The only place with queries on the incentives schema."""
