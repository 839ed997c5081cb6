"""Home V2H units (ECHONET Lite, `csms.echonet`) as stations of the CSMS, beside the OCPP ones.

- `records`: one unit's readings kept in the store as an OCPP station's messages would keep them (station, device
  model, connector, transaction, meter samples, charging needs) and published as the same domain events, so the
  fleet controller plans a plugged car like any EV;
- `profiles`: the charging profiles the CSMS sent a unit, and the setpoint they put in force (a unit with no
  profile in force stands by);
- `bridge`: `EchonetStationBridge` polls the units on the injected clock and is the `StationGateway` of their
  stations (SetChargingProfile / ClearChargingProfile / GetCompositeSchedule become ECHONET Lite SetC and Get).
"""
