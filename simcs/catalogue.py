"""The metric catalogue: every metric simcs reports, with its label, unit, number format and
direction, written down once.

Terminal tables, CSV/JSON writers, figures, report headlines, comparison verdicts and the
generated reference docs all read this table; the order here is the output order. A metric's
`kind` says how its numbers look: `share` (0-1, differences in percentage points), `usd`,
`count`, `hours` or `days`. `direction` is +1 where more is better, -1 where less is better
and 0 where neither side is good in itself (a count of customers, a utilisation).

This module imports nothing from the model, so every layer can read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from simcs.records import WAIT_POINTS

#: The pseudo-tier that sums every tier (ratios recomputed from summed parts).
ALL = "all"
#: How `all` is shown in tables, figures and reports.
ALL_LABEL = "All customers"
#: Cost functions of the delivery organisation, as in `cost_per_customer_<function>`.
FUNCTIONS = ("implementation", "support", "csm", "education", "operations")
FUNCTION_LABELS = {
    "implementation": "implementation",
    "support": "support",
    "csm": "CSM",
    "education": "education",
    "operations": "CS operations",
}

#: How each kind of number is printed in tables (the figures use the same kinds).
FORMATS = {
    "share": "{:.3f}",
    "usd": "{:,.0f}",
    "count": "{:,.1f}",
    "hours": "{:.2f}",
    "days": "{:.1f}",
}


@dataclass(frozen=True)
class Metric:
    """One reported metric: what it is called, what it counts, how to print it, which way is
    better."""

    name: str
    label: str  # display name, e.g. "GRR" or "Mean support wait"
    unit: str  # unit for an axis or a column, e.g. "business hours"
    kind: str  # share, usd, count, hours or days
    direction: int  # +1 higher is better, -1 lower is better, 0 neither
    description: str  # one line for the reference docs
    short: str = ""  # a compact column heading, unit included, where the label is long
    horizon: bool = False  # one value per replication (year HORIZON_YEAR), not one a year

    @property
    def fmt(self) -> str:
        """The table format of this metric's values."""
        return FORMATS[self.kind]

    def format(self, value: float) -> str:
        """`value` in this metric's format ('n/a' where undefined)."""
        if value != value:  # NaN: undefined
            return "n/a"
        return self.fmt.format(value)


_SHARE_ARR = "share of cohort ARR"
_PER_CUSTOMER_YEAR = "USD per customer-year"


def _m(name: str, label: str, unit: str, kind: str, direction: int, description: str) -> Metric:
    return Metric(name, label, unit, kind, direction, description)


