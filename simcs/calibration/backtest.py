"""A back-test: fit on the history up to a cut-off, predict what followed, compare.

`backtest` calibrates on the exports as of `as_of` (`simcs.calibration.calibrate`: nothing
after the cut-off is used), builds the anchored scenario from the real book at that date
(`scenario_file.anchored_scenario`) with a horizon of the whole years up to `until`, and runs
it: replication d with draw d of the fitted parameters (`uncertainty`), so the replications'
spread is the predictive spread, parameters and luck together. For each year of the window and
each customer group (and the whole book) it compares what really happened with the prediction:

- **churned accounts**: of the accounts under contract at the year's start, those whose
  contract ended in the year (the model: customers at the start x (1 - logo retention));
- **logo retention**: the same as a share;
- **GRR** and **NRR** of the year's starting cohort: the ARR its survivors keep (each capped at
  its ARR at the start for GRR) over its ARR at the start. They need each account's ARR at both
  dates, so an ARR history (without one they are left out and the back-test says why);
- **customers at the year's end**, new logos included;
- **support tickets** filed in the year (with a tickets export that reaches to within
  `TICKETS_SLACK_DAYS` of the year's end): the cases that reached the desk (the model's cases
  less those self-service deflected).

The 95% prediction interval of a figure is mean +- t(0.975, R - 1) x sd x sqrt(1 + 1/R) over the
R replications (the interval for one more draw from their law); a figure inside it is one the
model predicted. About one figure in twenty falls outside by chance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from simcs.calibration.anchor import Anchor
from simcs.calibration.calibrate import Calibration, NothingToFit, calibrate
from simcs.calibration.expansion import arr_at
from simcs.calibration.exports import Table
from simcs.calibration.history import account_groups, months_between, under_contract
from simcs.calibration.scenario_file import anchored_scenario, group_keys
from simcs.calibration.uncertainty import parameter_draw
from simcs.catalogue import ALL
from simcs.records import Row, group_scope
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_from_dict, with_overrides
from simcs.simulation.runner import gather
from simcs.simulation.store import ResultStore

if TYPE_CHECKING:
    import pandas as pd

#: name -> (label, kind): the figures a back-test compares, in order
MEASURES: dict[str, tuple[str, str]] = {
    "churned_accounts": ("Churned accounts", "count"),
    "logo_retention": ("Logo retention", "share"),
    "grr": ("GRR", "share"),
    "nrr": ("NRR", "share"),
    "customers_end": ("Customers at year end", "count"),
    "support_tickets": ("Support tickets", "count"),
}
#: a tickets export whose last ticket is this close to a year's end covers the year
TICKETS_SLACK_DAYS = 14
#: shares that cannot pass 1 (NRR can)
AT_MOST_ONE = frozenset({"logo_retention", "grr"})
#: the variant name of draw d in the result store
VARIANT = "draw{:04d}"


class BacktestError(ValueError):
    """A back-test that cannot be run on these dates or data (the message says why)."""


@dataclass(frozen=True)
class Comparison:
    """One figure: what happened, and what the model predicted."""

    year: int
    scope: str  # a group's scope key ('group:smb') or 'all'
    measure: str
    actual: float
    mean: float
    low: float
    high: float

    @property
    def inside(self) -> bool:
        """The actual figure lies inside the 95% prediction interval."""
        return self.low <= self.actual <= self.high


@dataclass
class Backtest:
    """A back-test's comparisons and what they rest on."""

    as_of: pd.Timestamp
    until: pd.Timestamp
    years: int
    replications: int
    calibration: Calibration
    scenario: Scenario
    labels: dict[str, str]  # scope -> the company's own name for it
    anchors: dict[str, Anchor] = field(default_factory=dict)  # group key -> its anchoring
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def inside(self) -> int:
        """Figures inside their prediction interval."""
        return sum(c.inside for c in self.comparisons)


def window_years(as_of: pd.Timestamp, until: pd.Timestamp) -> int:
    """The whole years from `as_of` to `until`; a `BacktestError` unless it is 1 or more whole
    years to the day (the model's metrics are yearly)."""
    months, exact = months_between(as_of.to_pydatetime(), until.to_pydatetime())
    if months < 12 or months % 12 or not exact:
        raise BacktestError(
            f"--until {until.date()} is not a whole number of years after --as-of "
            f"{as_of.date()}: the model's figures are yearly (try {_years_after(as_of, 1)})"
        )
    return months // 12


def _years_after(day: pd.Timestamp, years: int) -> str:
    import pandas as pd

    return str((day + pd.DateOffset(years=years)).date())


