from __future__ import annotations

from typing import cast

import pytest

from csms.echonet.adapter import ResourceStatus, V2hEndpoint, V2hResource
from csms.echonet.client import EchonetClient
from csms.echonet.gateway import V2hGateway
from csms.echonet.v2h import ConnectionStatus, OperationMode, V2hState


def unit(rid: str, *, charge: int, discharge: int, connection: ConnectionStatus =
         ConnectionStatus.CHARGEABLE_AND_DISCHARGEABLE, online: bool = True) -> V2hResource:
    r = V2hResource(V2hEndpoint(rid, "127.0.0.1", 9), cast(EchonetClient, None))
    r.state = V2hState(connection, OperationMode.STANDBY, 0, 20_000, 50, 0, 0, charge, discharge)
    r.status = ResourceStatus.ONLINE if online else ResourceStatus.OFFLINE
    return r


def test_split_is_proportional_exact_and_clipped() -> None:
    g = V2hGateway([unit("a", charge=6000, discharge=6000), unit("b", charge=3000, discharge=0),
                    unit("c", charge=6000, discharge=6000, online=False)])
    assert g.split(4501) == {"a": 3001, "b": 1500}  # 2:1, the remainder to the first unit
    assert g.split(-7000) == {"a": -6000, "b": 0}  # b cannot discharge; clipped to a's 6 kW
    assert g.split(0) == {"a": 0, "b": 0}
    assert g.split(50_000) == {"a": 6000, "b": 3000}
    headroom = g.headroom()
    assert (headroom.charge_w, headroom.discharge_w, headroom.online, headroom.offline) == (9000, 6000, 2, 1)


def test_nothing_to_split_when_no_unit_can_discharge() -> None:
    g = V2hGateway([unit("a", charge=6000, discharge=6000, connection=ConnectionStatus.CHARGEABLE)])
    assert g.split(-1000) == {"a": 0}


def test_unique_ids() -> None:
    with pytest.raises(ValueError, match="unique"):
        V2hGateway([unit("a", charge=1, discharge=1), unit("a", charge=1, discharge=1)])
