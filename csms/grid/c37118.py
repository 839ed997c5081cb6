"""Grid frequency from an IEEE C37.118.2 synchrophasor stream (a PMU or PDC over TCP), for FCR/FFR droop.

`SynchrophasorFrequency` is a `GridSignalSource`: it connects, asks for the configuration (CFG-2), starts the
data stream and yields one `FrequencySample` per data frame (the stream at `stream_index`, stamped with our
clock; frames arrive at the PMU's data rate, 10-60 per second). A lost connection raises
`GridConnectionError` (its `SourceFeed` reconnects with backoff); the stream is stopped on close.

Frames are encoded and decoded by pyc37 (the maintained fork of pypmu, BSD); the transport is asyncio here
because pyc37's own PDC reads with blocking sockets and spins on a closed connection. pyc37 1.0.2 reads a
floating-point FREQ as a deviation in mHz (fnom + value / 1000), while C37.118.2 (table 6) carries the actual
frequency in Hz in that format: this module undoes that for float streams, so both formats give Hz.
Imports csms.domain and csms.grid only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from csms.domain.clock import Clock
from csms.grid.errors import GridConnectionError, GridDataError
from csms.grid.signals import FrequencySample, SourceDescription


async def read_frame(reader: asyncio.StreamReader, cfg: Any) -> Any:
    """One C37.118 frame (SYNC, FRAMESIZE, ...) decoded by pyc37 against `cfg` (None for a config frame)."""
    from pyc37.frame import CommonFrame, FrameError

    head = await reader.readexactly(4)
    size = int.from_bytes(head[2:4], "big")
    if size < 4:
        raise GridDataError(f"frame size {size}", source="c37.118")
    body = await reader.readexactly(size - 4)
    try:
        return CommonFrame.convert2frame(head + body, cfg)
    except (FrameError, ValueError, TypeError, IndexError) as exc:
        raise GridDataError(f"undecodable frame: {exc}", source="c37.118") from None


def frame_frequency_hz(frame: Any, cfg: Any, stream_index: int = 0) -> float:
    """The frequency of stream `stream_index` in a decoded data frame, in Hz (see the module docstring)."""
    measurement = frame.get_measurements()["measurements"][stream_index]
    decoded = float(measurement["frequency"])
    data_format = cfg.get_data_format()
    fmt = data_format[stream_index] if isinstance(data_format, list) else data_format
    if fmt[3]:  # float FREQ: pyc37 returned fnom + actual / 1000
        fnom = cfg.get_fnom()
        nominal = float(fnom[stream_index] if isinstance(fnom, list) else fnom)
        return (decoded - nominal) * 1000.0
    return decoded


class SynchrophasorFrequency:
    """Frequency from a C37.118.2 TCP stream (see the module docstring)."""

    kind = "c37118-frequency"

    def __init__(self, clock: Clock, *, host: str, port: int = 4712, pdc_id: int = 1, stream_index: int = 0,
                 open_timeout_s: float = 5.0, name: str | None = None) -> None:
        self._clock = clock
        self._host, self._port = host, port
        self._pdc_id = pdc_id
        self._stream_index = stream_index
        self._open_timeout_s = open_timeout_s
        self._name = name or f"c37.118:{host}:{port}"
        self.frames = 0

    async def signals(self) -> AsyncIterator[FrequencySample]:
        from pyc37.frame import CommandFrame, ConfigFrame2, DataFrame

        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(self._host, self._port),
                                                    self._open_timeout_s)
        except (OSError, TimeoutError) as exc:
            raise GridConnectionError(f"PMU {self._host}:{self._port}: {exc}") from exc
        try:
            writer.write(CommandFrame(self._pdc_id, "cfg2").convert2bytes())
            await writer.drain()
            cfg = None
            while not isinstance(cfg, ConfigFrame2):
                cfg = await read_frame(reader, None)
            writer.write(CommandFrame(self._pdc_id, "start").convert2bytes())
            await writer.drain()
            while True:
                frame = await read_frame(reader, cfg)
                if isinstance(frame, ConfigFrame2):  # the PMU changed its configuration
                    cfg = frame
                    continue
                if not isinstance(frame, DataFrame):
                    continue
                self.frames += 1
                hz = frame_frequency_hz(frame, cfg, self._stream_index)
                try:
                    sample = FrequencySample(self._clock.now(), hz, self._name)
                except ValueError as exc:
                    raise GridDataError(str(exc), source=self._name) from None
                yield sample
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise GridConnectionError(f"PMU {self._host}:{self._port}: {exc!r}") from exc
        finally:
            with contextlib.suppress(Exception):
                writer.write(CommandFrame(self._pdc_id, "stop").convert2bytes())
            writer.close()

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._name, detail=f"{self.frames} data frames")
