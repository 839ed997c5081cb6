"""Routers of the operator API, one module per area; each is built by `router(services, auth)`."""
