"""OCPP-J edge shared by the CSMS and the simulator: framing, schema validation, RPC session, payload codecs.

Imports no I/O package of ours (no store, no server); the transport is injected as a `send` coroutine.
"""
