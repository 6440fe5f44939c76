"""The post-sales organisation of one replication: its parts wired together, and the run.

`Organisation(scenario, seed, replication).run()` builds the support desk, implementation
consultants, education team, one CSM team per tier and champion turnover, opens the t=0 book,
lets new logos arrive (`journey.py`), and runs the horizon month by month, the observer
(`observe.py`) booking each month and year; renewals are decided in `renewal.py`. The result,
`RawReplication`, is the ledger of sums and the state at the horizon, a pure function of
(scenario, seed, replication); `simcs/simulation/replication.py` turns it into metrics.
The run is guarded (`guard.py`): an event budget, and no non-finite number.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.book import CustomerFactory
from simcs.model.champions import ChampionTurnover
from simcs.model.clock import Calendar
from simcs.model.csm import CsmTeam
from simcs.model.customer import Customer
from simcs.model.education import Education
from simcs.model.guard import EventBudget, NonFinite, ReplicationAborted, check_ledger
from simcs.model.implementation import Implementation
from simcs.model.journal import Journal
from simcs.model.journey import Journeys
from simcs.model.ledger import Ledger
from simcs.model.observe import MONTHS, Observer, SeriesPoint
from simcs.model.renewal import Renewals
from simcs.model.roster import Decision, Roster
from simcs.model.seats import Headcount, QueueSeats, Seats
from simcs.model.segmenter import Segmenter
from simcs.model.support import SupportDesk
from simcs.model.workqueue import WorkQueue
from simcs.scenario import Scenario, StaffPool
from simcs.streams import Streams


class CountingEnvironment(Calendar):
    """A calendar that counts the events it processes (for benchmarks; the count
    costs a call per event, so ordinary runs do without it)."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        """Process the next event, and count it."""
        self.processed += 1
        super().step()

    def _steps(self) -> None:
        while True:
            self.step()


@dataclass
class RawReplication:
    """What the model returns for one replication: the ledger of sums and the state at the
    horizon (`simcs.simulation.replication.ReplicationResult` is the finished result)."""

    scenario: Scenario
    seed: int
    replication: int
    ledger: Ledger
    customers: list[Customer]
    end_state: dict[str, float] = field(default_factory=dict)
    events: int | None = None  # SimPy events processed, if counted
    series: list[SeriesPoint] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # the staffing policies' journal


class Organisation:
    """The simulated company's post-sales organisation and its customers.

    `event_budget` caps the SimPy events of the replication (default: a generous multiple of
    the scenario's expected count, `simcs.model.guard.default_event_budget`).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        count_events: bool = False,
        journal: Journal | None = None,
        event_budget: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.env = env = CountingEnvironment() if count_events else Calendar()
        self.streams = streams = Streams(seed, replication)
        self.ledger = ledger = Ledger()
        self.journal = journal or Journal()
        self.budget = EventBudget(scenario, replication, event_budget)
        self.customers: list[Customer] = []
        self.factory = CustomerFactory(scenario, streams)
        self.desk = SupportDesk(
            env, scenario, ledger, on_new_contact=self._new_contact, on_breach=self._breach
        )
        self.implementation = Implementation(env, scenario, ledger)
        self.education = Education(env, scenario, ledger)
        self.teams = {
            name: CsmTeam(
                env,
                name,
                tier,
                scenario.staff.csm.get(name),
                ledger,
                self._touched,
            )
            for name, tier in scenario.tiers.items()
        }
        self.champions = ChampionTurnover(env, scenario, ledger, self.teams, self.education.offer)
        for part in (self.desk, self.education, self.champions, *self.teams.values()):
            part.journal = self.journal
        self.rosters = self._rosters()
        self.journeys = Journeys(
            env,
            scenario,
            ledger,
            self.journal,
            self.customers,
            self.factory,
            (self.desk, self.implementation, self.education, self.champions),
            self.teams,
            Renewals(env, scenario, ledger, self.teams, self.journal),
            Segmenter(env, scenario, ledger, self.teams, self.journal),
        )
        self.observer = Observer(
            scenario,
            ledger,
            self.customers,
            self.desk,
            self.implementation,
            self.education,
            self.teams,
            self.rosters,
        )

    def _rosters(self) -> dict[str, Roster]:
        """Every staff pool's roster by pool name (support, implementation, education,
        operations, csm.<tier>), each driving its pool's seats."""
        staff = self.scenario.staff
        units: list[tuple[str, str, str, StaffPool, Seats, str | None]] = [
            ("support", "support", "", staff.support, QueueSeats(self.desk.agents), None),
            (
                "implementation",
                "implementation",
                "",
                staff.implementation,
                QueueSeats(self.implementation.consultants),
                None,
            ),
            ("education", "education", "", staff.education, self.education, None),
            ("operations", "operations", "", staff.operations, Headcount(), None),
        ]
        for name, team in self.teams.items():
            pool = staff.csm.get(name)
            if pool is not None:
                seats: Seats = team if team.coverage != "digital" else Headcount()
                units.append((f"csm.{name}", "csm", name, pool, seats, name))
        rosters = {}
        for pool_name, function, key, pool, seats, tier in units:
            rosters[pool_name] = Roster(
                self.env,
                pool,
                pool_name,
                function,
                key,
                self.ledger,
                self.streams,
                seats,
                start=self.scenario.initial_book.staffing,
                book=self._book_of(tier),
            )
        return rosters

    def _book_of(self, tier: str | None) -> Callable[[], tuple[float, int]]:
        """What a pool's ratio rules count: (ARR, customers) under contract, of one tier or all."""
        customers = self.customers

        def book() -> tuple[float, int]:
            arr, n = 0.0, 0
            for c in customers:
                if c.active and (tier is None or c.tier == tier):
                    arr += c.arr
                    n += 1
            return arr, n

        return book

    # ------------------------------------------------------------------ detection hooks
    def _new_contact(self, customer: Customer) -> None:
        self.champions.detect(customer)

    def _breach(self, customer: Customer) -> None:
        self.teams[customer.tier].raise_alert(customer)

    def _touched(self, customer: Customer) -> None:
        if not customer.champion_present:
            self.champions.detect(customer)

    # ------------------------------------------------------------------ the run
    def pools(self) -> dict[str, list[WorkQueue]]:
        """Every staffed queue by pool name (a CSM team's books together)."""
        return self.observer.pools()

    def run(self) -> RawReplication:
        """Simulate the whole horizon and return the replication's ledger and end state.

        Python's cyclic garbage collector is paused meanwhile: the model makes almost no
        reference cycles (memory is the same either way), but the collector would re-scan the
        growing heap of customers and events again and again, some 15% of the run time.
        Raises `ReplicationAborted` if the run exceeds its event budget or makes a non-finite
        number.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        except NonFinite as error:
            replication = self.streams.replication
            raise ReplicationAborted(
                replication, self.env.now, error.problem, error.look_at
            ) from None
        except OverflowError as error:  # a draw or a formula beyond the largest float
            raise ReplicationAborted(
                self.streams.replication,
                self.env.now,
                f"a number too large for a float ({error})",
                "the scenario's rates, hours, ARR and costs",
            ) from None
        finally:
            if collecting:
                gc.enable()

    def _review(self, month: int) -> None:
        """The staffing policies' reviews at the end of `month` (0: at t=0)."""
        for name, roster in self.rosters.items():
            if roster.policy is not None:
                months = roster.policy.months_per_review
                roster.review(month, *self.observer.load(name, months))

    def _run(self) -> RawReplication:
        env = self.env
        budget = self.budget
        budget.check_plan()
        observer = self.observer
        self.journeys.open_book()
        self._review(0)
        for year in range(1, self.scenario.horizon_years + 1):
            observer.year_start(year)
            for month in range(1, MONTHS + 1):
                until = (year - 1 + month / MONTHS) * HOURS_PER_YEAR
                env.run(until=until)
                if month == MONTHS:  # what happens at the year's last instant belongs to it
                    while env.peek() == until:
                        env.step()
                observer.month_end((year - 1) * MONTHS + month)
                self._review((year - 1) * MONTHS + month)
                budget.check(env)
            if year == self.scenario.horizon_years:
                self.desk.close_horizon(year)
            observer.year_end(year)
            check_ledger(self.ledger, self.streams.replication, env.now)
        events = env.processed if isinstance(env, CountingEnvironment) else None
        agents = self.desk.agents
        return RawReplication(
            scenario=self.scenario,
            seed=self.streams.seed,
            replication=self.streams.replication,
            ledger=self.ledger,
            customers=self.customers,
            end_state={"support_waiting": agents.waiting, "support_in_service": agents.busy},
            events=events,
            series=observer.series,
            decisions=sorted(
                (d for roster in self.rosters.values() for d in roster.decisions),
                key=lambda d: d.time,
            ),
        )
