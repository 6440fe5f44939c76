"""The book of business: drawing customers, the t=0 book, and new-logo arrival times.

Every attribute of a customer is drawn when it is created, from that customer's own streams,
keyed by customer group and serial number (initial customers 0, 1, ...; new logos from
`NEW_LOGO_SERIAL` on, in order of arrival), so the same customer lives the same luck whichever
tier serves it. Its tier is the segmentation rule's answer for its ARR or group: at t=0 the
rule that placed the book (`segmentation.previous`, if a new rule replaces it), at a sale the
rule itself. The t=0 book is live, with contract anniversaries spread over the
year and, by default, tenures in steady state: tenure k with probability proportional to the
sBG survival S(k), and base churn propensity drawn from the survivors' posterior
Beta(alpha, beta + k) -- so the initial book already shows retention rising with tenure.
A real book (`initial_book.accounts`) gives instead each account's own ARR, tenure, renewal
date and training; its churn propensity is drawn from Beta(alpha, beta + its renewals).
"""

from __future__ import annotations

import bisect
import math
from array import array

import numpy as np

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.sbg import sbg_survival
from simcs.model.customer import INSTRUCTOR_LED, Customer
from simcs.model.draws import truncated_lognormal
from simcs.scenario import CustomerGroup, Scenario
from simcs.scenario.book import DAYS_PER_YEAR, BookAccount
from simcs.streams import (
    CUSTOMER_ATTRIBUTES,
    NEW_LOGOS,
    Streams,
    name_key,
)

NEW_LOGO_SERIAL = 1_000_000
#: Renewal draws made for every customer: one per anniversary of the longest horizon, plus one.
MAX_RENEWALS = 31


def draw_arr(group: CustomerGroup, u: float) -> float:
    """A new customer's ARR from one uniform draw, inside the group's band."""
    low, high = group.arr_band
    dist = group.arr
    if dist.kind == "fixed":
        return dist.mean
    if dist.kind == "uniform":
        assert high is not None
        return min(low + u * (high - low), math.nextafter(high, low))
    return truncated_lognormal(u, dist.mean, dist.cv, low, high)


def scale_to_total(
    values: list[float], total: float, low: float, high: float | None
) -> list[float]:
    """Scale ARRs to sum to `total` exactly while staying inside [low, high).

    Finds the factor f with sum(clip(f * v)) = total by bisection, then spreads the last
    rounding residue over the unclipped values.
    """
    top = math.nextafter(high, 0.0) if high is not None else math.inf
    v = np.asarray(values, dtype=float)

    def clipped_sum(f: float) -> float:
        return float(np.clip(v * f, low, top).sum())

    lo_f, hi_f = 0.0, 1.0
    while clipped_sum(hi_f) < total:
        hi_f *= 2.0
    for _ in range(64):
        mid = (lo_f + hi_f) / 2.0
        if clipped_sum(mid) < total:
            lo_f = mid
        else:
            hi_f = mid
    out = np.clip(v * hi_f, low, top)
    free = (out > low) & (out < top)
    free_sum = float(out[free].sum())
    if free_sum > 0:
        out[free] += (total - float(out.sum())) * out[free] / free_sum
    return out.tolist()


def tenure_cdf(alpha: float, beta: float, max_years: int) -> list[float]:
    """Cumulative P(tenure <= k), k = 0..max_years, with P(k) proportional to S(k) (sBG)."""
    weights = [sbg_survival(alpha, beta, k) for k in range(max_years + 1)]
    total = sum(weights)
    cdf, acc = [], 0.0
    for w in weights:
        acc += w / total
        cdf.append(acc)
    cdf[-1] = 1.0
    return cdf


def new_logo_times(
    rates: list[float], rng: np.random.Generator, period_hours: float = HOURS_PER_YEAR
) -> list[float]:
    """Arrival times (hours) of a Poisson process with a piecewise-constant rate: `rates[k]`
    arrivals expected in period k, each period `period_hours` long (a year by default)."""
    times: list[float] = []
    cumulative = 0.0
    target = rng.exponential()
    for period, rate in enumerate(rates):
        end = cumulative + rate
        while target < end:
            times.append((period + (target - cumulative) / rate) * period_hours)
            target += rng.exponential()
        cumulative = end
    return times


