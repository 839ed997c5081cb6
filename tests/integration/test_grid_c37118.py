"""Frequency from an IEEE C37.118.2 stream, against the synchrophasor package's own PMU simulator (pyc37's
`Pmu`, a separate process per client) on loopback: droop applied locally, the link lost and back."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

pyc37_pmu = pytest.importorskip("pyc37.pmu")  # the simulator needs psutil (a dev dependency)

from pyc37.frame import ConfigFrame2, DataFrame  # noqa: E402

from csms.domain.clock import SystemClock  # noqa: E402
from csms.grid.c37118 import SynchrophasorFrequency, frame_frequency_hz  # noqa: E402
from csms.grid.droop import DroopCurve  # noqa: E402
from csms.grid.feed import Backoff, FeedConsumer, FeedRole, FeedState, SourceFeed  # noqa: E402
from csms.grid.signals import GridSignalSource  # noqa: E402
from tests.helpers.eventually import eventually  # noqa: E402
from tests.unit.grid.test_feed import FakeSink  # noqa: E402

PMU_ID = 7734


def _config(float_freq: bool) -> ConfigFrame2:
    # one phasor (float, polar), no analog or digital channels; FREQ as an integer (mHz deviation) or float
    return ConfigFrame2(PMU_ID, 1_000_000, 1, "Station A", PMU_ID, (True, True, True, float_freq), 1, 0, 0,
                        ["VA"], [(0, "v")], [], [], 50, 1, 10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Simulator:
    """pyc37's PMU simulator, integer FREQ, sending frames when asked."""

    def __init__(self, port: int) -> None:
        self.pmu = pyc37_pmu.Pmu(pmu_id=PMU_ID, data_rate=10, port=port, ip="127.0.0.1")
        self.pmu.logger.setLevel(logging.ERROR)
        self.pmu.set_configuration(_config(float_freq=False))
        self.pmu.set_header("csms test PMU")
        self.pmu.run()

    def send(self, frequency_hz: float) -> None:
        self.pmu.send_data(phasors=[(230.0, 0.0)], analog=[], digital=[], freq=round((frequency_hz - 50) * 1000))

    def drop_links(self) -> None:
        """Kill the per-client processes: every PDC connection drops, the PMU keeps listening."""
        for client in self.pmu.clients:
            client.terminate()
            client.join(timeout=5)

    def stop(self) -> None:
        self.pmu.stop()


@pytest.fixture
def port() -> Iterator[int]:
    yield _free_port()


async def test_pmu_frequency_drives_the_droop_and_the_feed_survives_a_lost_link(port: int) -> None:
    clock = SystemClock()
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, droop=DroopCurve.fcr_n(full_deviation_hz=0.1))
    source = SynchrophasorFrequency(clock, host="127.0.0.1", port=port)

    async def connect() -> GridSignalSource:
        return source

    simulator = Simulator(port)
    feed = SourceFeed("pmu", source.kind, FeedRole.REGULATION, clock, connect, backoff=Backoff(0.05, 0.2),
                      reconnect_on_end=True)
    await feed.start(consumer.deliver)
    try:
        def under_frequency() -> bool:
            simulator.send(49.95)  # the PMU forwards frames once our PDC has started its stream
            return bool(sink.regulation)

        await eventually(under_frequency, "a data frame")
        assert sink.regulation[0] == pytest.approx(0.5)  # 50 mHz under on a 100 mHz droop: inject half
        assert feed.status(clock.now()).last_value == pytest.approx(49.95)

        simulator.drop_links()  # the link to the PMU is lost
        await eventually(lambda: feed.status(clock.now()).errors >= 1, "the loss noticed")

        def over_frequency() -> bool:
            simulator.send(50.02)
            return bool(sink.regulation) and sink.regulation[-1] == pytest.approx(-0.2)

        await eventually(over_frequency, "frames after reconnecting")
        status = feed.status(clock.now())
        assert status.state is FeedState.CONNECTED and status.reconnects >= 1
    finally:
        await feed.stop()
        simulator.stop()


def test_a_float_freq_is_read_as_the_actual_frequency() -> None:
    cfg = _config(float_freq=True)
    # C37.118.2 table 6: a floating-point FREQ is the actual frequency (16.7 Hz: one pyc37 will encode)
    frame = DataFrame(PMU_ID, ("ok", True, "timestamp", False, False, False, 0, "<10", 0), [(230.0, 0.0)], 16.7, 0,
                      [], [], cfg)
    decoded = DataFrame.convert2frame(frame.convert2bytes(), cfg)
    assert frame_frequency_hz(decoded, cfg) == pytest.approx(16.7, abs=1e-4)
    int_cfg = _config(float_freq=False)
    int_frame = DataFrame(PMU_ID, ("ok", True, "timestamp", False, False, False, 0, "<10", 0), [(230.0, 0.0)],
                          -30, 0, [], [], int_cfg)
    assert frame_frequency_hz(DataFrame.convert2frame(int_frame.convert2bytes(), int_cfg), int_cfg) == \
        pytest.approx(49.97)
