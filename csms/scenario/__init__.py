"""Runs of the whole system under an accelerated clock: the CSMS in this process, the simulated fleet in a
child process (`python -m chargepoint_sim`), both over real websockets on loopback and on one shared simulated
time. Used by `python -m csms replay` (grid-signal replays) and `python -m csms scenario` (pilot scenarios)."""
