"""One replication: the post-sales organisation serving its book over the horizon.

`simulate(scenario, seed, replication)` builds the organisation -- support desk,
implementation consultants, education team, one CSM team per tier, champion turnover -- opens
the t=0 book, lets new logos arrive, and runs year by year. Each customer's story is two
processes: its lifecycle (sale, implementation, go-live, engagement, cases, champions) and its
renewals (review ahead of each anniversary, then renew, expand, contract or churn). The result
is a pure function of (scenario, seed, replication).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Generator
from dataclasses import dataclass, field

import simpy

from simcs.calendar import HOURS_PER_YEAR, hours_to_days, weeks
from simcs.model.book import NEW_LOGO_SERIAL, CustomerFactory
from simcs.model.champions import ChampionTurnover
from simcs.model.csm import RENEWAL_REVIEW, CsmTeam
from simcs.model.customer import Customer, Term
from simcs.model.education import Education
from simcs.model.implementation import Implementation
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.model.renewal import (
    churn_probability,
    expansion_shift,
    new_arr,
    relationship_strength,
    renewal_odds,
    training_strength,
)
from simcs.model.staffing import seat_turnover
from simcs.model.support import SupportDesk
from simcs.model.workqueue import WorkQueue
from simcs.scenario import Scenario, StaffPool
from simcs.streams import Streams


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (for benchmarks; the count
    costs a call per event, so ordinary runs do without it)."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        """Process the next event, and count it."""
        self.processed += 1
        super().step()


MONTHS = 12  # monthly snapshots of every pool (queue length, utilisation)


@dataclass
class Replication:
    """What one replication returns: the ledger of sums and the state at the horizon."""

    scenario: Scenario
    seed: int
    replication: int
    ledger: Ledger
    customers: list[Customer]
    end_state: dict[str, float] = field(default_factory=dict)
    events: int | None = None  # SimPy events processed, if counted
    series: list[tuple[int, str, float, float]] = field(default_factory=list)


class Organisation:
    """The simulated company's post-sales organisation and its customers."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        count_events: bool = False,
        journal: Journal | None = None,
    ) -> None:
        self.scenario = scenario
        self.env = env = CountingEnvironment() if count_events else simpy.Environment()
        self.streams = streams = Streams(seed, replication)
        self.ledger = ledger = Ledger()
        self.customers: list[Customer] = []
        #: (month, pool, mean queue length, utilisation) for every month of the horizon
        self.series: list[tuple[int, str, float, float]] = []
        self._last_areas: dict[str, tuple[float, float, float]] = {}
        self._last_education = (0.0, 0.0, 0.0)
        self.factory = CustomerFactory(scenario, streams)
        self.desk = SupportDesk(
            env, scenario, ledger, on_new_contact=self._new_contact, on_breach=self._breach
        )
        self.implementation = Implementation(env, scenario, ledger)
        self.education = Education(env, scenario, ledger, streams)
        self.teams = {
            name: CsmTeam(
                env, name, tier, scenario.staff.csm.get(name), ledger, streams, self._touched
            )
            for name, tier in scenario.tiers.items()
        }
        self.champions = ChampionTurnover(env, scenario, ledger, self.teams, self.education.offer)
        self.journal = journal or Journal()
        for part in (self.desk, self.education, self.champions, *self.teams.values()):
            part.journal = self.journal
        staff = scenario.staff
        self._staff_turnover(self.desk.agents, staff.support, "support")
        self._staff_turnover(
            self.implementation.consultants, staff.implementation, "implementation"
        )

    def _staff_turnover(self, queue: WorkQueue, pool: StaffPool, name: str) -> None:
        for seat in queue.seats:
            self.env.process(
                seat_turnover(
                    self.env,
                    pool,
                    name,
                    seat.index,
                    self.streams,
                    leave=lambda s=seat: queue.vacate(s),
                    hire=lambda ramp, s=seat: queue.fill(s, ramp),
                )
            )

    # ------------------------------------------------------------------ detection hooks
    def _new_contact(self, customer: Customer) -> None:
        self.champions.detect(customer)

    def _breach(self, customer: Customer) -> None:
        self.teams[customer.tier].raise_alert(customer)

    def _touched(self, customer: Customer) -> None:
        if not customer.champion_present:
            self.champions.detect(customer)

    # ------------------------------------------------------------------ customers
    def _admit(self, customer: Customer, new: bool) -> None:
        self.customers.append(customer)
        self.env.process(self._lifecycle(customer, new))
        self.env.process(self._renewals(customer))

    def _new_logos(self, tier_name: str, times: list[float]) -> Generator[simpy.Event, None, None]:
        """Process: new logos of one tier arriving at their sale times."""
        for k, sale_time in enumerate(times):
            yield self.env.timeout(sale_time - self.env.now)
            customer = self.factory.create(tier_name, NEW_LOGO_SERIAL + k, self.env.now, False)
            self._admit(customer, new=True)

    def _lifecycle(self, customer: Customer, new: bool) -> Generator[simpy.Event, None, None]:
        """Process: sale, implementation and go-live, then service until the customer leaves."""
        tier = self.scenario.tiers[customer.tier]
        team = self.teams[customer.tier]
        if new:
            self.journal.record(
                self.env.now,
                customer.tier,
                customer.serial,
                "sale",
                f"new logo, ARR ${customer.arr:,.0f}",
            )
            book = self.ledger.at(self.env.now, customer.tier)
            book["new_customers"] += 1
            book["arr_new"] += customer.arr
            if tier.csm_start == "at_sale":
                team.engage(customer)
            yield from self.implementation.implement(customer)
            if not customer.active:
                return
            self.journal.record(
                self.env.now,
                customer.tier,
                customer.serial,
                "go-live",
                f"time to value {hours_to_days(customer.ttv_hours or 0.0):.0f} days (target "
                f"{tier.onboarding.target_weeks * 7:g})",
            )
            if tier.csm_start == "after_go_live":
                team.engage(customer)
            self.education.offer(customer)
        else:
            team.engage(customer)
        self.desk.open_cases(customer)
        yield from self.champions.run(customer)

    def _renewals(self, customer: Customer) -> Generator[simpy.Event, None, None]:
        """Process: a renewal review ahead of each anniversary, then the renewal itself."""
        env = self.env
        tier = self.scenario.tiers[customer.tier]
        team = self.teams[customer.tier]
        review = tier.renewal_review if team.coverage != "digital" else None
        while customer.active:
            if review is not None:
                review_at = customer.next_anniversary - weeks(review.weeks_before)
                if review_at >= env.now:
                    yield env.timeout(review_at - env.now)
                    team.request_touch(
                        customer, RENEWAL_REVIEW, review.hours, deadline=customer.next_anniversary
                    )
            yield env.timeout(customer.next_anniversary - env.now)
            self._renew(customer)

    def _renew(self, customer: Customer) -> None:
        """The renewal decision at a contract anniversary."""
        scenario = self.scenario
        now = self.env.now
        name = customer.tier
        tier = scenario.tiers[name]
        team = self.teams[name]
        term = customer.term
        breach_share = term.sla_breaches / term.cases if term.cases else 0.0
        if team.coverage == "digital":
            relationship = 1.0
        else:
            term_years = max(now - term.start, 1.0) / HOURS_PER_YEAR
            relationship = relationship_strength(
                term.touches_delivered / term_years,
                scenario.drivers.relationship_touches_per_year,
            )
        champion_lost = not customer.champion_present
        ttv_late = customer.renewals == 0 and (
            customer.go_live_time is None
            or (
                customer.ttv_hours is not None
                and customer.ttv_hours > weeks(tier.onboarding.target_weeks)
            )
        )
        training = training_strength(customer.training, scenario.training.self_paced_effect)
        odds = renewal_odds(
            scenario.drivers,
            team.coverage,
            champion_lost=champion_lost,
            ttv_late=ttv_late,
            sla_breach_share=breach_share,
            relationship=relationship,
            csm_changes=term.csm_changes,
            training=training,
            exec_sponsor=customer.exec_sponsor,
        )
        p_churn = churn_probability(customer.theta, odds)
        u = customer.renewal_u[customer.renewals_seen]
        z = customer.renewal_z[customer.renewals_seen]
        customer.renewals_seen += 1
        # a renewal closes the year its term ends in (one at exactly a year's end belongs to it)
        book = self.ledger.bucket(max(1, math.ceil(now / HOURS_PER_YEAR)), name)
        book["renewals_due"] += 1
        if term.champion_lost:
            book["renewals_after_champion_loss"] += 1
        if self.journal.enabled:
            self.journal.record(
                now,
                name,
                customer.serial,
                "renewal decision",
                f"base churn {customer.theta:.1%} x odds {odds:.2f} -> p(churn) {p_churn:.1%}; "
                f"champion {'LOST' if champion_lost else 'present'}, SLA breaches "
                f"{term.sla_breaches}/{term.cases}, relationship {relationship:.2f}, "
                f"CSM changes {term.csm_changes}, training {training:.1f}"
                + (", late go-live" if ttv_late else ""),
            )
        if u < p_churn:
            customer.churn_time = now
            self.journal.record(
                now, name, customer.serial, "churned", f"ARR ${customer.arr:,.0f} lost"
            )
            team.release(customer)
            book["churned"] += 1
            book["arr_churned"] += customer.arr
            if term.champion_lost:
                book["churned_after_champion_loss"] += 1
        else:
            shift = expansion_shift(
                scenario.expansion_drivers,
                team.coverage,
                champion_lost=champion_lost,
                sla_breach_share=breach_share,
                relationship=relationship,
                training=training,
            )
            before = customer.arr
            customer.arr = new_arr(
                before, tier.expansion.mean_log_change + shift, tier.expansion.sd, z
            )
            if customer.arr >= before:
                book["arr_expansion"] += customer.arr - before
            else:
                book["arr_contraction"] += before - customer.arr
            customer.renewals += 1
            self.journal.record(
                now, name, customer.serial, "renewed", f"ARR ${before:,.0f} -> ${customer.arr:,.0f}"
            )
            customer.next_anniversary += HOURS_PER_YEAR
        customer.term = Term(start=now)

    # ------------------------------------------------------------------ years
    def _year_start(self, year: int) -> None:
        ledger = self.ledger
        for c in self.customers:
            if c.active:
                c.arr_at_year_start = c.arr
                ledger.put(year, c.tier, "customers_start", 1.0)
                ledger.put(year, c.tier, "arr_start", c.arr)
            else:
                c.arr_at_year_start = None

    def _year_end(self, year: int) -> None:
        ledger = self.ledger
        start, end = (year - 1) * HOURS_PER_YEAR, year * HOURS_PER_YEAR
        for c in self.customers:
            tier = c.tier
            a0 = c.arr_at_year_start
            arr = c.arr if c.active else 0.0
            if a0 is not None:
                ledger.put(year, tier, "cohort_customers", 1.0)
                ledger.put(year, tier, "cohort_arr_start", a0)
                ledger.put(year, tier, "cohort_arr_retained", min(arr, a0))
                ledger.put(year, tier, "cohort_arr_net", arr)
                ledger.put(year, tier, "cohort_retained", 1.0 if c.active else 0.0)
            if c.active:
                if c.serial < NEW_LOGO_SERIAL:
                    ledger.put(year, tier, "initial_cohort_alive", 1.0)
                ledger.put(year, tier, "customers_end", 1.0)
                ledger.put(year, tier, "arr_end", arr)
                if c.training:
                    ledger.put(year, tier, "trained_end", 1.0)
            stop = end if c.churn_time is None else min(end, c.churn_time)
            years_active = (stop - max(start, c.sale_time)) / HOURS_PER_YEAR
            if years_active > 0:
                ledger.put(year, tier, "customer_years", years_active)
        self._close_queue(year, "", "support", self.desk.agents)
        self._close_queue(year, "", "implementation", self.implementation.consultants)
        if self.implementation.partner is not None:
            self._close_queue(year, "", "partner", self.implementation.partner)
        for name, team in self.teams.items():
            for queue in team.queues:
                self._close_queue(year, name, "csm", queue)
        self.education.integrate()

    def pools(self) -> dict[str, list[WorkQueue]]:
        """Every staffed queue by pool name (a CSM team's books together)."""
        out = {"support": [self.desk.agents], "implementation": [self.implementation.consultants]}
        for name, team in self.teams.items():
            if team.queues:
                out[f"csm.{name}"] = team.queues
        return out

    def _month_end(self, month: int) -> None:
        """Record each pool's mean queue length and utilisation over the month just ended."""
        span = HOURS_PER_YEAR / MONTHS
        for pool, queues in self.pools().items():
            areas = [0.0, 0.0, 0.0]
            for queue in queues:
                stats = queue.sync()
                areas[0] += stats.area_waiting
                areas[1] += stats.area_busy
                areas[2] += stats.area_present
            last = self._last_areas.get(pool, (0.0, 0.0, 0.0))
            waiting, busy, present = (a - b for a, b in zip(areas, last, strict=True))
            self.series.append(
                (month, pool, waiting / span, busy / present if present > 0 else float("nan"))
            )
            self._last_areas[pool] = (areas[0], areas[1], areas[2])
        if self.scenario.staff.education.headcount > 0:
            waiting, busy, present = self.education.integrate()  # since t=0, never reset
            last = self._last_education
            self.series.append(
                (
                    month,
                    "education",
                    (waiting - last[0]) / span,
                    (busy - last[1]) / (present - last[2]) if present > last[2] else float("nan"),
                )
            )
            self._last_education = (waiting, busy, present)
        if month % MONTHS == 0:  # the queues' periods restart with the year
            self._last_areas = {}

    def _close_queue(self, year: int, tier: str, pool: str, queue: WorkQueue) -> None:
        stats = queue.reset_period()
        put = self.ledger.put
        put(year, tier, f"{pool}_present_hours", stats.area_present)
        put(year, tier, f"{pool}_queue_area", stats.area_waiting)
        put(year, tier, f"{pool}_busy_area", stats.area_busy)
        put(year, tier, f"{pool}_arrivals", stats.arrivals)
        put(year, tier, f"{pool}_started", stats.started)
        put(year, tier, f"{pool}_dropped", stats.dropped)
        put(year, tier, f"{pool}_wait_sum", stats.wait_sum)

    def run(self) -> Replication:
        """Simulate the whole horizon and return the replication's ledger and end state.

        Python's cyclic garbage collector is paused meanwhile: the model makes almost no
        reference cycles (memory is the same either way), but the collector would re-scan the
        growing heap of customers and events again and again, some 15% of the run time.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if collecting:
                gc.enable()

    def _run(self) -> Replication:
        env = self.env
        for name in self.scenario.tiers:
            for customer in self.factory.initial_book(name):
                self._admit(customer, new=False)
            env.process(self._new_logos(name, self.factory.arrivals(name)))
        for year in range(1, self.scenario.horizon_years + 1):
            self._year_start(year)
            for month in range(1, MONTHS + 1):
                until = (year - 1 + month / MONTHS) * HOURS_PER_YEAR
                env.run(until=until)
                if month == MONTHS:  # what happens at the year's last instant belongs to it
                    while env.peek() == until:
                        env.step()
                self._month_end((year - 1) * MONTHS + month)
            self._year_end(year)
        events = env.processed if isinstance(env, CountingEnvironment) else None
        agents = self.desk.agents
        return Replication(
            scenario=self.scenario,
            seed=self.streams.seed,
            replication=self.streams.replication,
            ledger=self.ledger,
            customers=self.customers,
            end_state={"support_waiting": agents.waiting, "support_in_service": agents.busy},
            events=events,
            series=self.series,
        )
