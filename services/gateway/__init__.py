"""Gateway: one entry point; routing, identity, merged OpenAPI and AsyncAPI documents."""
