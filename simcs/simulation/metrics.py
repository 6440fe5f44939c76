"""Per-year metrics of one replication, by service tier, by customer group (`group:NAME`) and for
`all`, as listed in `simcs.catalogue`.

The ledger books everything by cell (the customers of one group served by one tier); a tier's, a
group's and the whole book's figures sum their cells, and ratios are recomputed from summed
numerators and denominators, never averaged. Staffed pools cost their loaded cost (OTE x (1 +
overhead)) for the seat-time actually filled, plus managers; a pool shared by tiers is charged
to them in proportion to the time each used (idle time shared the same way), a tier's own CSM
team to the groups that tier served in proportion to their CSM time (a team with nobody to
charge stays with its tier). A pool with an activity rate (`cost_per_hour`) costs the hours of
work its tiers asked for instead.
"""

from __future__ import annotations

from simcs.calendar import HOURS_PER_YEAR, hours_to_days
from simcs.catalogue import (
    ALL,
    FUNCTIONS,
    HORIZON_METRICS,
    HORIZON_YEAR,
    YEAR_METRICS,
)
from simcs.formulas.costs import cost_of_delivery_per_customer, pool_loaded_cost, split_cost
from simcs.formulas.retention import (
    gross_revenue_retention,
    logo_retention,
    net_revenue_retention,
)
from simcs.formulas.value import economic_value
from simcs.model.ledger import Ledger
from simcs.model.support import WAIT_BIN_KEYS
from simcs.records import WAIT_POINTS, group_scope, is_group_scope, split_cell
from simcs.scenario import Scenario, StaffPool

NAN = float("nan")
_INFINITY = float("inf")  # a ratio too large for a float is reported undefined (NaN), never inf


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else NAN


def _pool_cost(pool: StaffPool, payroll_hours: float, manager_hours: float) -> float:
    """Loaded cost of the people and managers on payroll over one year (hours / year length
    = person-years)."""
    people, managers = payroll_hours / HOURS_PER_YEAR, manager_hours / HOURS_PER_YEAR
    return pool_loaded_cost(pool.ote, pool.overhead, people, managers, pool.manager_ote)


def _scopes(scenario: Scenario, cells: list[str]) -> list[tuple[str, list[str], set[str]]]:
    """(result key, member cells, tiers whose CSM capacity counts) of every tier, every
    customer group and `all`."""
    tier_of = {c: split_cell(c)[0] for c in cells}
    group_of = {c: split_cell(c)[1] for c in cells}
    out = [(t, [c for c in cells if tier_of[c] == t], [t]) for t in scenario.tiers]
    for g in scenario.population:
        members = [c for c in cells if group_of[c] == g]
        # a group's CSM utilisation is its share of every team's capacity, as a tier's support
        # utilisation is its share of the desk: the groups' shares add up to the whole book's
        out.append((group_scope(g), members, list(scenario.tiers)))
    out.append((ALL, cells, list(scenario.tiers)))
    return out