def actual_figures(
    accounts: pd.DataFrame,
    tickets: pd.DataFrame | None,
    history: pd.DataFrame | None,
    as_of: pd.Timestamp,
    years: int,
    keys: dict[str, str],
) -> dict[tuple[int, str, str], float]:
    """What happened in each year of the window, by (year, scope, measure)."""
    import pandas as pd

    scopes = account_groups(accounts).map(lambda g: group_scope(keys.get(g, g)))
    out: dict[tuple[int, str, str], float] = {}
    ticket_scope = None
    if tickets is not None:
        owner = dict(zip(accounts["account_id"], scopes, strict=True))
        ticket_scope = tickets["account_id"].map(owner)
    for year in range(1, years + 1):
        t0, t1 = as_of + pd.DateOffset(years=year - 1), as_of + pd.DateOffset(years=year)
        cohort = under_contract(accounts, t0)
        alive_end = under_contract(accounts, t1)
        churned = cohort & ~alive_end  # under contract at the start, not at the end
        arr0 = arr1 = None
        if history is not None:
            arr0, arr1 = arr_at(accounts, history, t0), arr_at(accounts, history, t1)
        filed = None
        if tickets is not None:
            filed = (tickets["created_at"] > t0) & (tickets["created_at"] <= t1)
        for scope in [*sorted(set(scopes)), ALL]:
            mine = scopes == scope if scope != ALL else scopes == scopes
            n = int((cohort & mine).sum())
            lost = int((churned & mine).sum())
            out[(year, scope, "churned_accounts")] = lost
            out[(year, scope, "logo_retention")] = 1.0 - lost / n if n else math.nan
            out[(year, scope, "customers_end")] = int((alive_end & mine).sum())
            if arr0 is not None and arr1 is not None:
                kept = cohort & mine & ~churned
                base = float(arr0[cohort & mine].sum())
                if base > 0:
                    out[(year, scope, "grr")] = float(
                        np.minimum(arr0[kept], arr1[kept]).sum() / base
                    )
                    out[(year, scope, "nrr")] = float(arr1[kept].sum() / base)
            if filed is not None and ticket_scope is not None:
                hit = filed if scope == ALL else filed & (ticket_scope == scope)
                out[(year, scope, "support_tickets")] = int(hit.sum())
    return out


def predicted_figure(metrics: dict[str, float], measure: str) -> float:
    """The model's value of a back-test figure from one replication's metrics of a scope-year."""
    if measure == "churned_accounts":
        start = metrics["customers_start"]
        return start * (1.0 - metrics["logo_retention"]) if start > 0 else 0.0
    if measure == "support_tickets":
        return metrics["support_cases"] - metrics["support_deflected"]
    return metrics[measure]


def prediction_interval(
    values: list[float], kind: str, at_most_one: bool = False
) -> tuple[float, float, float]:
    """Mean and 95% prediction interval of one more draw from the law of `values`, inside the
    figure's range (counts and shares at least 0; retention shares at most 1)."""
    r = len(values)
    mean = float(np.mean(values))
    sd = float(np.std(values, ddof=1)) if r > 1 else 0.0
    half = float(stats.t.ppf(0.975, r - 1)) * sd * math.sqrt(1.0 + 1.0 / r) if r > 1 else 0.0
    low, high = mean - half, mean + half
    if kind in ("count", "share"):
        low = max(low, 0.0)
    if at_most_one:
        high = min(high, 1.0)
    return mean, low, high


