"""The observer: year and month accounting of the book and of every staffed pool.

Everything is booked under the customer's ledger cell (its tier and group), so results can be
read both by service tier and by customer group. At each year's start it records the cohort
(customers and ARR under contract, in the cell each is in then); at its end the cohort's
retention (in that same cell, so a move during the year does not split a cohort), the book at
year end (each customer's subscription revenue booked up to it, and the discounted years of
margin it is still worth), customer-years served and every queue's exact time integrals for the
year (presence, waiting, busy time, arrivals, waits). At each month's end it records every
pool's mean queue length and utilisation over the month (the monthly series).
"""

from __future__ import annotations

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.sbg import sbg_discounted_residual_lifetime
from simcs.formulas.value import margin_years_left
from simcs.model.book import NEW_LOGO_SERIAL
from simcs.model.csm import CsmTeam
from simcs.model.customer import Customer
from simcs.model.education import Education
from simcs.model.implementation import Implementation
from simcs.model.ledger import Ledger
from simcs.model.roster import Roster
from simcs.model.support import SupportDesk
from simcs.model.workqueue import WorkQueue
from simcs.scenario import Scenario

MONTHS = 12  # monthly snapshots of every pool (queue length, utilisation)

#: One point of the monthly series: (month, pool, mean queue length, utilisation, people on
#: payroll, productive FTE, hires, departures, open requisitions, loaded cost, target headcount,
#: requisitions opened, people let go); people and FTE at the month's end, the rest over it.
SeriesPoint = tuple[int, str, float, float, int, float, int, int, int, float, int, int, int]


