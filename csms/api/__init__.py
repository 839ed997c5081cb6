"""Operator REST API (FastAPI, OpenAPI at /docs). Calls services only; never the websocket server."""
