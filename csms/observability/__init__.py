"""Observability: Prometheus metrics (`metrics.py`) and health/readiness checks (`health.py`).

May touch: `csms.ocpp.observe` (exchange observer), `csms.services.events` (domain events), the fleet
controller's public state, logging. Never imports `csms.server` or `csms.api`: the composition root hands in
callables for what it needs from them.
"""
