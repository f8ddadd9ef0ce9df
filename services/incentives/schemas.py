"""Request and response bodies of the incentives API."""
