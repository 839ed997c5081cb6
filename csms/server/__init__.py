"""Websocket I/O: accept, authenticate, negotiate the OCPP subprotocol, run one RPC session per station."""
