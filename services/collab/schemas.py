"""Request and response bodies of the collab API."""
