"""Per-year metrics of one replication, by tier and for `all`, as listed in `simcs.catalogue`.

Ratios for `all` are recomputed from summed numerators and denominators, never averaged over
tiers. Staffed pools cost their loaded cost (OTE x (1 + overhead)) for the seat-time actually
filled, plus managers; a pool shared by tiers is charged to them in proportion to the time each
used (idle time shared the same way), a tier's own CSM team to that tier. A pool with an
activity rate (`cost_per_hour`) costs the hours of work its tiers asked for instead.
"""

from __future__ import annotations

from simcs.calendar import HOURS_PER_YEAR, hours_to_days
from simcs.catalogue import ALL, FUNCTIONS, METRICS
from simcs.formulas.costs import cost_of_delivery_per_customer, pool_loaded_cost, split_cost
from simcs.formulas.retention import (
    gross_revenue_retention,
    logo_retention,
    net_revenue_retention,
)
from simcs.model.ledger import Ledger
from simcs.model.support import WAIT_BIN_KEYS
from simcs.records import WAIT_POINTS
from simcs.scenario import Scenario, StaffPool

NAN = float("nan")
_INFINITY = float("inf")  # a ratio too large for a float is reported undefined (NaN), never inf


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else NAN


def _pool_cost(pool: StaffPool, present_hours: float) -> float:
    """Loaded cost of the filled seat-time plus the managers, for one year."""
    people = present_hours / HOURS_PER_YEAR
    return pool_loaded_cost(pool.ote, pool.overhead, people, pool.managers, pool.manager_ote)


