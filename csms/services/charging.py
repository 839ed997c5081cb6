"""Charge and discharge commands to EVSEs: capability lookup, safety envelope, encoding, coalesced delivery.

`ChargingService.apply(station_id, schedule)` is the one way a schedule reaches a station, whoever asks:
1. the station's capabilities for that EVSE (learned from its device model, cached until the station reboots
   or reports a new device model on this node; or an operator override);
2. the safety envelope (`envelope.py`) from capabilities, the EV's needs and last SoC, and the site limits
   given what the other EVSEs of the site may do at the same times (`envelope_site.SiteLedger`: every EVSE's
   commanded schedule over time, counted from the moment a command is queued, so setpoints applied together
   are checked against each other); likewise the station's own charge/discharge rating (when its capabilities
   name one) against the other EVSEs of the same station, with one more ledger per rated station; a schedule
   the envelope changes is sent changed;
3. encoding for the station's OCPP version (`csms.ocpp.profiles`); a schedule the station cannot express
   (e.g. discharge to a charge-only station), and a discharging TxDefault or station-max schedule (a default
   profile outlives any transaction, and with it the EV's envelope), are refused here and never reach the wire;
4. delivery per EVSE and profile purpose: one call in flight, the latest schedule wins (a queued one that is
   overtaken resolves as SUPERSEDED), at most one send per `min_update_interval_s` of clock time; and per
   station at most `max_station_calls_per_s` setpoint calls (SetChargingProfile / UpdateDynamicSchedule) in
   any second of clock time, across its EVSEs and purposes: channels waiting for the station's budget take
   turns in the order they asked (none starves) and keep coalescing while they wait; each station has its own
   budget, so a busy or slow station never delays another.
On OCPP 2.1 stations that support Dynamic profiles, a one-period TxProfile is installed as a Dynamic profile
and later setpoints in the same operation mode travel as UpdateDynamicSchedule (a few fields, no profile
re-validation on the station). An update keeps the installed profile's window, so it is only used when the new
schedule has started and lasts at least until that window ends (the envelope checked it for at least as long
as the station will keep it), and while more than half of the window is left; otherwise the profile is
installed afresh. Which of the two goes out is decided when it is sent, against the profile the station holds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock, parse_ocpp_time
from csms.domain.composite_check import CompositeCheck, step_differences
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.domain.schedule import OperationMode, PowerSchedule, ProfilePurpose
from csms.errors import CsmsError, StationNotConnected
from csms.ocpp import profiles
from csms.services.capabilities import capabilities_from_variables
from csms.services.composite import EvseHardware, InstalledProfile, composite_from_response, expected_composite
from csms.services.envelope import Clamped, SiteLimits, SiteOthers, clamp_schedule, envelope_for
from csms.services.envelope_site import Segment, SiteLedger, segments_of, worst
from csms.services.events import DomainEvent, EventBus
from csms.services.gateway import StationGateway
from csms.store.base import StateStore

log = logging.getLogger("csms.services.charging")


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


@dataclass(slots=True)
class _EvseFacts:
    needs: ChargingNeedsRecord | None
    socs: dict[str, tuple[float | None, datetime | None]]  # last (SoC, read at) by open transaction id
    read_at_s: float  # clock time (POSIX seconds) of the store read


@dataclass(frozen=True, slots=True)
class _DynamicProfile:
    """A Dynamic TxProfile installed on an EVSE (OCPP 2.1), updated in place by UpdateDynamicSchedule."""

    mode: str
    transaction_id: str | None
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class _Pending:
    """A clamped schedule waiting to be sent, with its SetChargingProfile payload (encoded, so validated)."""

    payload: dict[str, Any]
    clamped: Clamped
    caps: StationCapabilities
    dynamic: bool  # fits a 2.1 Dynamic profile: may travel as UpdateDynamicSchedule
    segments: tuple[Segment, ...]  # what it lets the EVSE do, for the site ledger
    future: asyncio.Future[ApplyResult]


@dataclass(slots=True)
class _Channel:
    """Delivery state of one EVSE and profile purpose: the latest schedule waiting, whether a send is running,
    and what the station may hold (for the site ledger)."""

    pending: _Pending | None = None
    sending: bool = False
    last_sent_s: float | None = None
    accepted: tuple[Segment, ...] = ()  # the last command the station accepted (or may have: a timeout)
    in_flight: tuple[Segment, ...] = ()


@dataclass(slots=True)
class _StationBudget:
    """The setpoint calls one station may still get: when the last ones were sent, and who waits for a turn."""

    sent_s: deque[float] = field(default_factory=deque)  # clock times of the sends in the last second
    waiting: deque[asyncio.Future[None]] = field(default_factory=deque)
    granting: bool = False  # a task hands out turns to `waiting`


class ChargingService:
    def __init__(self, gateway: StationGateway, store: StateStore, clock: Clock, events: EventBus, *,
                 site: SiteLimits | None = None, min_update_interval_s: float = 1.0,
                 max_station_calls_per_s: int | None = 4,
                 max_discharge_validity_s: int = 900, default_min_soc: float = 0.2,
                 max_offline_duration_s: int = 300, use_dynamic_profiles: bool = True,
                 facts_ttl_s: float = 5.0) -> None:
        if max_station_calls_per_s is not None and max_station_calls_per_s < 1:
            raise ValueError("max_station_calls_per_s must be >= 1 (None: no per-station limit)")
        self._gateway = gateway
        self._store = store
        self._clock = clock
        self._events = events
        self._site = site or SiteLimits()
        self._min_update_interval_s = min_update_interval_s
        self._max_station_calls_per_s = max_station_calls_per_s
        self._budgets: dict[str, _StationBudget] = {}
        self._max_discharge_validity_s = max_discharge_validity_s
        self._default_min_soc = default_min_soc
        self._max_offline_duration_s = max_offline_duration_s
        self._use_dynamic = use_dynamic_profiles
        self._dynamic: dict[tuple[str, int], _DynamicProfile] = {}
        self._overrides: dict[tuple[str, int], StationCapabilities] = {}
        self._learned: dict[tuple[str, int], StationCapabilities] = {}  # cache, dropped on a new device model
        events.subscribe(self._on_event)
        self._channels: dict[tuple[str, int, ProfilePurpose], _Channel] = {}
        # what every EVSE may do over time, for the site limits (kept only when the site has limits)
        self._ledger = SiteLedger()
        self._site_tracked = self._site.import_limit_w is not None or self._site.export_limit_w is not None
        # the same per station, for stations whose capabilities name a station-wide rating
        self._station_ledgers: dict[str, SiteLedger] = {}
        self._evses_of: dict[str, set[int]] = {}  # EVSEs with a delivery channel, by station
        self.installed: dict[tuple[str, int, ProfilePurpose], PowerSchedule] = {}
        self._facts: dict[tuple[str, int], _EvseFacts] = {}
        self._facts_ttl_s = facts_ttl_s

    # ---- capabilities ---------------------------------------------------------------------------------

    def override_capabilities(self, station_id: str, evse_id: int, caps: StationCapabilities | None) -> None:
        """Operator-set capabilities (None: back to what the device model says)."""
        if caps is None:
            self._overrides.pop((station_id, evse_id), None)
        else:
            self._overrides[(station_id, evse_id)] = caps

    async def capabilities(self, station_id: str, evse_id: int) -> StationCapabilities:
        override = self._overrides.get((station_id, evse_id))
        if override is not None:
            return override
        cached = self._learned.get((station_id, evse_id))
        if cached is not None:
            return cached
        station = await self._store.get_station(StationId(station_id))
        version = station.ocpp_version if station and station.ocpp_version else "ocpp2.0.1"
        variables = await self._store.list_variables(StationId(station_id))
        caps = capabilities_from_variables(version, variables, evse_id)
        self._learned[(station_id, evse_id)] = caps  # until a boot or a device-model report says otherwise
        return caps

    def _on_event(self, event: DomainEvent) -> None:
        """A (re)boot or a new device model report can change what a station can do; needs, transactions and
        metered SoC keep the envelope's facts fresh."""
        if event.kind in ("station.booted", "station.report_complete", "station.connected"):
            for key in [k for k in self._learned if k[0] == event.station_id]:
                del self._learned[key]
        evse_id = event.data.get("evse_id")
        if evse_id is None:
            return
        key = (event.station_id, int(evse_id))
        if event.kind in ("ev.needs", "transaction.started", "transaction.ended"):
            self._facts.pop(key, None)
        elif event.kind in ("transaction.updated", "meter.values") and event.data.get("soc") is not None:
            facts = self._facts.get(key)
            transaction_id = event.data.get("transaction_id")
            soc_at = event.data.get("soc_at")
            reading = (float(event.data["soc"]), soc_at if isinstance(soc_at, datetime) else event.at)
            if facts is not None and transaction_id in facts.socs:
                facts.socs[transaction_id] = reading
            elif facts is not None and transaction_id is None and len(facts.socs) == 1:
                facts.socs[next(iter(facts.socs))] = reading

    # ---- commands -------------------------------------------------------------------------------------

    async def prepare(self, station_id: str, schedule: PowerSchedule, *, evses: int | None = None
                      ) -> tuple[Clamped, StationCapabilities]:
        """Clamp `schedule` into the safety envelope of its EVSE (no I/O to the station); `evses`: how many
        EVSEs it drives (`_evses_under`, looked up when not given)."""
        caps = await self.capabilities(station_id, schedule.evse_id)
        needs, soc, soc_at = await self._evse_facts(station_id, schedule)
        soc_age_s = 0.0 if soc_at is None else max(0.0, (self._clock.now() - soc_at).total_seconds())
        env = envelope_for(caps, needs, soc, self._max_discharge_validity_s, self._default_min_soc, soc_age_s)
        key, start_s = (station_id, schedule.evse_id), schedule.starts_at.timestamp()

        def others_in(ledger: SiteLedger) -> SiteOthers:
            ledger.advance(self._clock.now().timestamp())
            return lambda windows: ledger.others(key, [(start_s + a, start_s + b) for a, b in windows])

        station = SiteLimits(caps.station_max_charge_power_w, caps.station_max_discharge_power_w)
        station_rated = station.import_limit_w is not None or station.export_limit_w is not None
        if evses is None:
            evses = await self._evses_under(station_id, schedule)
        return clamp_schedule(
            schedule, env, self._site, site_others=others_in(self._ledger) if self._site_tracked else None,
            station=station if station_rated else None,
            station_others=others_in(self._station_ledger(station_id)) if station_rated else None,
            evses=evses), caps

    async def _evses_under(self, station_id: str, schedule: PowerSchedule) -> int:
        """How many EVSEs `schedule` drives: all of the station's for a TxDefaultProfile on EVSE 0 (OCPP applies
        it to each), from the device model's and the status notifications' EVSE ids; else 1."""
        if schedule.evse_id != 0 or schedule.purpose is not ProfilePurpose.TX_DEFAULT:
            return 1
        station = StationId(station_id)
        ids = {v.evse_id for v in await self._store.list_variables(station) if v.evse_id}
        ids |= {c.evse_id for c in await self._store.list_connector_statuses(station) if c.evse_id}
        return max(1, len(ids))

    def _station_ledger(self, station_id: str) -> SiteLedger:
        """The ledger of `station_id`'s EVSEs, started (with what they may do already) when first needed."""
        ledger = self._station_ledgers.get(station_id)
        if ledger is None:
            ledger = self._station_ledgers[station_id] = SiteLedger()
            ledger.advance(self._clock.now().timestamp())
            for evse_id in self._evses_of.get(station_id, ()):
                ledger.set((station_id, evse_id), self._may_do(station_id, evse_id))
        return ledger

    async def apply_many(self, items: Sequence[tuple[str, PowerSchedule]], *, requester: str = ""
                         ) -> list[ApplyResult]:
        """`apply` for many EVSEs at once (a fleet tick, a fan-out): what the envelopes need from the store is read
        in bulk first (`prefetch`), then every schedule goes out concurrently. One result per item, in order; an
        error on one item is its FAILED result, never the others'."""
        try:
            await self.prefetch([(station_id, schedule.evse_id) for station_id, schedule in items])
        except CsmsError as exc:  # e.g. the store is down: each apply reports it (or succeeds from cache)
            log.warning("bulk prefetch for %d setpoints failed: %s", len(items), exc)
        results = await asyncio.gather(*(self.apply(station_id, schedule, requester=requester)
                                         for station_id, schedule in items), return_exceptions=True)
        return [r if isinstance(r, ApplyResult) else ApplyResult(ApplyStatus.FAILED, schedule,
                                                                 detail=f"{type(r).__name__}: {r}")
                for r, (_, schedule) in zip(results, items, strict=True)]

    async def prefetch(self, keys: Sequence[tuple[str, int]], *, chunk: int = 1000) -> None:
        """Fill the capability and envelope-fact caches for `keys` with bulk store reads (chunks of `chunk`)."""
        now = self._clock.now().timestamp()
        unique = list(dict.fromkeys(keys))
        need_model = [k for k in unique if k not in self._overrides and k not in self._learned]
        modelled = set(need_model)
        stale = [k for k in unique if k not in modelled and
                 ((facts := self._facts.get(k)) is None or now - facts.read_at_s >= self._facts_ttl_s)]
        for batch, device_model in ((need_model, True), (stale, False)):
            for start in range(0, len(batch), chunk):
                part = [(StationId(station_id), evse_id) for station_id, evse_id in batch[start:start + chunk]]
                for found in await self._store.get_evse_facts(part, device_model=device_model):
                    key = (str(found.station_id), found.evse_id)
                    if found.variables is not None and key not in self._learned:
                        version = found.station.ocpp_version if found.station and found.station.ocpp_version \
                            else "ocpp2.0.1"
                        self._learned[key] = capabilities_from_variables(version, found.variables, found.evse_id)
                    self._facts[key] = _EvseFacts(found.needs, {tx.transaction_id: (tx.last_soc, tx.last_soc_at)
                                                                for tx in found.open_transactions}, now)

    async def apply(self, station_id: str, schedule: PowerSchedule, *, requester: str = "") -> ApplyResult:
        """Clamp, encode and deliver `schedule`; see the module docstring."""
        evses = await self._evses_under(station_id, schedule)
        clamped, caps = await self.prepare(station_id, schedule, evses=evses)
        detail = ""
        if schedule.discharges and not caps.discharge_supported:
            detail = "station cannot discharge: a discharge schedule is refused, not sent"
        elif schedule.discharges and schedule.purpose is not ProfilePurpose.TX:
            detail = (f"a discharging {schedule.purpose.value} is refused: a default profile outlives any "
                      "transaction and its EV's envelope; discharge only in a TxProfile")
        if detail:
            log.warning("%s/%s: schedule from %s refused: %s", station_id, schedule.evse_id, requester, detail)
            return ApplyResult(ApplyStatus.REFUSED, clamped.schedule, clamped.changes, detail)
        dynamic = self._dynamic_fits(clamped.schedule, caps)
        try:
            payload = profiles.set_charging_profile_request(
                clamped.schedule, caps, max_offline_duration_s=self._max_offline_duration_s, dynamic=dynamic)
        except profiles.EncodeError as exc:
            log.warning("%s/%s: schedule from %s refused: %s", station_id, schedule.evse_id, requester, exc)
            return ApplyResult(ApplyStatus.REFUSED, clamped.schedule, clamped.changes, str(exc))
        tracked = schedule.purpose is not ProfilePurpose.STATION_MAX  # a cap, not a command to an EVSE
        segments = segments_of(clamped.schedule) if tracked else ()
        if evses > 1:  # one schedule for every EVSE of the station: each of them may do it
            segments = tuple(seg._replace(lo_w=seg.lo_w * evses, hi_w=seg.hi_w * evses) for seg in segments)
        channel = self._channels.get((station_id, schedule.evse_id, schedule.purpose))
        if channel is None:
            channel = self._channels[(station_id, schedule.evse_id, schedule.purpose)] = _Channel()
            self._evses_of.setdefault(station_id, set()).add(schedule.evse_id)
        future: asyncio.Future[ApplyResult] = asyncio.get_running_loop().create_future()
        if channel.pending is not None and not channel.pending.future.done():
            channel.pending.future.set_result(ApplyResult(ApplyStatus.SUPERSEDED, channel.pending.clamped.schedule))
        channel.pending = _Pending(payload, clamped, caps, dynamic, segments, future)
        self._track(station_id, schedule.evse_id)  # counts for the limits from now: it may reach the station
        if not channel.sending:
            channel.sending = True
            asyncio.get_running_loop().create_task(self._deliver(station_id, channel))
        return await future

    async def _deliver(self, station_id: str, channel: _Channel) -> None:
        try:
            while channel.pending is not None:
                if channel.last_sent_s is not None:
                    wait_s = channel.last_sent_s + self._min_update_interval_s - self._clock.now().timestamp()
                    if wait_s > 0:
                        await self._clock.sleep(wait_s)
                await self._station_turn(station_id)
                if channel.pending is None:  # nothing clears a waiting schedule today; the turn is just unused
                    break
                item = channel.pending
                channel.pending, channel.in_flight = None, item.segments
                channel.last_sent_s = self._clock.now().timestamp()
                try:
                    result, maybe_applied = await self._send(station_id, item)
                except Exception as exc:  # a task boundary: the caller gets FAILED, the channel keeps working
                    log.exception("%s/%s: sending a schedule failed", station_id, item.clamped.schedule.evse_id)
                    result = ApplyResult(ApplyStatus.FAILED, item.clamped.schedule, item.clamped.changes,
                                         f"{type(exc).__name__}: {exc}")
                    maybe_applied = True
                if result.status is ApplyStatus.ACCEPTED:
                    channel.accepted = item.segments
                elif maybe_applied:  # e.g. a timeout: the station may hold either command
                    channel.accepted = worst(channel.accepted, item.segments)
                channel.in_flight = ()
                self._track(station_id, item.clamped.schedule.evse_id)
                if not item.future.done():
                    item.future.set_result(result)
        finally:
            channel.sending = False

    async def _station_turn(self, station_id: str) -> None:
        """Wait until `station_id` may get another setpoint call (see the module docstring), and take it."""
        limit = self._max_station_calls_per_s
        if limit is None:
            return
        budget = self._budgets.get(station_id)
        if budget is None:
            budget = self._budgets[station_id] = _StationBudget()
        now_s = self._clock.now().timestamp()
        while budget.sent_s and budget.sent_s[0] <= now_s - 1.0:
            budget.sent_s.popleft()
        if not budget.waiting and len(budget.sent_s) < limit:  # the common case: no task, no future
            budget.sent_s.append(now_s)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        budget.waiting.append(turn)
        if not budget.granting:
            budget.granting = True
            asyncio.get_running_loop().create_task(self._grant_turns(budget, limit))
        await turn

    async def _grant_turns(self, budget: _StationBudget, limit: int) -> None:
        """Hand out one station's turns in the order they were asked for, `limit` in any second."""
        try:
            while budget.waiting:
                now_s = self._clock.now().timestamp()
                while budget.sent_s and budget.sent_s[0] <= now_s - 1.0:
                    budget.sent_s.popleft()
                if len(budget.sent_s) >= limit:
                    await self._clock.sleep(budget.sent_s[0] + 1.0 - now_s)
                    continue
                turn = budget.waiting.popleft()
                if not turn.done():  # else its delivery task was cancelled
                    budget.sent_s.append(now_s)
                    turn.set_result(None)
        finally:
            budget.granting = False

    def _may_do(self, station_id: str, evse_id: int) -> tuple[Segment, ...]:
        """What this EVSE may do: the worst, instant by instant, of what its TxProfile and TxDefaultProfile
        channels hold, have in flight or have queued."""
        sets: list[tuple[Segment, ...]] = []
        for purpose in (ProfilePurpose.TX, ProfilePurpose.TX_DEFAULT):
            channel = self._channels.get((station_id, evse_id, purpose))
            if channel is not None:
                sets += [channel.accepted, channel.in_flight, channel.pending.segments if channel.pending else ()]
        return worst(*sets)

    def _track(self, station_id: str, evse_id: int) -> None:
        """Tell the site ledger, and the station's if it has one, what this EVSE may do (`_may_do`)."""
        station_ledger = self._station_ledgers.get(station_id)
        if not self._site_tracked and station_ledger is None:
            return
        segments = self._may_do(station_id, evse_id)
        if self._site_tracked:
            self._ledger.set((station_id, evse_id), segments)
        if station_ledger is not None:
            station_ledger.set((station_id, evse_id), segments)

    def _dynamic_fits(self, schedule: PowerSchedule, caps: StationCapabilities) -> bool:
        return (self._use_dynamic and caps.ocpp_version == "ocpp2.1" and caps.supports_dynamic_profiles
                and schedule.purpose is ProfilePurpose.TX and len(schedule.periods) == 1
                and schedule.periods[0].mode in (OperationMode.CENTRAL_SETPOINT, OperationMode.CHARGING_ONLY))

    @staticmethod
    def _dynamic_update_ok(installed: _DynamicProfile, schedule: PowerSchedule, now: datetime) -> bool:
        """An update takes effect when it arrives (`now`) and stays until the installed profile's window ends:
        fine if the schedule has started, lasts at least that long, and more than half the window is left."""
        half_s = (installed.ends_at - installed.starts_at).total_seconds() / 2
        return (installed.mode == schedule.periods[0].mode.value
                and installed.transaction_id == schedule.transaction_id
                and schedule.starts_at <= now and schedule.ends_at >= installed.ends_at
                and (installed.ends_at - now).total_seconds() > half_s)

    async def _send(self, station_id: str, item: _Pending) -> tuple[ApplyResult, bool]:
        """Send `item` (as UpdateDynamicSchedule if the station's Dynamic profile allows it); the result and
        whether the station may have applied it although it is not ACCEPTED (no answer)."""
        clamped = item.clamped
        schedule = clamped.schedule
        key = (station_id, schedule.evse_id)
        action, payload = "SetChargingProfile", item.payload
        installed = self._dynamic.get(key)
        if item.dynamic and installed is not None and \
                self._dynamic_update_ok(installed, schedule, self._clock.now()):
            action, payload = "UpdateDynamicSchedule", profiles.dynamic_update_request(schedule, item.caps)
        try:
            response = await self._gateway.call(station_id, action, payload)
        except CsmsError as exc:
            return (ApplyResult(ApplyStatus.FAILED, schedule, clamped.changes, f"{type(exc).__name__}: {exc}"),
                    not isinstance(exc, StationNotConnected))
        if response.get("status") != "Accepted":
            if action == "UpdateDynamicSchedule":
                self._dynamic.pop(key, None)  # the next setpoint installs the profile afresh
            return ApplyResult(ApplyStatus.REJECTED, schedule, clamped.changes,
                               str(response.get("statusInfo", {}).get("reasonCode", "")), response), False
        if action == "SetChargingProfile":
            if payload["chargingProfile"]["chargingProfileKind"] == "Dynamic":
                self._dynamic[key] = _DynamicProfile(schedule.periods[0].mode.value, schedule.transaction_id,
                                                     schedule.starts_at, schedule.ends_at)
            elif schedule.purpose is ProfilePurpose.TX:
                self._dynamic.pop(key, None)  # same profile id, now Absolute
        self.installed[(station_id, schedule.evse_id, schedule.purpose)] = schedule
        first = schedule.periods[0]
        self._events.publish(DomainEvent("setpoint.applied", station_id, self._clock.now(), {
            "evse_id": schedule.evse_id, "power_w": first.power_w, "mode": first.mode.value,
            "until": schedule.ends_at, "clamped": clamped.changed}))
        return ApplyResult(ApplyStatus.ACCEPTED, schedule, clamped.changes, "", response), False

    async def clear(self, station_id: str, evse_id: int, purpose: ProfilePurpose = ProfilePurpose.TX) -> dict[str, Any]:
        """ClearChargingProfile for the CSMS-managed profile of this EVSE and purpose."""
        response = await self._gateway.call(station_id, "ClearChargingProfile",
                                             {"chargingProfileId": profiles.profile_id(evse_id, purpose)})
        self.installed.pop((station_id, evse_id, purpose), None)
        channel = self._channels.get((station_id, evse_id, purpose))
        if channel is not None and response.get("status") in ("Accepted", "Unknown"):  # Unknown: none to clear
            channel.accepted = ()
            self._track(station_id, evse_id)
        if purpose is ProfilePurpose.TX:
            self._dynamic.pop((station_id, evse_id), None)
        return response

    async def notify_allowed_energy_transfer(self, station_id: str, transaction_id: str,
                                             modes: Sequence[str]) -> dict[str, Any]:
        """OCPP 2.1 NotifyAllowedEnergyTransfer (CSMS -> station): the energy transfer modes (e.g. `AC_BPT` for
        bidirectional AC) the CSMS accepts for a running transaction, e.g. after an EV asked for one that
        Authorize's `allowedEnergyTransfer` did not include. Raises `EncodeError` (nothing sent) for a station
        that does not speak OCPP 2.1 or an empty list of modes."""
        station = await self._store.get_station(StationId(station_id))
        if station is None or station.ocpp_version != "ocpp2.1":
            raise profiles.EncodeError("NotifyAllowedEnergyTransfer needs an OCPP 2.1 station")
        if not modes:
            raise profiles.EncodeError("NotifyAllowedEnergyTransfer needs at least one energy transfer mode")
        return await self._gateway.call(station_id, "NotifyAllowedEnergyTransfer", {
            "transactionId": transaction_id, "allowedEnergyTransfer": list(modes)})

    async def composite_schedule(self, station_id: str, evse_id: int, duration_s: int,
                                 rate_unit: str = "W") -> dict[str, Any]:
        """Ask the station what it will actually do (GetCompositeSchedule)."""
        return await self._gateway.call(station_id, "GetCompositeSchedule",
                                        {"duration": duration_s, "evseId": evse_id, "chargingRateUnit": rate_unit})

    async def verify_composite(self, station_id: str, evse_id: int, duration_s: int, *,
                               tolerance_w: float | None = None) -> CompositeCheck:
        """Check what the station will do on `evse_id` against what the CSMS expects.

        Asks GetCompositeSchedule (in the unit we command the EVSE in) and compares the answer over its window
        with `composite.expected_composite` of the profiles this service had accepted for the EVSE and the whole
        station (a Dynamic profile with its installed window and latest values), for the EVSE's open
        transaction, with the EVSE's ratings from its capabilities (an unknown rating: no limit). Differences
        beyond `tolerance_w` (default 1 W; 0.1 A in W for an EVSE commanded in A) are in the result, per stretch
        of the window, and published as `station.composite_mismatch`. A station that answers other than
        Accepted gives a result with its status and nothing compared. Raises what the call raises (not
        connected, CALLERROR, timeout), and ValueError for EVSE 0 (the station as a whole is not verified)."""
        if evse_id < 1:
            raise ValueError("verify_composite checks one EVSE (evse_id >= 1)")
        caps = await self.capabilities(station_id, evse_id)
        response = await self.composite_schedule(station_id, evse_id, duration_s, caps.rate_unit)
        status = str(response.get("status", ""))
        schedule = response.get("schedule")
        if status != "Accepted" or not schedule:
            return CompositeCheck(station_id, evse_id, status, response=response)
        hw = EvseHardware(
            math.inf if caps.max_charge_power_w is None else caps.max_charge_power_w,
            0.0 if not caps.discharge_supported else
            math.inf if caps.max_discharge_power_w is None else caps.max_discharge_power_w,
            caps.voltage_v, caps.phases)
        if tolerance_w is None:
            tolerance_w = 0.1 * caps.voltage_v * caps.phases if caps.rate_unit == "A" else 1.0
        start_at = parse_ocpp_time(schedule["scheduleStart"])
        window_s = min(duration_s, int(schedule.get("duration", duration_s)))
        installed = await self._installed_profiles(station_id, evse_id)
        txs = [tx for tx in await self._store.list_transactions(StationId(station_id), open_only=True)
               if tx.evse_id == evse_id]
        transaction_id = max(txs, key=lambda tx: tx.started_at or start_at).transaction_id if txs else None
        expected = tuple(expected_composite(installed, evse_id, transaction_id, start_at, window_s, hw))
        reported = tuple(composite_from_response(response, hw))
        differences = step_differences(expected, reported, window_s, tolerance_w)
        check = CompositeCheck(station_id, evse_id, status, start_at, window_s, expected, reported, differences,
                               response)
        if differences:
            log.warning("%s/%s: the station's composite schedule differs from the CSMS's expectation in %d "
                        "stretch(es) from %s", station_id, evse_id, len(differences), start_at.isoformat())
            self._events.publish(DomainEvent("station.composite_mismatch", station_id, self._clock.now(), {
                "evse_id": evse_id, "schedule_start": start_at, "duration_s": window_s,
                "differences": [dataclasses.asdict(d) for d in differences]}))
        return check

    async def _installed_profiles(self, station_id: str, evse_id: int) -> list[InstalledProfile]:
        """The wire-form profiles this service expects the station to hold for `evse_id` and EVSE 0."""
        out: list[InstalledProfile] = []
        for (sid, evse, purpose), schedule in list(self.installed.items()):
            if sid != station_id or evse not in (0, evse_id):
                continue
            dynamic = self._dynamic.get((sid, evse)) if purpose is ProfilePurpose.TX else None
            if dynamic is not None:  # the latest values in the window the profile was installed with
                schedule = dataclasses.replace(
                    schedule, starts_at=dynamic.starts_at,
                    duration_s=int((dynamic.ends_at - dynamic.starts_at).total_seconds()),
                    periods=(dataclasses.replace(schedule.periods[0], start_offset_s=0),))
            caps = await self.capabilities(station_id, evse)
            try:
                out.append(InstalledProfile(evse, profiles.encode_profile(schedule, caps)))
            except profiles.EncodeError as exc:  # the capabilities changed since it was sent
                log.warning("%s/%s: cannot re-encode the installed %s to verify it: %s", station_id, evse,
                            purpose.value, exc)
        return out

    async def get_profiles(self, station_id: str, request_id: int, evse_id: int | None = None) -> dict[str, Any]:
        """GetChargingProfiles; the profiles arrive as ReportChargingProfiles (event `station.charging_profiles`)."""
        payload: dict[str, Any] = {"requestId": request_id, "chargingProfile": {"chargingProfilePurpose": "TxProfile"}}
        if evse_id is not None:
            payload["evseId"] = evse_id
        return await self._gateway.call(station_id, "GetChargingProfiles", payload)

    async def _evse_facts(self, station_id: str, schedule: PowerSchedule
                          ) -> tuple[ChargingNeedsRecord | None, float | None, datetime | None]:
        """The EV's needs and last SoC with the time it was measured, for the envelope: read from the store at
        most every `facts_ttl_s` per EVSE (a fan-out to thousands of stations must not cost store round trips
        per setpoint), refreshed by this node's own events in between (new needs, a transaction starting or
        ending, metered SoC)."""
        key = (station_id, schedule.evse_id)
        facts = self._facts.get(key)
        now_s = self._clock.now().timestamp()
        if facts is None or now_s - facts.read_at_s >= self._facts_ttl_s:
            needs = await self._store.get_charging_needs(StationId(station_id), schedule.evse_id)
            txs = await self._store.list_transactions(StationId(station_id), open_only=True)
            facts = _EvseFacts(needs, {tx.transaction_id: (tx.last_soc, tx.last_soc_at)
                                       for tx in txs if tx.evse_id == schedule.evse_id}, now_s)
            self._facts[key] = facts
        for transaction_id, (soc, soc_at) in facts.socs.items():
            if schedule.transaction_id in (None, transaction_id):
                return facts.needs, soc, soc_at
        return facts.needs, None, None