class CustomerFactory:
    """Creates the customers of one replication."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.scenario = scenario
        self.streams = streams
        book = scenario.initial_book
        self._tenure_cdfs = {
            name: tenure_cdf(g.renewal.alpha, g.renewal.beta, book.max_tenure_years)
            for name, g in scenario.population.items()
        }
        self._accounts: dict[str, list[BookAccount]] | None = None
        if book.accounts is not None:
            self._accounts = {}
            for account in book.accounts:
                self._accounts.setdefault(account.group, []).append(account)
        rule = scenario.rule
        self._placements = (rule.previous or rule, rule)  # (t=0 book, sales)
        #: renewal draws a customer can use: one anniversary a year, and one at t=0 at most
        self._renewals_kept = min(MAX_RENEWALS, scenario.horizon_years + 2)

    def create(
        self,
        group_name: str,
        serial: int,
        now: float,
        initial: bool,
        account: BookAccount | None = None,
    ) -> Customer:
        """Draw one customer's attributes; `initial` customers are live at t=0, and a real
        `account` of the t=0 book gives its ARR, tenure, renewal date and training."""
        scenario = self.scenario
        group = scenario.population[group_name]
        key = name_key(group_name)
        streams = self.streams
        attrs = streams.stream(CUSTOMER_ATTRIBUTES, key, serial)
        # a fixed number of draws in a fixed order, whatever the scenario, so that customer k
        # is the same customer in every scenario that keeps its group (common random numbers)
        u = attrs.random(8).tolist()
        # all MAX_RENEWALS are drawn (the order above), the ones a horizon can use are kept,
        # as doubles (8 bytes each, not a float object each)
        kept = self._renewals_kept
        renewal_u = array("d", attrs.random(MAX_RENEWALS)[:kept].tolist())
        renewal_z = array("d", attrs.standard_normal(MAX_RENEWALS)[:kept].tolist())
        book = scenario.initial_book
        tenure = 0
        if account is not None:
            tenure = account.renewals
        elif initial and book.tenure == "steady_state":
            tenure = bisect.bisect_left(self._tenure_cdfs[group_name], u[3])
        theta = float(attrs.beta(group.renewal.alpha, group.renewal.beta + tenure))
        if account is not None:
            anniversary = account.renewal_in_days / DAYS_PER_YEAR * HOURS_PER_YEAR
            # a term longer than the model's year: sold no later than t=0
            sale_time = min(anniversary - (tenure + 1) * HOURS_PER_YEAR, 0.0)
        elif initial:
            if book.anniversaries == "aligned":
                anniversary = HOURS_PER_YEAR
            else:
                anniversary = (1.0 - u[1]) * HOURS_PER_YEAR
            sale_time = anniversary - (tenure + 1) * HOURS_PER_YEAR
        else:
            sale_time = now
            anniversary = now + HOURS_PER_YEAR
        arr = draw_arr(group, u[0]) if account is None else account.arr
        tier = self._placements[0 if initial else 1].tier_of(arr, group_name)
        customer = Customer(
            serial=serial,
            group=group_name,
            tier=tier,
            arr=arr,
            theta=theta,
            sale_time=sale_time,
            next_anniversary=anniversary,
            sponsor_u=u[2],
            exec_sponsor=u[2] < scenario.tiers[tier].exec_sponsor_share,
            streams=streams,
            stream_key=(key, serial),
            renewal_u=renewal_u,
            renewal_z=renewal_z,
            delivery_u=u[5],
            phase_u=u[6],
        )
        customer.renewals = tenure
        customer.term.start = customer.earned_until = max(sale_time, 0.0)
        if initial:
            customer.go_live_time = sale_time
            trained = u[4] < book.trained_share
            if account is not None and account.trained is not None:
                trained = account.trained
            if trained:
                customer.training = INSTRUCTOR_LED
        return customer

    def initial_book(self, group_name: str) -> list[Customer]:
        """The group's live customers at t=0 (ARR scaled to `initial_arr_total` if given),
        each placed in the tier the t=0 rule gives its final ARR."""
        group = self.scenario.population[group_name]
        if self._accounts is not None:
            return [
                self.create(group_name, k, 0.0, True, account)
                for k, account in enumerate(self._accounts.get(group_name, []))
            ]
        customers = [self.create(group_name, k, 0.0, True) for k in range(group.initial_customers)]
        if group.initial_arr_total is not None and customers:
            scaled = scale_to_total(
                [c.arr for c in customers], group.initial_arr_total, *group.arr_band
            )
            placement, tiers = self._placements[0], self.scenario.tiers
            for customer, arr in zip(customers, scaled, strict=True):
                customer.arr = arr
                tier = placement.tier_of(arr, group_name)
                if tier != customer.tier:
                    customer.serve_by(tier, tiers[tier].exec_sponsor_share)
                    customer.first_cell = customer.cell
        return customers

    def arrivals(self, group_name: str) -> list[float]:
        """New-logo sale times of the group over the horizon (rates by year, or by month when
        the group's new-logo rate grows every month)."""
        scenario = self.scenario
        rng = self.streams.stream(NEW_LOGOS, name_key(group_name))
        if scenario.population[group_name].new_logo_growth_per_month:
            monthly = [r / 12.0 for r in scenario.new_logo_monthly_rates(group_name)]
            return new_logo_times(monthly, rng, HOURS_PER_YEAR / 12.0)
        rates = [
            scenario.new_logo_rate(group_name, y) for y in range(1, scenario.horizon_years + 1)
        ]
        return new_logo_times(rates, rng)
