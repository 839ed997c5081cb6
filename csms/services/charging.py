"""Charge and discharge commands to EVSEs: the one way a schedule reaches a station, whoever asks.

`ChargingService.apply(station_id, schedule)` composes four parts, each in its own module:
1. `evse_facts.EvseReadModel`: the station's capabilities for that EVSE (learned from its device model, or an
   operator override) and the EV's needs and last SoC, kept fresh on the injected clock;
2. `setpoint_clamp.SetpointClamp`: the safety envelope (`envelope.py`, pure) from capabilities, needs and SoC,
   and the site limits given what the other EVSEs of the site may do at the same times
   (`power_ledgers.PowerLedgers`: every EVSE's commanded schedule over time, counted from the moment a command is
   queued, so setpoints applied together are checked against each other); likewise the station's own
   charge/discharge rating (when its capabilities name one) against the other EVSEs of the same station; a
   schedule the envelope changes is sent changed. A discharge to a station that cannot discharge, and a
   discharging TxDefault or station-max schedule (a default profile outlives any transaction, and with it the
   EV's envelope), are refused here and never reach the wire;
3. `setpoint_outbox.SetpointOutbox`: per-version encoding and delivery per EVSE and purpose (latest wins, one
   call in flight, a per-EVSE interval and a per-station rate limit, OCPP 2.1 Dynamic profiles);
4. `profile_verifier.CompositeVerifier`: GetCompositeSchedule against what the station accepted.
`apply` waits for the station's answer; `dispatch` (the fleet's ticks) hands setpoints over without waiting and
`handed` says, per EVSE, the latest that has not failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock
from csms.domain.composite_check import CompositeCheck
from csms.domain.ids import StationId
from csms.domain.schedule import PowerSchedule, ProfilePurpose, constant_schedule
from csms.domain.topology import SiteTopology
from csms.errors import CsmsError
from csms.ocpp import profiles
from csms.services.envelope import Clamped, SiteLimits
from csms.services.envelope_site import NOTHING, Commanded
from csms.services.events import EventBus
from csms.services.evse_facts import EvseReadModel, Facts
from csms.services.gateway import StationGateway
from csms.services.power_ledgers import PowerLedgers
from csms.services.profile_verifier import CompositeVerifier
from csms.services.setpoint_clamp import SetpointClamp
from csms.services.setpoint_outbox import ApplyResult, ApplyStatus, Handed, SetpointOutbox
from csms.store.base import StateStore

__all__ = ["ApplyResult", "ApplyStatus", "ChargingService"]

log = logging.getLogger("csms.services.charging")


class ChargingService:
    def __init__(self, gateway: StationGateway, store: StateStore, clock: Clock, events: EventBus, *,
                 site: SiteLimits | None = None, min_update_interval_s: float = 1.0,
                 max_station_calls_per_s: int | None = 4,
                 max_discharge_validity_s: int = 900, default_min_soc: float = 0.2,
                 max_offline_duration_s: int = 300, use_dynamic_profiles: bool = True,
                 facts_ttl_s: float = 5.0, topology: SiteTopology | None = None) -> None:
        self._gateway = gateway
        self._store = store
        self._clock = clock
        self._site = site or SiteLimits()
        self._evses = EvseReadModel(store, clock, events, ttl_s=facts_ttl_s)
        self._last_commanded: tuple[PowerSchedule, int, Commanded] | None = None
        self._outbox = SetpointOutbox(gateway, clock, events, on_change=self._track,
                                      min_update_interval_s=min_update_interval_s,
                                      max_station_calls_per_s=max_station_calls_per_s,
                                      max_offline_duration_s=max_offline_duration_s,
                                      use_dynamic_profiles=use_dynamic_profiles)
        self._ledgers = PowerLedgers(clock, self._site, may_do=self._outbox.may_do, evses_of=self._outbox.evses_of,
                                     topology=topology)
        self._clamp = SetpointClamp(clock, self._site, self._ledgers, default_min_soc=default_min_soc,
                                    max_discharge_validity_s=max_discharge_validity_s).clamp
        self._verifier = CompositeVerifier(gateway, store, clock, events, capabilities=self.capabilities,
                                           outbox=self._outbox)

    def _track(self, station_id: StationId, evse_id: int) -> None:
        self._ledgers.track(station_id, evse_id)

    @property
    def installed(self) -> dict[tuple[StationId, int, ProfilePurpose], PowerSchedule]:
        """The last schedule each station accepted, by (station, EVSE, purpose)."""
        return self._outbox.installed

    # ---- capabilities and facts -----------------------------------------------------------------------

    def override_capabilities(self, station_id: StationId, evse_id: int, caps: StationCapabilities | None) -> None:
        """Operator-set capabilities (None: back to what the device model says)."""
        self._evses.override_capabilities(station_id, evse_id, caps)

    async def capabilities(self, station_id: StationId, evse_id: int) -> StationCapabilities:
        return await self._evses.capabilities(station_id, evse_id)

    async def prefetch(self, keys: Sequence[tuple[StationId, int]], *, chunk: int = 1000) -> None:
        """Fill the capability and envelope-fact caches for `keys` with bulk store reads (chunks of `chunk`)."""
        await self._evses.prefetch(keys, chunk=chunk)

    # ---- commands -------------------------------------------------------------------------------------

    async def prepare(self, station_id: StationId, schedule: PowerSchedule, *, evses: int | None = None
                      ) -> tuple[Clamped, StationCapabilities]:
        """Clamp `schedule` into the safety envelope of its EVSE (no I/O to the station); `evses`: how many
        EVSEs it drives (`_evses_under`, looked up when not given)."""
        caps, facts = await self._inputs(station_id, schedule)
        if evses is None:
            evses = await self._evses_under(station_id, schedule)
        return self._clamp(station_id, schedule, caps, facts, evses), caps

    async def _inputs(self, station_id: StationId, schedule: PowerSchedule) -> tuple[StationCapabilities, Facts]:
        """The EVSE's capabilities and envelope facts: from the cache when fresh (no await), else the store."""
        evse_id = schedule.evse_id
        return self._evses.cached(station_id, evse_id, schedule.transaction_id) or (
            await self.capabilities(station_id, evse_id),
            await self._evses.facts(station_id, evse_id, schedule.transaction_id))

    async def _evses_under(self, station_id: StationId, schedule: PowerSchedule) -> int:
        """How many EVSEs `schedule` drives: all of the station's for a TxDefaultProfile on EVSE 0 (OCPP applies
        it to each), from the device model's and the status notifications' EVSE ids; else 1."""
        if schedule.evse_id != 0 or schedule.purpose is not ProfilePurpose.TX_DEFAULT:
            return 1
        station = StationId(station_id)
        ids = {v.evse_id for v in await self._store.list_variables(station) if v.evse_id}
        ids |= {c.evse_id for c in await self._store.list_connector_statuses(station) if c.evse_id}
        return max(1, len(ids))

    async def apply_many(self, items: Sequence[tuple[StationId, PowerSchedule]], *, requester: str = ""
                         ) -> list[ApplyResult]:
        """`apply` for many EVSEs at once (a fan-out): what the envelopes need from the store is read in bulk first
        (`prefetch`), then every schedule goes out concurrently. One result per item, in order; an error on one
        item is its FAILED result, never the others'."""
        await self._prefetch_quietly([(station_id, schedule.evse_id) for station_id, schedule in items])
        results = await asyncio.gather(*(self.apply(station_id, schedule, requester=requester)
                                         for station_id, schedule in items), return_exceptions=True)
        return [r if isinstance(r, ApplyResult) else ApplyResult(ApplyStatus.FAILED, schedule,
                                                                 detail=f"{type(r).__name__}: {r}")
                for r, (_, schedule) in zip(results, items, strict=True)]

    async def _prefetch_quietly(self, keys: Sequence[tuple[StationId, int]]) -> None:
        try:
            await self.prefetch(keys)
        except CsmsError as exc:  # e.g. the store is down: each setpoint reports it (or succeeds from cache)
            log.warning("bulk prefetch for %d setpoints failed: %s", len(keys), exc)

    async def apply(self, station_id: StationId, schedule: PowerSchedule, *, requester: str = "") -> ApplyResult:
        """Clamp, encode and deliver `schedule`; see the module docstring."""
        checked = await self._checked(station_id, schedule, requester)
        if isinstance(checked, ApplyResult):
            return checked
        clamped, caps, commanded = checked
        return await self._outbox.submit(station_id, clamped, caps, commanded, requester=requester)

    def dispatch(self, items: Sequence[tuple[StationId, PowerSchedule]], *, requester: str = "") -> None:
        """Hand one-period TxProfile setpoints over without waiting (a fleet tick): each is noted in `handed` at
        once, then clamped and queued by one background task after a bulk read (`prefetch`), and delivered by its
        EVSE's channel; one that does not reach its station is dropped from `handed` (`SetpointOutbox.hand`)."""
        if items:
            self._outbox.spawn(self._dispatch([(station_id, schedule, self._outbox.handed.hand(station_id, schedule))
                                               for station_id, schedule in items], requester))

    def handed(self, station_id: StationId, evse_id: int) -> Handed | None:
        """The latest setpoint `dispatch` handed over for this EVSE that has not failed (None: none)."""
        return self._outbox.handed.get(station_id, evse_id)

    @property
    def failed_sends(self) -> int:
        """Setpoints handed over by `dispatch` that did not reach their station."""
        return self._outbox.handed.failed_sends

    async def drain(self) -> None:
        """Wait until every setpoint handed over or queued has its outcome."""
        await self._outbox.drain()

    async def _dispatch(self, items: list[tuple[StationId, PowerSchedule, Handed]], requester: str) -> None:
        await self._prefetch_quietly([(station_id, schedule.evse_id) for station_id, schedule, _ in items])
        outbox = self._outbox
        for station_id, schedule, handed in items:
            def outcome(result: ApplyResult, station_id: StationId = station_id, evse_id: int = schedule.evse_id,
                        handed: Handed = handed) -> None:
                outbox.handed.outcome_of(station_id, evse_id, handed, result)
            try:
                checked = await self._checked(station_id, schedule, requester)
            except CsmsError as exc:  # e.g. the store is down and nothing is cached: this one fails
                checked = ApplyResult(ApplyStatus.FAILED, schedule, detail=f"{type(exc).__name__}: {exc}")
            if isinstance(checked, ApplyResult):
                outcome(checked)
            else:
                outbox.submit_nowait(station_id, *checked, outcome, requester=requester)

    async def _checked(self, station_id: StationId, schedule: PowerSchedule, requester: str
                       ) -> tuple[Clamped, StationCapabilities, Commanded] | ApplyResult:
        """`schedule` clamped, with the station's capabilities and what it lets the EVSE(s) do; or REFUSED."""
        evses = 1 if schedule.evse_id != 0 or schedule.purpose is not ProfilePurpose.TX_DEFAULT \
            else await self._evses_under(station_id, schedule)
        caps, facts = await self._inputs(station_id, schedule)
        clamped = self._clamp(station_id, schedule, caps, facts, evses)
        detail = ""
        if schedule.discharges:  # as asked: the envelope may have cut it to nothing
            if not caps.discharge_supported:
                detail = "station cannot discharge: a discharge schedule is refused, not sent"
            elif schedule.purpose is not ProfilePurpose.TX:
                detail = (f"a discharging {schedule.purpose.value} is refused: a default profile outlives any "
                          "transaction and its EV's envelope; discharge only in a TxProfile")
        if detail:
            log.warning("%s/%s: schedule from %s refused: %s", station_id, schedule.evse_id, requester, detail)
            return ApplyResult(ApplyStatus.REFUSED, clamped.schedule, clamped.changes, detail)
        tracked = schedule.purpose is not ProfilePurpose.STATION_MAX  # a cap, not a command to an EVSE
        return clamped, caps, self._commanded(clamped.schedule, evses) if tracked else NOTHING

    def _commanded(self, schedule: PowerSchedule, evses: int) -> Commanded:
        """What `schedule` lets the `evses` EVSEs it drives do (each of them may do it), its segments computed
        only if a ledger reads them; one schedule fanned out (one object) shares one."""
        last = self._last_commanded
        if last is None or last[0] is not schedule or last[1] != evses:
            last = self._last_commanded = (schedule, evses, Commanded(schedule, evses))
        return last[2]

    async def clear(self, station_id: StationId, evse_id: int, purpose: ProfilePurpose = ProfilePurpose.TX
                    ) -> dict[str, Any]:
        """ClearChargingProfile for the CSMS-managed profile of this EVSE and purpose."""
        response = await self._gateway.call(StationId(station_id), "ClearChargingProfile",
                                             {"chargingProfileId": profiles.profile_id(evse_id, purpose)})
        self._outbox.cleared(station_id, evse_id, purpose, response)
        return response

    async def notify_allowed_energy_transfer(self, station_id: StationId, transaction_id: str,
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
        return await self._gateway.call(StationId(station_id), "NotifyAllowedEnergyTransfer", {
            "transactionId": transaction_id, "allowedEnergyTransfer": list(modes)})

    async def remote_start_profile(self, station_id: StationId, evse_id: int, power_w: float, duration_s: int
                                   ) -> dict[str, Any]:
        """The chargingProfile of a RequestStartTransaction (K05): a TxProfile without a transaction id, charging
        at up to `power_w` for `duration_s` from now, clamped into the EVSE's envelope (no EV is known yet, so it
        can never discharge). Raises `EncodeError` for a discharge or what the station cannot express. The
        station applies it when the transaction starts; it is not counted in the site ledger before that."""
        if power_w < 0:
            raise profiles.EncodeError("a remote start cannot discharge: send a schedule once the EV is known")
        schedule = constant_schedule(evse_id, self._clock.now(), power_w, duration_s)
        clamped, caps = await self.prepare(station_id, schedule)
        return profiles.encode_profile(clamped.schedule, caps, remote_start=True)

    # ---- what the station does ------------------------------------------------------------------------

    async def composite_schedule(self, station_id: StationId, evse_id: int, duration_s: int,
                                 rate_unit: str = "W") -> dict[str, Any]:
        """Ask the station what it will actually do (GetCompositeSchedule)."""
        return await self._verifier.composite_schedule(station_id, evse_id, duration_s, rate_unit)

    async def verify_composite(self, station_id: StationId, evse_id: int, duration_s: int, *,
                               tolerance_w: float | None = None) -> CompositeCheck:
        """Check what the station will do on `evse_id` against what the CSMS expects
        (`profile_verifier.CompositeVerifier.verify`)."""
        return await self._verifier.verify(station_id, evse_id, duration_s, tolerance_w=tolerance_w)

    async def get_profiles(self, station_id: StationId, request_id: int, evse_id: int | None = None) -> dict[str, Any]:
        """GetChargingProfiles; the profiles arrive as ReportChargingProfiles (event `station.charging_profiles`)."""
        payload: dict[str, Any] = {"requestId": request_id, "chargingProfile": {"chargingProfilePurpose": "TxProfile"}}
        if evse_id is not None:
            payload["evseId"] = evse_id
        return await self._gateway.call(StationId(station_id), "GetChargingProfiles", payload)
