"""Words on the figures: metric labels and units (read from the one metric catalogue,
`simcs.catalogue`), scope labels (a result's key: a service tier, `group:NAME` for a customer
group, or `all`; named by the scenario's own tier and group labels, passed in by the caller),
and the axis label of a swept scenario parameter.

A figure called without labels shows a tier's key and a group's name ("group NAME"); `all`
reads "All customers" unless the caller says otherwise. A "$" in a label is drawn as a dollar
sign, never as the start of a formula ("$15k-$100k" stays as written).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from simcs.catalogue import ALL, ALL_LABEL, CATALOGUE, Metric
from simcs.catalogue import metric as catalogue_entry
from simcs.records import GROUP_PREFIX, is_group_scope

#: scope -> display name: a tier's `tiers.<key>.label`, a group's `population.<name>.label`
#: under `group:NAME`, and `all`.
TierLabels = Mapping[str, str]

PER_CUSTOMER_YEAR = catalogue_entry("cost_per_customer").unit

#: Shares that cannot exceed 1 (every catalogue share but NRR, which counts expansion);
#: every catalogue metric is non-negative.
AT_MOST_ONE = frozenset(m.name for m in CATALOGUE.values() if m.kind == "share") - {"nrr"}


def known(name: str) -> bool:
    """Whether `name` is a catalogue metric (so its range, 0 up, is known)."""
    return name in CATALOGUE


def capital(text: str) -> str:
    """`text` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def inline(name: str) -> str:
    """A metric name for use inside a sentence ('Cost of ...' -> 'cost of ...', 'GRR' kept)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def difference_unit(entry: Metric) -> str:
    """The unit of a difference of the metric: percentage points for shares."""
    return "percentage points" if entry.kind == "share" else entry.unit


def metric_label(metric: str, *, difference: bool = False) -> str:
    """Axis label of a metric with its unit, e.g. 'GRR (share of cohort ARR)'.

    With `difference`, the label of a difference of the metric (shares in percentage points).
    """
    entry = catalogue_entry(metric)
    if difference:
        return f"Difference in {inline(entry.label)} ({difference_unit(entry)})"
    return f"{entry.label} ({entry.unit})"


def tier_label(tier: str, labels: TierLabels | None = None) -> str:
    """Display name on a figure of a scope (a tier key, `group:NAME` or `all`): its label in
    `labels` (the scenario's tier and group labels), else 'All customers' for `all`, 'group NAME'
    for a customer group, else the key itself; dollar signs escaped for matplotlib."""
    if labels and tier in labels:
        text = labels[tier]
    elif tier == ALL:
        text = ALL_LABEL
    elif is_group_scope(tier):
        text = f"group {tier.removeprefix(GROUP_PREFIX)}"
    else:
        text = tier
    return text.replace("$", r"\$")


def scope_noun(scopes: Iterable[str]) -> str:
    """What a list of scopes compares: 'Customer group', 'Tier' or 'Tier or customer group'
    (`all` counts as either)."""
    kinds = {is_group_scope(s) for s in scopes if s != ALL}
    if kinds == {True}:
        return "Customer group"
    if kinds == {True, False}:
        return "Tier or customer group"
    return "Tier"


_PARAM_UNITS: tuple[tuple[str, str], ...] = (
    ("headcount", "people"),
    ("managers", "people"),
    ("_hours", "hours"),
    ("_weeks", "weeks"),
    ("_per_year", "per year"),
    ("ote", "USD per year"),
    ("cost_per_hour", "USD per hour"),
    ("_share", "share"),
    ("_rate", "rate"),
)


def param_label(param: str) -> str:
    """Axis label of a scenario parameter path, with a unit guessed from its name."""
    for suffix, unit in _PARAM_UNITS:
        if param.endswith(suffix):
            return f"{param} ({unit})"
    return f"{param} (scenario units)"
