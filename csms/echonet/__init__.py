"""ECHONET Lite: the protocol Japanese home V2H units (EV charger/discharger, class 0x027E) speak over UDP.

- `frame`: the ECHONET Lite frame codec (format 1: EHD 0x1081, TID, SEOJ, DEOJ, ESV, OPC, EPC/PDC/EDT).
- `v2h`: the 0x027E properties we use (C7, C8/C9, D3, D6/D8, DA, E0, E2/E4) and their encodings.
- `client`: a unicast UDP requester bound to an explicit local address (never multicast).
- `adapter`: `V2hResource`, a fleet resource beside OCPP stations (+ = charge, W), offline on timeouts.
- `gateway`: `V2hGateway`, many units read together and dispatched as one (shares within each unit's limits).

Why our own codec and not pychonet: pychonet's client always sends to port 3610 (`ENL_PORT`), so a simulated
device on an unprivileged port cannot be reached, and it waits for answers by polling `asyncio.sleep(0.1)` up to
20 s; the frame format is small enough to encode and decode here, with tests.
"""
