"""The OCPP edge of charge and discharge commands: per-version encoding and coalesced, rate-limited delivery.

`SetpointOutbox.submit(station_id, clamped, caps)` takes a schedule the safety envelope has already clamped and
decides *when and how on the wire*:
- encoding for the station's OCPP version (`setpoint_encoding.SetpointEncoder`, `csms.ocpp.profiles`); a
  schedule the station cannot express is refused here and never reaches the wire;
- one delivery channel per EVSE and profile purpose: one call in flight, the latest schedule wins (a queued one
  that is overtaken resolves as SUPERSEDED), at most one send per `min_update_interval_s` of clock time;
- per station at most `max_station_calls_per_s` setpoint calls in any second of clock time, across its EVSEs and
  purposes: channels waiting for the station's budget take turns in the order they asked (none starves) and keep
  coalescing while they wait; each station has its own budget, so a slow station never delays another;
- on OCPP 2.1 stations that support Dynamic profiles, a one-period TxProfile is installed as a Dynamic profile and
  later setpoints in the same operation mode travel as UpdateDynamicSchedule. An update keeps the installed
  profile's window, so it is only used when the new schedule has started and lasts at least until that window
  ends, and while more than half of the window is left; otherwise the profile is installed afresh. Which of the
  two goes out is decided when it is sent, against the profile the station holds.
`on_change(station_id, evse_id)` is called whenever what an EVSE may do changes (for `PowerLedgers`).

Two ways in: `submit` waits for the result (an idle channel that may send at once sends in the caller's task, so a
fan-out costs no task or future per station beyond the caller's, one event-loop turn after queueing, so a fan-out's
sends leave back to back); `submit_nowait` tells a callback (the fleet's
ticks). `HandedSetpoints` keeps, per EVSE, the latest setpoint handed over without waiting and forget it when its
send fails, which is how a requester that only sends changes learns what to send again.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.schedule import PowerSchedule, ProfilePurpose
from csms.errors import CsmsError, StationNotConnected
from csms.ocpp import profiles
from csms.services.envelope import Clamped
from csms.services.envelope_site import NOTHING, Commanded, Segment, worst
from csms.services.events import EventBus, SetpointApplied
from csms.services.gateway import StationGateway
from csms.services.setpoint_encoding import SetpointEncoder
from csms.services.station_budget import StationBudgets

log = logging.getLogger("csms.services.charging")

ChannelKey = tuple[StationId, int, ProfilePurpose]  # (station id, EVSE id, purpose)


class ApplyStatus(enum.StrEnum):
    ACCEPTED = "Accepted"  # the station accepted the (possibly clamped) profile
    REJECTED = "Rejected"  # the station answered Rejected
    REFUSED = "Refused"  # we did not send: the station cannot express it
    SUPERSEDED = "Superseded"  # a newer schedule for the same EVSE replaced it before it was sent
    FAILED = "Failed"  # not connected, timeout, CALLERROR


@dataclass(frozen=True, slots=True)
class ApplyResult:
    status: ApplyStatus
    schedule: PowerSchedule | None = None  # what was (or would have been) sent, after clamping
    changes: tuple[str, ...] = ()
    detail: str = ""
    response: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DynamicProfile:
    """A Dynamic TxProfile installed on an EVSE (OCPP 2.1), updated in place by UpdateDynamicSchedule."""

    mode: str
    transaction_id: str | None
    starts_at: datetime
    ends_at: datetime


Outcome = Callable[[ApplyResult], None]  # told the result of a setpoint handed over without waiting


@dataclass(frozen=True, slots=True)
class Handed:
    """The latest TxProfile setpoint a requester handed over for an EVSE without waiting (`SetpointOutbox.hand`):
    its power as asked (before clamping), for which transaction, and when. Dropped when its send fails, so the
    requester sends it again."""

    power_w: float
    transaction_id: str | None
    at: datetime


@dataclass(slots=True)
class _Pending:
    """A clamped schedule waiting to be sent, with its SetChargingProfile payload (encoded, so validated), and
    who waits for the result (a future, a callback, or nobody yet)."""

    payload: dict[str, Any]
    clamped: Clamped
    caps: StationCapabilities
    dynamic: bool  # fits a 2.1 Dynamic profile: may travel as UpdateDynamicSchedule
    commanded: Commanded  # what it lets the EVSE do, for the ledgers
    future: asyncio.Future[ApplyResult] | None = None
    outcome: Outcome | None = None

    def resolve(self, result: ApplyResult) -> None:
        if self.future is not None and not self.future.done():
            self.future.set_result(result)
        if self.outcome is not None:
            outcome, self.outcome = self.outcome, None
            outcome(result)


@dataclass(slots=True)
class _Channel:
    """Delivery state of one EVSE and profile purpose: the latest schedule waiting, whether a send is running,
    and what the station may hold (for the ledgers)."""

    pending: _Pending | None = None
    sending: bool = False
    last_sent_s: float | None = None
    accepted: Commanded = NOTHING  # the last command the station accepted (or may have: a timeout)
    in_flight: Commanded = NOTHING


async def _resolved(result: ApplyResult) -> ApplyResult:
    return result


class HandedSetpoints:
    """Per EVSE, the latest TxProfile setpoint a requester handed over without waiting (`submit_nowait`), until
    its send fails: how a requester that only sends changes learns what to send again."""

    def __init__(self) -> None:
        self._by_evse: dict[tuple[StationId, int], Handed] = {}
        self.failed_sends = 0  # handed-over setpoints that did not reach their station (timeout, CALLERROR, Rejected)

    def get(self, station_id: StationId, evse_id: int) -> Handed | None:
        return self._by_evse.get((station_id, evse_id))

    def hand(self, station_id: StationId, schedule: PowerSchedule) -> Handed:
        """Note `schedule` (a one-period TxProfile setpoint) as the latest handed over for its EVSE; `outcome_of`
        the returned record then keeps or drops it by how its send went."""
        handed = Handed(schedule.periods[0].power_w, schedule.transaction_id, schedule.starts_at)
        self._by_evse[(station_id, schedule.evse_id)] = handed
        return handed

    def outcome_of(self, station_id: StationId, evse_id: int, handed: Handed, result: ApplyResult) -> None:
        """A setpoint that did not reach the station (timeout, CALLERROR, Rejected) is forgotten, so its requester
        sends it again instead of waiting for the refresh while the station keeps the previous one. Superseded
        and refused ones are kept (a newer one is on its way; resending cannot change a refusal)."""
        if result.status not in (ApplyStatus.FAILED, ApplyStatus.REJECTED):
            return
        self.failed_sends += 1
        key = (station_id, evse_id)
        if self._by_evse.get(key) is handed:
            del self._by_evse[key]
        log.debug("setpoint for %s/%s not applied (%s %s): sent again on the next tick", station_id, evse_id,
                  result.status, result.detail)

    def forget(self, station_id: StationId, evse_id: int) -> None:
        self._by_evse.pop((station_id, evse_id), None)


class SetpointOutbox:
    """Per-EVSE, per-station delivery of clamped schedules (see the module docstring)."""

    def __init__(self, gateway: StationGateway, clock: Clock, events: EventBus, *,
                 on_change: Callable[[StationId, int], None], min_update_interval_s: float = 1.0,
                 max_station_calls_per_s: int | None = 4, max_offline_duration_s: int = 300,
                 use_dynamic_profiles: bool = True) -> None:
        self._gateway = gateway
        self._clock = clock
        self._events = events
        self._on_change = on_change
        self._min_update_interval_s = min_update_interval_s
        self._encoder = SetpointEncoder(max_offline_duration_s=max_offline_duration_s,
                                        use_dynamic_profiles=use_dynamic_profiles)
        self._channels: dict[ChannelKey, _Channel] = {}
        self._budgets = StationBudgets(clock, max_station_calls_per_s, self.spawn)
        self._evses_of: dict[StationId, set[int]] = {}  # EVSEs with a delivery channel, by station
        self._tasks: set[asyncio.Task[None]] = set()  # delivery tasks (and turn granters) running
        self.dynamic: dict[tuple[StationId, int], DynamicProfile] = {}
        self.installed: dict[ChannelKey, PowerSchedule] = {}  # the last schedule each channel's station accepted
        self.handed = HandedSetpoints()

    # ---- what EVSEs may do ----------------------------------------------------------------------------

    def evses_of(self, station_id: StationId) -> Iterable[int]:
        return self._evses_of.get(station_id, ())

    def may_do(self, station_id: StationId, evse_id: int) -> tuple[Segment, ...]:
        """The worst, instant by instant, of what this EVSE's TxProfile and TxDefaultProfile channels hold, have
        in flight or have queued."""
        sets: list[tuple[Segment, ...]] = []
        for purpose in (ProfilePurpose.TX, ProfilePurpose.TX_DEFAULT):
            channel = self._channels.get((station_id, evse_id, purpose))
            if channel is not None:
                sets += [channel.accepted.segments, channel.in_flight.segments,
                         channel.pending.commanded.segments if channel.pending else ()]
        return worst(*sets)

    # ---- submit and deliver ---------------------------------------------------------------------------

    def submit(self, station_id: StationId, clamped: Clamped, caps: StationCapabilities, commanded: Commanded, *,
               requester: str = "") -> Awaitable[ApplyResult]:
        """Encode `clamped.schedule` for the station and deliver it; the awaitable resolves when it was sent,
        superseded or refused. An idle channel that may send now sends in the awaiting task (no task, no future)."""
        queued = self._queue(station_id, clamped, caps, commanded, requester)
        if isinstance(queued, ApplyResult):
            return _resolved(queued)
        channel, item = queued
        if not channel.sending and self._may_send_now(station_id, channel):
            channel.sending = True
            return self._send_next(station_id, channel, release=True)
        item.future = asyncio.get_running_loop().create_future()
        self._start_delivery(station_id, channel)
        return item.future

    def submit_nowait(self, station_id: StationId, clamped: Clamped, caps: StationCapabilities,
                      commanded: Commanded, outcome: Outcome, *, requester: str = "") -> None:
        """`submit` without waiting: `outcome` is told the result (at once when refused)."""
        queued = self._queue(station_id, clamped, caps, commanded, requester)
        if isinstance(queued, ApplyResult):
            outcome(queued)
            return
        channel, item = queued
        item.outcome = outcome
        self._start_delivery(station_id, channel)

    def _queue(self, station_id: StationId, clamped: Clamped, caps: StationCapabilities, commanded: Commanded,
               requester: str) -> tuple[_Channel, _Pending] | ApplyResult:
        """Encode and queue as the channel's latest schedule (a waiting one is superseded); REFUSED if the station
        cannot express it."""
        schedule = clamped.schedule
        dynamic = self._encoder.dynamic_fits(schedule, caps)
        try:
            payload = self._encoder.encode(schedule, caps, dynamic)
        except profiles.EncodeError as exc:
            log.warning("%s/%s: schedule from %s refused: %s", station_id, schedule.evse_id, requester, exc)
            return ApplyResult(ApplyStatus.REFUSED, schedule, clamped.changes, str(exc))
        key = (station_id, schedule.evse_id, schedule.purpose)
        channel = self._channels.get(key)
        if channel is None:
            channel = self._channels[key] = _Channel()
            self._evses_of.setdefault(station_id, set()).add(schedule.evse_id)
        if channel.pending is not None:
            channel.pending.resolve(ApplyResult(ApplyStatus.SUPERSEDED, channel.pending.clamped.schedule))
        item = channel.pending = _Pending(payload, clamped, caps, dynamic, commanded)
        self._on_change(station_id, schedule.evse_id)  # counts for the limits from now: it may reach the station
        return channel, item

    def _may_send_now(self, station_id: StationId, channel: _Channel) -> bool:
        """The channel's interval has passed and the station has a turn free now (taken if so)."""
        if channel.last_sent_s is not None and \
                self._clock.now().timestamp() < channel.last_sent_s + self._min_update_interval_s:
            return False
        return self._budgets.take_now(station_id)

    def _start_delivery(self, station_id: StationId, channel: _Channel) -> None:
        if not channel.sending:
            channel.sending = True
            self.spawn(self._deliver(station_id, channel))

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run `coro` as a delivery task (kept until done, awaited by `drain`)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until nothing is being delivered (every queued schedule sent, superseded or failed)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(self, station_id: StationId, channel: _Channel) -> None:
        try:
            while channel.pending is not None:
                if channel.last_sent_s is not None:
                    wait_s = channel.last_sent_s + self._min_update_interval_s - self._clock.now().timestamp()
                    if wait_s > 0:
                        await self._clock.sleep(wait_s)
                await self._budgets.turn(station_id)
                if channel.pending is None:  # nothing clears a waiting schedule today; the turn is just unused
                    break
                await self._send_next(station_id, channel)
        finally:
            channel.sending = False

    async def _send_next(self, station_id: StationId, channel: _Channel, *, release: bool = False) -> ApplyResult:
        """Send the channel's pending schedule (the caller holds the channel's turn) and resolve it; `release`:
        then give the channel up (a queued schedule goes on in a delivery task)."""
        item = channel.pending
        assert item is not None
        channel.pending, channel.in_flight = None, item.commanded
        channel.last_sent_s = self._clock.now().timestamp()
        result: ApplyResult | None = None
        maybe_applied = not release  # from the send on, unless we learn otherwise (e.g. cancelled while in flight)
        try:
            if release:  # in the caller's task: let the other callers of a fan-out encode theirs first
                await asyncio.sleep(0)
                maybe_applied = True
            action, payload = self._request(station_id, item)
            try:
                response = await self._gateway.call(station_id, action, payload)
            except CsmsError as exc:
                result = ApplyResult(ApplyStatus.FAILED, item.clamped.schedule, item.clamped.changes,
                                     f"{type(exc).__name__}: {exc}")
                maybe_applied = not isinstance(exc, StationNotConnected)
            else:
                result, maybe_applied = self._answered(station_id, item, action, response), False
        except Exception as exc:  # the caller gets FAILED, the channel keeps working
            log.exception("%s/%s: sending a schedule failed", station_id, item.clamped.schedule.evse_id)
            result = ApplyResult(ApplyStatus.FAILED, item.clamped.schedule, item.clamped.changes,
                                 f"{type(exc).__name__}: {exc}")
        finally:
            if result is not None and result.status is ApplyStatus.ACCEPTED:
                channel.accepted = item.commanded
            elif maybe_applied:  # e.g. a timeout: the station may hold either command
                channel.accepted = Commanded.known(worst(channel.accepted.segments, item.commanded.segments))
            channel.in_flight = NOTHING
            self._on_change(station_id, item.clamped.schedule.evse_id)
            item.resolve(result or ApplyResult(ApplyStatus.FAILED, item.clamped.schedule, detail="cancelled"))
            if release:
                channel.sending = False
                if channel.pending is not None:
                    self._start_delivery(station_id, channel)
        return result

    # ---- the wire -------------------------------------------------------------------------------------

    @staticmethod
    def _dynamic_update_ok(installed: DynamicProfile, schedule: PowerSchedule, now: datetime) -> bool:
        """An update takes effect when it arrives (`now`) and stays until the installed profile's window ends:
        fine if the schedule has started, lasts at least that long, and more than half the window is left."""
        half_s = (installed.ends_at - installed.starts_at).total_seconds() / 2
        return (installed.mode == schedule.periods[0].mode.value
                and installed.transaction_id == schedule.transaction_id
                and schedule.starts_at <= now and schedule.ends_at >= installed.ends_at
                and (installed.ends_at - now).total_seconds() > half_s)

    def _request(self, station_id: StationId, item: _Pending) -> tuple[str, dict[str, Any]]:
        """The call for `item`: UpdateDynamicSchedule if the station's Dynamic profile allows it, else
        SetChargingProfile."""
        schedule = item.clamped.schedule
        installed = self.dynamic.get((station_id, schedule.evse_id))
        if item.dynamic and installed is not None and \
                self._dynamic_update_ok(installed, schedule, self._clock.now()):
            return "UpdateDynamicSchedule", profiles.dynamic_update_request(schedule, item.caps)
        return "SetChargingProfile", item.payload

    def _answered(self, station_id: StationId, item: _Pending, action: str, response: dict[str, Any]
                  ) -> ApplyResult:
        """What the station's answer to `action` means, and what it now holds."""
        clamped = item.clamped
        schedule = clamped.schedule
        key = (station_id, schedule.evse_id)
        if response.get("status") != "Accepted":
            if action == "UpdateDynamicSchedule":
                self.dynamic.pop(key, None)  # the next setpoint installs the profile afresh
            return ApplyResult(ApplyStatus.REJECTED, schedule, clamped.changes,
                               str(response.get("statusInfo", {}).get("reasonCode", "")), response)
        if action == "SetChargingProfile":
            if item.dynamic:  # sent as a Dynamic profile (`SetpointEncoder.dynamic_fits`)
                self.dynamic[key] = DynamicProfile(schedule.periods[0].mode.value, schedule.transaction_id,
                                                   schedule.starts_at, schedule.ends_at)
            elif schedule.purpose is ProfilePurpose.TX:
                self.dynamic.pop(key, None)  # same profile id, now Absolute
        self.installed[(station_id, schedule.evse_id, schedule.purpose)] = schedule
        first = schedule.periods[0]
        self._events.publish(SetpointApplied(
            station_id=StationId(station_id), at=self._clock.now(), evse_id=schedule.evse_id, power_w=first.power_w,
            mode=first.mode.value, until=schedule.ends_at, clamped=clamped.changed))
        return ApplyResult(ApplyStatus.ACCEPTED, schedule, clamped.changes, "", response)

    def cleared(self, station_id: StationId, evse_id: int, purpose: ProfilePurpose, response: dict[str, Any]) -> None:
        """The station answered ClearChargingProfile for this channel's profile with `response`."""
        self.installed.pop((station_id, evse_id, purpose), None)
        channel = self._channels.get((station_id, evse_id, purpose))
        if channel is not None and response.get("status") in ("Accepted", "Unknown"):  # Unknown: none to clear
            channel.accepted = NOTHING
            self._on_change(station_id, evse_id)
        if purpose is ProfilePurpose.TX:
            self.dynamic.pop((station_id, evse_id), None)
            self.handed.forget(station_id, evse_id)
