"""What a comparison of segmentation policies needs said: which way its scopes compare (by
service tier, by customer group, and why) in one sentence, and how each variant serves its
customers (customers each tier serves at year end, customers re-tiered up and down a year),
read from an experiment folder's scenarios/ and replications.csv.

A tier's customers are whoever the segmentation rule gives it, so when variants segment
differently a tier's differences compare different customers; a customer group (`group:NAME`)
is the same customers in every variant.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simcs.catalogue import ALL
from simcs.records import is_group_scope
from simcs.reporting import results
from simcs.reporting.html import paragraph, table
from simcs.reporting.pages.common import read_scenario
from simcs.reporting.pages.numbers import value
from simcs.stats import t_interval

#: The counts of the table of how each variant serves its customers.
SERVED = "customers_end"
MOVED = (("retiered_up", "Moved up per year"), ("retiered_down", "Moved down per year"))
SERVED_NOTE = (
    "Customers each tier serves at year end, and customers the segmentation rule moved to a "
    "higher-touch (up) or lower-touch (down) tier a year, over the whole book: means over "
    "replications of each replication's mean over the measurement years."
)

BY_GROUP_DIFFERENT = (
    "Compared by customer group, because the variants segment differently: a tier serves "
    "different customers in each."
)
BY_GROUP_SAME = (
    "Compared by customer group: the same customers in every variant, whatever tier serves them."
)
BY_TIER_SAME = (
    "Compared by service tier: every variant segments the same way, so a tier serves the same "
    "customers in each."
)
BY_TIER_DIFFERENT = (
    "Compared by service tier, although the variants segment differently: a tier serves "
    "different customers in each, so read the whole book for like with like."
)
BY_BOTH_DIFFERENT = (
    "Compared by service tier and by customer group; the variants segment differently, so a "
    "tier serves different customers in each and the customer groups compare like with like."
)
BY_BOTH_SAME = (
    "Compared by service tier and by customer group: every variant segments the same way."
)
BOOK_ONLY = "Compared for the whole book (all customers)."


def basis(scopes: Sequence[str], differ: bool) -> str:
    """One sentence: which way the comparison is made (tiers, customer groups, both or the
    whole book) and, given whether the variants segment differently, why that compares like
    with like (or where it does not)."""
    groups = any(is_group_scope(s) for s in scopes)
    tiers = any(s != ALL and not is_group_scope(s) for s in scopes)
    if groups and tiers:
        return BY_BOTH_DIFFERENT if differ else BY_BOTH_SAME
    if groups:
        return BY_GROUP_DIFFERENT if differ else BY_GROUP_SAME
    if tiers:
        return BY_TIER_DIFFERENT if differ else BY_TIER_SAME
    return BOOK_ONLY


def _scenario(folder: Path, variant: str) -> dict[str, Any] | None:
    return read_scenario(folder / results.SCENARIOS_DIR / f"{variant}.yaml")


def segment_differently(folder: Path, variants: Sequence[str]) -> bool:
    """Whether the variants' resolved scenarios (scenarios/<variant>.yaml) differ in their
    segmentation (rule, thresholds or groups, re-tiering, hysteresis, previous rule)."""
    rules = set()
    for v in variants:
        scenario = _scenario(folder, v)
        if scenario is not None:
            rules.add(json.dumps(scenario.get("segmentation"), sort_keys=True, default=str))
    return len(rules) > 1


def _means(rows: list[dict[str, str]], metrics: set[str]) -> dict[tuple[str, str, str], float]:
    """(variant, scope, metric) -> mean over replications of the replication's mean over
    its years (undefined values left out)."""
    by_rep: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in rows:
        if row.get("metric") in metrics and row.get("value"):
            key = (row.get("variant", ""), row["tier"], row["metric"])
            by_rep[key][row["replication"]].append(float(row["value"]))
    return {
        key: t_interval([sum(v) / len(v) for v in reps.values()]).mean
        for key, reps in by_rep.items()
    }


def policy_table(
    folder: Path,
    variants: Sequence[str],
    reference: dict[str, Any] | None,
    labels: dict[str, str],
) -> str:
    """How each variant serves its customers: customers per tier at year end, then customers
    moved up and down a year (whole book), one row per variant; '' without replications.csv."""
    path = folder / results.REPLICATIONS
    if not path.exists():
        return ""
    rows = results.read_csv(path)
    means = _means(rows, {SERVED, *(m for m, _h in MOVED)})
    order = list((reference or {}).get("tiers") or {})
    found = {s for (_v, s, m) in means if m == SERVED and s != ALL and not is_group_scope(s)}
    tiers = [t for t in order if t in found] + sorted(found - set(order))
    if not tiers:
        return ""

    def cell(variant: str, scope: str, metric: str) -> str:
        mean = means.get((variant, scope, metric))
        return "n/a" if mean is None else value(metric, mean)

    body = table(
        [
            "Variant",
            *(f"{labels.get(t, t)}: customers" for t in tiers),
            *(h for _m, h in MOVED),
        ],
        [
            [
                v,
                *(cell(v, t, SERVED) for t in tiers),
                *(cell(v, ALL, m) for m, _h in MOVED),
            ]
            for v in variants
        ],
    )
    return body + paragraph(SERVED_NOTE, "note")