_ENTRIES: list[Metric] = [
    _m("grr", "GRR", _SHARE_ARR, "share", 1,
       "Gross revenue retention of the year's starting cohort (churn and contraction lost)."),
    _m("nrr", "NRR", _SHARE_ARR, "share", 1,
       "Net revenue retention of the year's starting cohort (expansion counted)."),
    _m("logo_retention", "Logo retention", "share of cohort customers", "share", 1,
       "Share of the year's starting customers still under contract at its end."),
    _m("initial_cohort_survival", "Initial-cohort survival", "share of t=0 customers", "share", 1,
       "Share of the t=0 book still under contract at the year's end."),
    _m("arr_start", "ARR at start of year", "USD", "usd", 0, "ARR under contract on day one."),
    _m("arr_end", "ARR at end of year", "USD", "usd", 1, "ARR under contract at year end."),
    _m("arr_new", "New-logo ARR", "USD per year", "usd", 0, "ARR of customers sold in the year."),
    _m("arr_churned", "Churned ARR", "USD per year", "usd", 0, "ARR lost to churn in the year."),
    _m("arr_contraction", "Contraction ARR", "USD per year", "usd", 0,
       "ARR lost to contraction at renewal."),
    _m("arr_expansion", "Expansion ARR", "USD per year", "usd", 0,
       "ARR gained by expansion at renewal."),
    _m("arr_per_customer", "ARR per customer", _PER_CUSTOMER_YEAR, "usd", 0,
       "ARR at year end over customers at year end."),
    _m("customers_start", "Customers at start of year", "customers", "count", 0,
       "Customers under contract on day one."),
    _m("customers_end", "Customers at end of year", "customers", "count", 1,
       "Customers under contract at year end."),
    _m("new_customers", "New customers", "customers per year", "count", 0,
       "New logos sold in the year."),
    _m("arr_moved_in", "ARR moved in", "USD per year", "usd", 0,
       "ARR of the customers the segmentation rule moved into the tier in the year (with "
       "arr_moved_out it closes a tier's ARR bridge; for a group or the whole book the two are "
       "equal)."),
    _m("arr_moved_out", "ARR moved out", "USD per year", "usd", 0,
       "ARR of the customers the segmentation rule moved out of the tier in the year."),
    _m("retiered_up", "Customers moved up", "customers per year", "count", 0,
       "Customers the segmentation rule moved to a higher-touch tier in the year (a tier's "
       "figure counts the customers moved into it)."),
    _m("retiered_down", "Customers moved down", "customers per year", "count", 0,
       "Customers the segmentation rule moved to a lower-touch tier in the year (a tier's "
       "figure counts the customers moved into it)."),
    _m("cost_total", "Cost of delivery", "USD per year", "usd", -1,
       "Loaded cost of every post-sales function charged to the tier or group."),
    _m("cost_per_customer", "Cost of delivery per customer", _PER_CUSTOMER_YEAR, "usd", -1,
       "Cost of delivery over customer-years served."),
    *(
        _m(f"cost_per_customer_{f}", f"Cost per customer, {label}", _PER_CUSTOMER_YEAR, "usd", -1,
           f"The {label} part of the cost of delivery per customer-year.")
        for f, label in FUNCTION_LABELS.items()
    ),
    _m("implementation_cost_per_new_customer", "Implementation cost per new customer",
       "USD per new customer", "usd", -1, "Implementation cost over the year's new logos."),
    _m("support_cases", "Support cases", "cases per year", "count", 0,
       "Cases filed (deflected ones included)."),
    _m("support_deflected", "Deflected cases", "cases per year", "count", 0,
       "Cases resolved by self-service before reaching the desk."),
    _m("support_abandoned", "Abandoned cases", "cases per year", "count", -1,
       "Cases whose customer gave up waiting."),
    _m("support_wait_hours_mean", "Mean support wait", "business hours", "hours", -1,
       "Mean wait for an agent over the cases answered, abandoned or unresolved (wait so far)."),
    _m("support_sla_met", "Support SLA attainment", "share of cases", "share", 1,
       "Share of the cases answered, abandoned or unresolved that reached an agent within the "
       "tier's SLA."),
    *(
        _m(f"support_wait_within_{point}", f"Answered within {point}", "share of cases", "share",
           1, f"Share of the cases answered, abandoned or unresolved that reached an agent "
           f"within {point}.")
        for point, _ in WAIT_POINTS
    ),
    _m("support_utilization", "Support utilisation", "share of staffed time", "share", 0,
       "Agents' busy hours over their staffed hours (for a tier or group: the hours spent on "
       "its customers over the whole desk's staffed hours)."),
    _m("support_delayed_share", "Cases that waited", "share of cases", "share", -1,
       "Share of the cases answered, abandoned or unresolved that waited for an agent at all."),
    _m("support_unresolved_end", "Cases unresolved at the end", "cases", "count", -1,
       "Cases still waiting or in service when the horizon ends (last year only, else 0)."),
    _m("csm_utilization", "CSM utilisation", "share of staffed time", "share", 0,
       "CSMs' busy hours over their staffed hours (a tier: its own team; a customer group: the "
       "hours spent on it over every team's staffed hours)."),
    _m("csm_touch_coverage", "CSM touch coverage", "share of planned touches", "share", 1,
       "Touches delivered over touches planned."),
    _m("ps_utilization", "PS utilisation", "share of staffed time", "share", 0,
       "Implementation consultants' busy hours over their staffed hours (for a tier or group: "
       "the hours spent on its customers over the pool's staffed hours)."),
    _m("ttv_days_mean", "Mean time to value", "calendar days", "days", -1,
       "Mean days from sale to go-live of the customers who went live in the year."),
    _m("champion_departures", "Champion departures", "departures per year", "count", 0,
       "Champions who left their company."),
    _m("smooth_transitions", "Smooth champion transitions", "transitions per year", "count", 1,
       "Champion departures caught and handed over by the Smooth Transition play."),
    _m("trained_share", "Trained customers", "share of customers", "share", 1,
       "Share of the customers at year end with a trained user."),
    _m("subscription_revenue", "Subscription revenue", "USD per year", "usd", 1,
       "ARR earned in the year: each contract's ARR over the time it was under contract."),
    _m("services_revenue", "Services revenue", "USD per year", "usd", 1,
       "Revenue of paid onboarding packages and paid training."),
    _m("revenue", "Revenue", "USD per year", "usd", 1,
       "Subscription revenue plus services revenue."),
    _m("delivery_margin", "Delivery margin", "USD per year", "usd", 1,
       "Revenue less the cost of delivery."),
    _m("cost_to_revenue", "Cost of delivery to revenue", "share of revenue", "share", -1,
       "Cost of delivery over revenue (customer success runs at 5%-20% of revenue, seed "
       "1G.1)."),
    _m("customer_lifetime_value", "Customer lifetime value", "USD per customer", "usd", 1,
       "Mean over the customers at year end of the discounted margin each is expected to "
       "bring from now on: (ARR - cost to serve) x the rest of its term plus its sBG "
       "discounted expected residual lifetime (Fader & Hardie 2010)."),
    _m("book_value_end", "Book value at year end", "USD", "usd", 1,
       "The customer lifetime values of the whole book at year end, summed."),
    Metric("economic_value", "Economic value", "USD (present value)", "usd", 1,
           "What the strategy is worth over the horizon and beyond: each measurement year's "
           "delivery margin discounted from its middle, plus the book value at the horizon's "
           "end discounted from it, at the finance section's rate (one value per replication, "
           "year 0 in replications.csv).", horizon=True),
    *(
        entry
        for f, label in FUNCTION_LABELS.items()
        for entry in (
            _m(f"headcount_{f}", f"Headcount, {label}", "people (mean over the year)", "count",
               0, f"People on the {label} payroll, the year's mean (a tier: its own CSM team; "
               f"shared pools in `all` only; managers not counted)."),
            _m(f"productive_fte_{f}", f"Productive FTE, {label}", "FTE (mean over the year)",
               "count", 0, f"The {label} headcount with a ramping hire counted as half a "
               "person, the year's mean."),
            _m(f"hires_{f}", f"Hires, {label}", "people per year", "count", 0,
               f"People hired into the {label} pool in the year (backfills and new positions)."),
        )
    ),
]  # fmt: skip