def year_metrics(ledger: Ledger, scenario: Scenario, year: int) -> dict[str, dict[str, float]]:
    """All metrics of one year: {tier, 'group:NAME' or 'all': {metric: value}} (NaN where
    undefined). Costs are charged to ledger cells (a tier's customers of one group), then
    summed over the cells of each tier, each group and the whole book."""
    tiers = list(scenario.tiers)
    order = {name: k for k, name in enumerate([*scenario.tiers, *scenario.population])}
    cells = sorted(
        {key for (y, key) in ledger.buckets if y in (0, year) and "|" in key},
        key=lambda c: tuple(order.get(part, -1) for part in split_cell(c)),
    )
    g = ledger.get

    def per_cell(quantity: str, among: list[str] = cells) -> dict[str, float]:
        return {c: g(year, c, quantity) for c in among}

    customer_years = per_cell("customer_years")
    staff = scenario.staff
    costs: dict[str, dict[str, float]] = {f: dict.fromkeys(cells, 0.0) for f in FUNCTIONS}
    idle_team_cost = dict.fromkeys(tiers, 0.0)  # a CSM team with nobody to charge it to

    def charge(function: str, amounts: dict[str, float]) -> None:
        for c, v in amounts.items():
            costs[function][c] += v

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
            charge(function, per_cell(activity))
        else:
            cost = _pool_cost(
                pool,
                g(year, "", f"{function}_payroll_hours"),
                g(year, "", f"{function}_manager_hours"),
            )
            charge(function, split_cost(cost, per_cell(busy), customer_years))
    charge("implementation", per_cell("partner_cost"))
    # education: shared pool, allocated by instructor time used
    edu = staff.education
    edu_cost = _pool_cost(
        edu, g(year, "", "education_payroll_hours"), g(year, "", "education_manager_hours")
    )
    charge("education", split_cost(edu_cost, per_cell("education_busy_hours"), customer_years))
    # CSM: each tier's own team, over the groups it served by the CSM time they used
    for t in tiers:
        pool = staff.csm.get(t)
        if pool is None:
            continue
        mine = [c for c in cells if split_cell(c)[0] == t]
        if pool.cost_per_hour is not None:
            charge("csm", {c: g(year, c, "csm_busy_hours") * pool.cost_per_hour for c in mine})
            continue
        cost = _pool_cost(pool, g(year, t, "csm_payroll_hours"), g(year, t, "csm_manager_hours"))
        if len(mine) == 1:
            shares = {mine[0]: cost}
        else:
            shares = split_cost(
                cost, per_cell("csm_busy_hours", mine), per_cell("customer_years", mine)
            )
        if sum(shares.values()) > 0 or cost == 0:
            charge("csm", shares)
        else:
            idle_team_cost[t] += cost
    # operations: CS ops staff, programmes, other costs, by customer-years
    ops = _pool_cost(
        staff.operations,
        g(year, "", "operations_payroll_hours"),
        g(year, "", "operations_manager_hours"),
    )
    if scenario.levers.content_council.enabled:
        ops += scenario.levers.content_council.cost_per_year
    ops += scenario.costs.digital_program_per_year
    charge("operations", split_cost(ops, {}, customer_years))
    for c in cells:
        costs["operations"][c] += scenario.costs.other_per_customer_year * customer_years[c]

    # each cell's book at year end: its customers' ARR less the cell's cost to serve a
    # customer-year (implementation, a one-off at onboarding, left out), over the discounted
    # years of margin each is still worth (booked by the observer)
    book_value: dict[str, float] = {}
    for c in cells:
        to_serve = sum(costs[f][c] for f in FUNCTIONS if f != "implementation")
        per_year = to_serve / customer_years[c] if customer_years[c] > 0 else 0.0
        book_value[c] = g(year, c, "value_arr_years") - per_year * g(year, c, "value_margin_years")

    support_capacity = g(year, "", "support_present_hours")
    ps_capacity = g(year, "", "implementation_present_hours")
    out: dict[str, dict[str, float]] = {}
    for label, members, teams in _scopes(scenario, cells):

        def s(quantity: str, members: list[str] = members) -> float:
            return sum(g(year, c, quantity) for c in members)

        cy = sum(customer_years[c] for c in members)
        by_function = {f: sum(costs[f][c] for c in members) for f in FUNCTIONS}
        if not is_group_scope(label):
            by_function["csm"] += sum(idle_team_cost[t] for t in teams)
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
        csm_capacity = sum(g(year, t, "csm_present_hours") for t in teams)
        m: dict[str, float] = {
            "grr": gross_revenue_retention(s("cohort_arr_start"), s("cohort_arr_retained")),
            "nrr": net_revenue_retention(s("cohort_arr_start"), s("cohort_arr_net")),
            "logo_retention": logo_retention(s("cohort_customers"), s("cohort_retained")),
            "initial_cohort_survival": _ratio(
                s("initial_cohort_alive"), sum(g(0, c, "initial_customers") for c in members)
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
            "arr_moved_in": s("arr_moved_in"),
            "arr_moved_out": s("arr_moved_out"),
            "retiered_up": s("retiered_up"),
            "retiered_down": s("retiered_down"),
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
        m["subscription_revenue"] = s("subscription_revenue")
        m["services_revenue"] = s("services_revenue")
        m["revenue"] = m["subscription_revenue"] + m["services_revenue"]
        m["delivery_margin"] = m["revenue"] - total
        m["cost_to_revenue"] = _ratio(total, m["revenue"])
        m["book_value_end"] = sum(book_value[c] for c in members)
        m["customer_lifetime_value"] = _ratio(m["book_value_end"], s("customers_end"))
        for f in FUNCTIONS:  # staff: a tier's own CSM team, every pool in `all`
            key = [""] if f != "csm" else teams
            if is_group_scope(label) or (label != ALL and f != "csm"):
                m[f"headcount_{f}"] = m[f"productive_fte_{f}"] = m[f"hires_{f}"] = NAN
                continue
            payroll = sum(g(year, k, f"{f}_payroll_hours") for k in key)
            ramp = sum(g(year, k, f"{f}_ramp_hours") for k in key)
            m[f"headcount_{f}"] = payroll / HOURS_PER_YEAR
            m[f"productive_fte_{f}"] = (payroll - 0.5 * ramp) / HOURS_PER_YEAR
            m[f"hires_{f}"] = sum(g(year, k, f"{f}_hires") for k in key)
        out[label] = {k: v if abs(v) != _INFINITY else NAN for k, v in m.items()}
    return out


def horizon_metrics(
    yearly: dict[int, dict[str, dict[str, float]]], scenario: Scenario
) -> dict[str, dict[str, float]]:
    """The metrics with one value per replication ({scope: {metric: value}}), from the
    measurement years' metrics: `economic_value`, the measurement years' delivery margins and
    the last year's book value, discounted to the first measurement year's start."""
    years = scenario.measurement_years
    rate = scenario.finance.discount_rate_per_year
    return {
        scope: {
            "economic_value": economic_value(
                [yearly[y][scope]["delivery_margin"] for y in years],
                yearly[years[-1]][scope]["book_value_end"],
                rate,
            )
        }
        for scope in yearly[years[-1]]
    }


def tidy_records(
    ledger: Ledger, scenario: Scenario, replication: int
) -> list[tuple[int, int, str, str, float]]:
    """(replication, year, tier, metric, value) rows for every measurement year, then one row
    a scope for each per-replication metric, at year `HORIZON_YEAR`."""
    rows: list[tuple[int, int, str, str, float]] = []
    yearly = {y: year_metrics(ledger, scenario, y) for y in scenario.measurement_years}
    for year, by_scope in yearly.items():
        for tier, values in by_scope.items():
            for metric in YEAR_METRICS:
                rows.append((replication, year, tier, metric, values[metric]))
    for tier, values in horizon_metrics(yearly, scenario).items():
        for metric in HORIZON_METRICS:
            rows.append((replication, HORIZON_YEAR, tier, metric, values[metric]))
    return rows