def year_metrics(ledger: Ledger, scenario: Scenario, year: int) -> dict[str, dict[str, float]]:
    """All metrics of one year: {tier or 'all': {metric: value}} (NaN where undefined)."""
    tiers = list(scenario.tiers)
    g = ledger.get

    def per_tier(quantity: str) -> dict[str, float]:
        return {t: g(year, t, quantity) for t in tiers}

    customer_years = per_tier("customer_years")
    staff = scenario.staff
    costs: dict[str, dict[str, float]] = {f: dict.fromkeys(tiers, 0.0) for f in FUNCTIONS}

    def charge(function: str, amounts: dict[str, float]) -> None:
        for t, v in amounts.items():
            costs[function][t] += v

    # support and implementation: shared pools, staffed or activity-costed
    for function, pool, busy, activity in (
        ("support", staff.support, "support_busy_hours", "support_activity_cost"),
        (
            "implementation",
            staff.implementation,
            "implementation_busy_hours",
            "implementation_activity_cost",
        ),
    ):
        if pool.cost_per_hour is not None:
            charge(function, per_tier(activity))
        else:
            cost = _pool_cost(pool, g(year, "", f"{function}_present_hours"))
            charge(function, split_cost(cost, per_tier(busy), customer_years))
    charge("implementation", per_tier("partner_cost"))
    # education: shared pool, allocated by instructor time used
    edu = staff.education
    edu_cost = _pool_cost(edu, g(year, "", "education_present_hours"))
    charge("education", split_cost(edu_cost, per_tier("education_busy_hours"), customer_years))
    # CSM: each tier's own team
    for t in tiers:
        pool = staff.csm.get(t)
        if pool is None:
            continue
        if scenario.tiers[t].coverage == "digital":
            present = pool.headcount * HOURS_PER_YEAR  # programme staff, no queue
        else:
            present = g(year, t, "csm_present_hours")
        costs["csm"][t] += (
            g(year, t, "csm_busy_hours") * pool.cost_per_hour
            if pool.cost_per_hour is not None
            else _pool_cost(pool, present)
        )
    # operations: CS ops staff, programmes, other costs, by customer-years
    ops = _pool_cost(staff.operations, staff.operations.headcount * HOURS_PER_YEAR)
    if scenario.levers.content_council.enabled:
        ops += scenario.levers.content_council.cost_per_year
    ops += scenario.costs.digital_program_per_year
    charge("operations", split_cost(ops, {}, customer_years))
    for t in tiers:
        costs["operations"][t] += scenario.costs.other_per_customer_year * customer_years[t]

    support_capacity = g(year, "", "support_present_hours")
    ps_capacity = g(year, "", "implementation_present_hours")
    out: dict[str, dict[str, float]] = {}
    groups: list[tuple[str, list[str]]] = [(t, [t]) for t in tiers] + [(ALL, tiers)]
    for label, members in groups:

        def s(quantity: str, members: list[str] = members) -> float:
            return sum(g(year, t, quantity) for t in members)

        cy = sum(customer_years[t] for t in members)
        by_function = {f: sum(costs[f][t] for t in members) for f in FUNCTIONS}
        total = sum(by_function.values())
        per_customer = cost_of_delivery_per_customer(
            implementation=by_function["implementation"],
            support=by_function["support"],
            csm=by_function["csm"],
            operational=by_function["operations"],
            other=by_function["education"],
            customers=cy,
        )
        # cases that queued for an agent: answered, abandoned, or still waiting at the horizon
        # end (censored: their wait so far is a lower bound, and they count as not answered
        # within any limit)
        censored = s("support_censored")
        queued = s("support_answered") + s("support_abandoned") + censored
        csm_capacity = s("csm_present_hours")
        m: dict[str, float] = {
            "grr": gross_revenue_retention(s("cohort_arr_start"), s("cohort_arr_retained")),
            "nrr": net_revenue_retention(s("cohort_arr_start"), s("cohort_arr_net")),
            "logo_retention": logo_retention(s("cohort_customers"), s("cohort_retained")),
            "initial_cohort_survival": _ratio(
                s("initial_cohort_alive"),
                float(sum(scenario.tiers[t].initial_customers for t in members)),
            ),
            "arr_start": s("arr_start"),
            "arr_end": s("arr_end"),
            "arr_new": s("arr_new"),
            "arr_churned": s("arr_churned"),
            "arr_contraction": s("arr_contraction"),
            "arr_expansion": s("arr_expansion"),
            "arr_per_customer": _ratio(s("arr_end"), s("customers_end")),
            "customers_start": s("customers_start"),
            "customers_end": s("customers_end"),
            "new_customers": s("new_customers"),
            "cost_total": total,
            "cost_per_customer": per_customer,
        }
        for f in FUNCTIONS:
            m[f"cost_per_customer_{f}"] = _ratio(by_function[f], cy)
        m["implementation_cost_per_new_customer"] = _ratio(
            by_function["implementation"], s("new_customers")
        )
        m["support_cases"] = s("support_cases")
        m["support_deflected"] = s("support_deflected")
        m["support_abandoned"] = s("support_abandoned")
        m["support_wait_hours_mean"] = _ratio(
            s("support_wait_hours_sum") + s("support_censored_wait_hours"), queued
        )
        m["support_sla_met"] = _ratio(s("support_sla_met_count"), queued)
        within = 0.0  # cumulative over the histogram; abandoned cases never reached an agent
        for (point, _), key in zip(WAIT_POINTS, WAIT_BIN_KEYS, strict=False):
            within += s(key)
            m[f"support_wait_within_{point}"] = _ratio(within, queued)
        m["support_delayed_share"] = _ratio(s("support_delayed") + censored, queued)
        m["support_unresolved_end"] = s("support_unresolved_end")
        m["support_utilization"] = _ratio(s("support_busy_hours"), support_capacity)
        m["csm_utilization"] = _ratio(s("csm_busy_hours"), csm_capacity)
        m["csm_touch_coverage"] = _ratio(s("csm_touches_delivered"), s("csm_touches_planned"))
        m["ps_utilization"] = _ratio(s("implementation_busy_hours"), ps_capacity)
        m["ttv_days_mean"] = (
            hours_to_days(s("ttv_hours_sum") / s("went_live")) if s("went_live") else NAN
        )
        m["champion_departures"] = s("champion_departures")
        m["smooth_transitions"] = s("smooth_transitions")
        m["trained_share"] = _ratio(s("trained_end"), s("customers_end"))
        m["services_revenue"] = s("services_revenue")
        out[label] = {k: v if abs(v) != _INFINITY else NAN for k, v in m.items()}
    return out


def tidy_records(
    ledger: Ledger, scenario: Scenario, replication: int
) -> list[tuple[int, int, str, str, float]]:
    """(replication, year, tier, metric, value) rows for every measurement year."""
    rows: list[tuple[int, int, str, str, float]] = []
    for year in scenario.measurement_years:
        for tier, values in year_metrics(ledger, scenario, year).items():
            for metric in METRICS:
                rows.append((replication, year, tier, metric, values[metric]))
    return rows