#: Compact column headings (unit included) of the metrics a terminal summary shows side by side.
_SHORT = {
    "logo_retention": "Logo ret.",
    "cost_per_customer": "Cost/cust $",
    "support_wait_hours_mean": "Wait h",
    "support_sla_met": "SLA met",
    "support_utilization": "Support util",
    "csm_utilization": "CSM util",
    "ps_utilization": "PS util",
}

#: name -> Metric, in output order.
CATALOGUE: dict[str, Metric] = {m.name: replace(m, short=_SHORT.get(m.name, "")) for m in _ENTRIES}
#: Every metric reported, for every tier and `all`, in output order.
METRICS: tuple[str, ...] = tuple(CATALOGUE)
#: The metrics of one year; the others have one value per replication (`HORIZON_YEAR`).
YEAR_METRICS: tuple[str, ...] = tuple(m for m in METRICS if not CATALOGUE[m].horizon)
#: The metrics with one value per replication, over the whole horizon.
HORIZON_METRICS: tuple[str, ...] = tuple(m for m in METRICS if CATALOGUE[m].horizon)
#: The metrics in dollars net of the cost of delivery: one more person changes them by what
#: the person brings in less what they cost, so they have a maximum (`simcs size --maximise`)
#: and `simcs allocate` can stop when nobody more adds to them.
NET_OF_COST: tuple[str, ...] = ("economic_value", "delivery_margin")
#: The `year` of a per-replication metric's row in replications.csv and the store: 0, a year
#: no metric of one year ever has (years count from 1).
HORIZON_YEAR = 0


def metric(name: str) -> Metric:
    """The catalogue entry of `name`; an unknown name gets a plain entry with no good side."""
    found = CATALOGUE.get(name)
    if found is not None:
        return found
    return Metric(name, name.replace("_", " "), "value", "count", 0, "")