class Observer:
    """Books the year-by-year figures into the ledger and keeps the monthly pool series."""

    def __init__(
        self,
        scenario: Scenario,
        ledger: Ledger,
        customers: list[Customer],
        desk: SupportDesk,
        implementation: Implementation,
        education: Education,
        teams: dict[str, CsmTeam],
        rosters: dict[str, Roster],
    ) -> None:
        self.scenario = scenario
        self.ledger = ledger
        self.customers = customers  # the organisation's book, read at each year's start and end
        self.desk = desk
        self.implementation = implementation
        self.education = education
        self.teams = teams
        self.rosters = rosters
        #: each pool's (waiting, busy, present) seat-hour areas month by month, for reviews
        self.monthly_areas: dict[str, list[tuple[float, float, float]]] = {}
        #: (month, pool, mean queue length, utilisation) for every month of the horizon
        self.series: list[SeriesPoint] = []
        self._last_areas: dict[str, tuple[float, float, float]] = {}
        self._last_education = (0.0, 0.0, 0.0)
        self._derl: dict[tuple[str, int], float] = {}  # (group, renewals) -> DERL

    def pools(self) -> dict[str, list[WorkQueue]]:
        """Every staffed queue by pool name (a CSM team's books together)."""
        out = {"support": [self.desk.agents], "implementation": [self.implementation.consultants]}
        for name, team in self.teams.items():
            if team.queues:
                out[f"csm.{name}"] = team.queues
        return out

    # ------------------------------------------------------------------ years
    def year_start(self, year: int) -> None:
        """Record the year's starting cohort: customers and ARR under contract."""
        ledger = self.ledger
        for c in self.customers:
            if year == 1 and c.serial < NEW_LOGO_SERIAL:  # the t=0 book (year 0 of the ledger)
                ledger.put(0, c.first_cell, "initial_customers", 1.0)
            if c.active:
                c.arr_at_year_start = c.arr
                c.cohort_cell = c.cell
                ledger.put(year, c.cell, "customers_start", 1.0)
                ledger.put(year, c.cell, "arr_start", c.arr)
            else:
                c.arr_at_year_start = None

    def year_end(self, year: int) -> None:
        """Record the cohort's retention, the book at year end, customer-years served and
        every queue's integrals over the year."""
        ledger = self.ledger
        start, end = (year - 1) * HOURS_PER_YEAR, year * HOURS_PER_YEAR
        for c in self.customers:
            tier = c.cell
            a0 = c.arr_at_year_start
            arr = c.arr if c.active else 0.0
            if a0 is not None:
                cohort = c.cohort_cell
                ledger.put(year, cohort, "cohort_customers", 1.0)
                ledger.put(year, cohort, "cohort_arr_start", a0)
                ledger.put(year, cohort, "cohort_arr_retained", min(arr, a0))
                ledger.put(year, cohort, "cohort_arr_net", arr)
                ledger.put(year, cohort, "cohort_retained", 1.0 if c.active else 0.0)
            if c.active:
                if c.serial < NEW_LOGO_SERIAL:
                    ledger.put(year, c.first_cell, "initial_cohort_alive", 1.0)
                c.book_subscription(ledger, end)
                bucket = ledger.bucket(year, tier)
                bucket["customers_end"] += 1.0
                bucket["arr_end"] += arr
                if c.training:
                    bucket["trained_end"] += 1.0
                years_left = self._margin_years_left(c, end)
                bucket["value_margin_years"] += years_left
                bucket["value_arr_years"] += arr * years_left
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
        for roster in self.rosters.values():
            roster.integrate()

    def _margin_years_left(self, c: Customer, now: float) -> float:
        """The discounted years of margin `c` is worth at `now` (`margin_years_left`), from
        the sBG law of its group and the renewals it has made."""
        key = (c.group, c.renewals)
        derl = self._derl.get(key)
        if derl is None:
            law = self.scenario.population[c.group].renewal
            derl = self._derl[key] = sbg_discounted_residual_lifetime(
                law.alpha, law.beta, c.renewals, self.scenario.finance.discount_rate_per_year
            )
        term_left = (c.next_anniversary - now) / HOURS_PER_YEAR
        return margin_years_left(term_left, derl, self.scenario.finance.discount_rate_per_year)

    def _close_queue(self, year: int, tier: str, pool: str, queue: WorkQueue) -> None:
        stats = queue.reset_period()
        put = self.ledger.put
        put(year, tier, f"{pool}_present_hours", stats.area_present)
        put(year, tier, f"{pool}_queue_area", stats.area_waiting)
        put(year, tier, f"{pool}_busy_area", stats.area_busy)
        put(year, tier, f"{pool}_arrivals", stats.arrivals)
        put(year, tier, f"{pool}_started", stats.started)
        put(year, tier, f"{pool}_completed", stats.completed)
        put(year, tier, f"{pool}_dropped", stats.dropped)
        put(year, tier, f"{pool}_wait_sum", stats.wait_sum)

    # ------------------------------------------------------------------ months
    def month_end(self, month: int) -> None:
        """Record each pool's queue, utilisation and staff over the month just ended."""
        span = HOURS_PER_YEAR / MONTHS
        areas_by_pool: dict[str, tuple[float, float, float]] = {}
        for pool, queues in self.pools().items():
            areas = [0.0, 0.0, 0.0]
            for queue in queues:
                stats = queue.sync()
                areas[0] += stats.area_waiting
                areas[1] += stats.area_busy
                areas[2] += stats.area_present
            last = self._last_areas.get(pool, (0.0, 0.0, 0.0))
            areas_by_pool[pool] = (areas[0] - last[0], areas[1] - last[1], areas[2] - last[2])
            self._last_areas[pool] = (areas[0], areas[1], areas[2])
        if self.scenario.staff.education.headcount > 0 or self.rosters["education"].filled:
            waiting, busy, present = self.education.integrate()  # since t=0, never reset
            last = self._last_education
            areas_by_pool["education"] = (waiting - last[0], busy - last[1], present - last[2])
            self._last_education = (waiting, busy, present)
        for pool, roster in self.rosters.items():
            if pool not in areas_by_pool and pool != "operations" and roster.filled == 0:
                continue  # a digital programme or an empty pool with nothing to show
            waiting, busy, present = areas_by_pool.get(pool, (0.0, 0.0, 0.0))
            self.monthly_areas.setdefault(pool, []).append((waiting, busy, present))
            people, fte, vacancies, cost, counts = roster.close_month()
            self.series.append(
                (
                    month,
                    pool,
                    waiting / span,
                    busy / present if present > 0 else float("nan"),
                    people,
                    fte,
                    counts.hires,
                    counts.departures,
                    vacancies,
                    cost,
                    roster.target,
                    counts.requisitions,
                    counts.let_go,
                )
            )
        if month % MONTHS == 0:  # the queues' periods restart with the year
            self._last_areas = {}

    def load(self, pool: str, months: int) -> tuple[float, float]:
        """A pool's utilisation and mean jobs waiting per person present over its last
        `months` months (NaN if it had nobody present)."""
        recent = self.monthly_areas.get(pool, [])[-months:]
        waiting = sum(a[0] for a in recent)
        busy = sum(a[1] for a in recent)
        present = sum(a[2] for a in recent)
        if present <= 0:
            return float("nan"), float("nan")
        return busy / present, waiting / present