def backtest(
    accounts: Table,
    tickets: Table | None,
    arr_history: Table | None,
    base: Scenario,
    as_of: pd.Timestamp,
    until: pd.Timestamp,
    replications: int,
    seed: int = 0,
    workers: int = 1,
    store: ResultStore | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Fit as of `as_of`, predict each year up to `until`, compare (see the module)."""

    years = window_years(as_of, until)
    latest = max(accounts.frame["start_date"].max(), accounts.frame["end_date"].max())
    if until > latest:
        raise BacktestError(
            f"--until {until.date()} is after the latest date in {accounts.path.name} "
            f"({latest.date()}): the exports do not say yet what happened by then"
        )
    if replications < 2:
        raise BacktestError("a prediction interval needs at least 2 replications")
    try:
        cal = calibrate(accounts, tickets, None, as_of, arr_history)
    except NothingToFit as error:
        raise BacktestError(str(error)) from None
    data, _, anchors = anchored_scenario(base, cal, cal.sources, True, seed)
    data.update(horizon_years=years, warmup_years=0)
    for group in data["population"].values():
        group["new_logos_per_year"] = float(np.mean(group["new_logos_per_year"]))
    scenario = scenario_from_dict(data, "<backtest>")
    grids: dict[str, Any] = {}
    draws = {
        VARIANT.format(d): with_overrides(
            scenario, parameter_draw(cal, anchors, seed, d, grids), f"<draw {d}>"
        )
        for d in range(replications)
    }
    first = {VARIANT.format(d): d for d in range(replications)}
    gathered = gather(
        draws, seed, 1, workers=workers, store=store, on_progress=on_progress, first=first
    )
    keys = group_keys(cal)
    labels = {group_scope(key): name for name, key in keys.items()} | {ALL: "All"}
    result = Backtest(as_of, until, years, replications, cal, scenario, labels, anchors)
    history = None if arr_history is None else arr_history.frame
    ticket_frame, covered = _tickets_compared(tickets, cal, as_of, years, result.notes)
    actual = actual_figures(accounts.frame, ticket_frame, history, as_of, years, keys)
    actual = {k: v for k, v in actual.items() if k[2] != "support_tickets" or k[0] in covered}
    metrics = _metrics_by_scope_year(gathered.rows.values())
    one_group = len(keys) == 1  # its figures are the whole book's: shown once, as 'All'
    for (year, scope, measure), value in sorted(actual.items(), key=_order):
        runs = metrics.get((year, scope))
        if runs is None or value != value or (one_group and scope != ALL):
            continue
        values = [v for v in (predicted_figure(m, measure) for m in runs) if v == v]
        if len(values) < 2:  # the model has no such figure (e.g. no cohort in the year)
            continue
        kind = MEASURES[measure][1]
        mean, low, high = prediction_interval(values, kind, measure in AT_MOST_ONE)
        result.comparisons.append(Comparison(year, scope, measure, value, mean, low, high))
    if history is None:
        result.notes.append(
            "GRR and NRR left out: they need each account's ARR at the start and the end of "
            "each year (give --arr-history)"
        )
    if tickets is None:
        result.notes.append("support tickets left out: no tickets export (give --tickets)")
    return result


def _tickets_compared(
    tickets: Table | None, cal: Calibration, as_of: pd.Timestamp, years: int, notes: list[str]
) -> tuple[pd.DataFrame | None, list[int]]:
    """The tickets to compare and the years they cover: none without case rates fitted (no
    ticket before the cut-off), only the years the export reaches (with a note)."""
    import pandas as pd

    if tickets is None:
        return None, []
    if not any(g.case_rate for g in cal.groups.values()):
        notes.append(
            "support tickets left out: the tickets export has no ticket on or before --as-of "
            "to fit case rates from"
        )
        return None, []
    last = tickets.frame["created_at"].max()
    reach = last + pd.Timedelta(days=TICKETS_SLACK_DAYS)
    covered = [y for y in range(1, years + 1) if as_of + pd.DateOffset(years=y) <= reach]
    if len(covered) < years:
        notes.append(
            "support tickets compared only for the years the tickets export covers (its last "
            f"ticket is on {last.date()})"
        )
    return tickets.frame, covered


def _metrics_by_scope_year(
    replications: Iterable[list[Row]],
) -> dict[tuple[int, str], list[dict[str, float]]]:
    """Each replication's metrics, by (year, scope), in replication order."""
    metrics: dict[tuple[int, str], list[dict[str, float]]] = {}
    for rows in replications:
        by: dict[tuple[int, str], dict[str, float]] = {}
        for _, year, scope, name, value in rows:
            by.setdefault((year, scope), {})[name] = value
        for k, v in by.items():
            metrics.setdefault(k, []).append(v)
    return metrics


def _order(item: tuple[tuple[int, str, str], float]) -> tuple[int, int, str, int]:
    (year, scope, measure), _ = item
    return (year, scope == ALL, scope, list(MEASURES).index(measure))


def backtest_document(result: Backtest) -> dict[str, Any]:
    """The backtest.json document."""
    return {
        "as_of": str(result.as_of.date()),
        "until": str(result.until.date()),
        "years": result.years,
        "replications": result.replications,
        "sources": result.calibration.sources,
        "inside": result.inside,
        "figures": len(result.comparisons),
        "anchors": {
            result.labels[group_scope(key)]: {
                "churn_odds_factor": a.odds_factor,
                "beta_fitted": a.beta_fitted,
                "beta_base": a.beta_base,
                "expansion_shift": a.expansion_shift,
                "desk_share": a.desk_share,
            }
            for key, a in result.anchors.items()
        },
        "comparisons": [
            {
                "year": c.year,
                "scope": c.scope,
                "group": result.labels.get(c.scope, c.scope),
                "measure": c.measure,
                "label": MEASURES[c.measure][0],
                "actual": c.actual,
                "predicted_mean": c.mean,
                "prediction_interval95": [c.low, c.high],
                "inside": c.inside,
            }
            for c in result.comparisons
        ],
        "warnings": result.calibration.warnings,
        "skipped_rows": result.calibration.skipped,
        "notes": result.notes,
    }
