"""Simulated bidirectional OCPP 2.0.1/2.1 charging stations with EV battery physics, many in one process.

Layers (each module says what it may touch): `ev` (pure battery model) -> `evse`/`power` (hardware, ground
truth, the setpoint hook) -> `station` (state machine in simulated time) -> `handlers` (CSMS-initiated calls)
-> `link` (websocket client, boot, offline queue, reconnect) -> `fleet`/`config`/`visits` (N stations from
TOML/CLI) -> `__main__`. Reuses `csms.ocpp` (RPC session, schemas) and `csms.domain` (clock, ids) only.
"""
