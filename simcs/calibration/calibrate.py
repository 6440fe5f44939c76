"""A calibration: what a company's exports say about each customer group, as one document.

From the accounts export (churn histories and the book at the cut-off), an ARR history (the
ARR change at renewal, and each account's ARR at the cut-off), the help-desk export (case
rates, handle times) and a cohort table (churn for groups with aggregates only), per
customer group: the sBG renewal law with its 95% intervals and the accounts behind it, observed
against fitted survival (and, on request, the fitted law projected beyond the data), cases per
customer-year and the handle-time law; for the whole export the handle-time law and the book at
the cut-off. A group known from both the accounts and a cohort table is fitted from its
accounts (they carry the censoring); a cohort table covers the groups the accounts do not.

Where the data are too thin the calibration says so, and how many accounts would be needed:
the fit's 95% interval for alpha should span no more than a factor of 2; its width on the log
scale falls as one over the square root of the accounts, so a group whose interval spans a
factor F needs about n (ln F / ln 2)^2 accounts.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simcs.calibration.expansion import (
    ExpansionFit,
    arr_at,
    fit_expansion,
    renewal_changes_by_account,
)
from simcs.calibration.exports import Table
from simcs.calibration.history import (
    BookAccount,
    account_groups,
    book_at,
    group_lifetimes,
    latest_date,
)
from simcs.calibration.renewal import (
    FitError,
    Lifetimes,
    RenewalFit,
    fit_renewal,
    lifetimes_from_cohort,
)
from simcs.calibration.support import CaseRate, HandleTimeFit, case_rates, fit_handle_time
from simcs.formulas.sbg import sbg_survival

if TYPE_CHECKING:
    import pandas as pd

#: The widest 95% interval of alpha (high / low) before the calibration warns.
PRECISE_FACTOR = 2.0


class NothingToFit(ValueError):
    """Exports that hold no history before the cut-off (the message says why)."""


@dataclass
class GroupCalibration:
    """One customer group's fitted laws and the data behind them."""

    renewal: RenewalFit | None = None
    lifetimes: Lifetimes | None = None
    renewal_source: str = ""  # the file the renewal law was fitted from
    case_rate: CaseRate | None = None
    handle_time: HandleTimeFit | None = None
    book: list[BookAccount] = field(default_factory=list)
    new_logos: float | None = None  # accounts started in the year before the cut-off
    expansion: ExpansionFit | None = None  # the ARR change at renewal (from an ARR history)


@dataclass
class Calibration:
    """Every group's calibration, the whole export's handle-time law, and what to watch."""

    as_of: pd.Timestamp | None  # None for a cohort table alone (it has no dates)
    groups: dict[str, GroupCalibration]
    handle_time: HandleTimeFit | None
    sources: dict[str, str]  # export -> file name
    warnings: list[str]
    skipped: dict[str, dict[str, int]]  # file -> reason -> rows left out (lenient)
    notes: list[str]


def _renewal(
    name: str, group: GroupCalibration, data: Lifetimes, source: str, warnings: list[str]
) -> None:
    group.lifetimes, group.renewal_source = data, source
    try:
        fit = fit_renewal(data)
    except FitError as reason:
        warnings.append(f"{name}: renewal law not fitted: {reason}")
        return
    group.renewal = fit
    if not fit.identified:
        warnings.append(
            f"{name}: {fit.n_accounts} accounts cannot separate the spread of churn from its "
            f"level (first-renewal churn {fit.mean_churn:.1%}): accounts observed over at least "
            "three renewals are needed"
        )
        return
    low, high = fit.alpha_ci95
    factor = high / low if low > 0 else math.inf
    if not math.isfinite(factor):
        warnings.append(
            f"{name}: alpha has no upper bound from {fit.n_accounts:,} accounts: the data "
            "cannot say how far churn spreads across customers"
        )
    elif factor > PRECISE_FACTOR:
        needed = fit.n_accounts * (math.log(factor) / math.log(PRECISE_FACTOR)) ** 2
        warnings.append(
            f"{name}: alpha is known only within a factor of {factor:.1f} from "
            f"{fit.n_accounts:,} accounts; about {needed:,.0f} would pin it within a factor of "
            f"{PRECISE_FACTOR:g}"
        )


def calibrate(
    accounts: Table | None = None,
    tickets: Table | None = None,
    cohorts: Table | None = None,
    as_of: pd.Timestamp | None = None,
    arr_history: Table | None = None,
) -> Calibration:
    """Fit every group the exports describe, as of `as_of` (default: the latest date in the
    accounts; a cohort table alone has no dates). Only what happened by the cut-off is used:
    later tickets and ARR changes are left out, later ends are in the future."""
    if accounts is None and cohorts is None and tickets is None:
        raise ValueError("nothing to calibrate: give accounts, tickets or cohorts")
    if tickets is not None and accounts is None:
        raise ValueError("tickets need the accounts export (a case rate is per customer-year)")
    import pandas as pd

    if as_of is None and accounts is not None:
        as_of = latest_date(accounts.frame)
    groups: dict[str, GroupCalibration] = {}
    warnings: list[str] = []
    exports = (accounts, tickets, cohorts, arr_history)
    sources = {t.path.stem: t.path.name for t in exports if t is not None}
    history = None if arr_history is None else arr_history.frame
    if accounts is not None:
        assert as_of is not None
        if not (accounts.frame["start_date"] <= as_of).any():
            raise NothingToFit(
                f"no account of {accounts.path.name} had started by {as_of.date()}: there is "
                "no history to fit (its first start is "
                f"{accounts.frame['start_date'].min().date()})"
            )
        for name, data in group_lifetimes(accounts.frame, as_of).items():
            _renewal(name, groups.setdefault(name, GroupCalibration()), data, "accounts", warnings)
        if history is not None:
            _expansion(accounts.frame, history, as_of, groups, warnings)
        if "term_months" in accounts.frame.columns:
            longer = int((accounts.frame["term_months"] != 12).sum())
            if longer:
                warnings.append(
                    f"{longer:,} account(s) have contract terms other than 12 months: their "
                    "churn law is fitted per renewal, but the model renews every customer every "
                    "year, so it over-states the yearly churn of multi-year contracts (and "
                    "under-states that of shorter ones)"
                )
        current = accounts.frame.assign(arr=arr_at(accounts.frame, history, as_of))
        for account in book_at(current, as_of):
            groups.setdefault(account.group, GroupCalibration()).book.append(account)
        year_before = as_of - pd.DateOffset(years=1)
        recent = accounts.frame["start_date"].between(year_before, as_of, inclusive="right")
        group_of_account = account_groups(accounts.frame)
        for name in groups:
            groups[name].new_logos = float((recent & (group_of_account == name)).sum())
    if cohorts is not None:
        for name, data in cohort_lifetimes(cohorts.frame).items():
            if name in groups and groups[name].lifetimes is not None:
                continue  # its accounts tell more
            _renewal(name, groups.setdefault(name, GroupCalibration()), data, "cohorts", warnings)
    handle = None
    filed = None
    if tickets is not None and as_of is not None:
        filed = tickets.frame[tickets.frame["created_at"] <= as_of]
        if filed.empty:
            warnings.append(
                f"{tickets.path.name}: no ticket on or before {as_of.date()}: case rates and "
                "handle times not fitted (the base scenario's are kept)"
            )
            filed = None
    if filed is not None and accounts is not None:
        for name, rate in case_rates(accounts.frame, filed, as_of).items():
            groups.setdefault(name, GroupCalibration()).case_rate = rate
        group_of_ticket = filed["account_id"].map(_group_of(accounts.frame))
        minutes = filed["handle_minutes"]
        handle = _handle(minutes.to_numpy(), "all tickets", warnings)
        for name in groups:
            mine = group_of_ticket == name
            if mine.any():
                groups[name].handle_time = _handle(minutes[mine].to_numpy(), name, warnings)
    tables = [t for t in exports if t is not None]
    skipped = {t.path.name: dict(t.skipped) for t in tables if t.skipped}
    notes = [n for t in tables for n in t.notes]
    return Calibration(
        as_of, dict(sorted(groups.items())), handle, sources, warnings, skipped, notes
    )


def _expansion(
    accounts: pd.DataFrame,
    history: pd.DataFrame,
    as_of: pd.Timestamp,
    groups: dict[str, GroupCalibration],
    warnings: list[str],
) -> None:
    """Each group's ARR change at renewal, from the renewals made by the cut-off."""
    for name, by_account in renewal_changes_by_account(accounts, history, as_of).items():
        changes = [c for account in by_account.values() for c in account]
        try:
            fit = fit_expansion(changes, sum(1 for a in by_account.values() if a))
        except FitError as reason:
            warnings.append(f"{name}: ARR change at renewal not fitted: {reason}")
            continue
        groups.setdefault(name, GroupCalibration()).expansion = fit


def _group_of(frame: pd.DataFrame) -> dict[str, str]:
    """Account id -> its customer group (`history.account_groups`)."""
    return dict(zip(frame["account_id"].astype(str), account_groups(frame), strict=True))


def _handle(minutes: Any, name: str, warnings: list[str]) -> HandleTimeFit | None:
    try:
        return fit_handle_time(minutes)
    except ValueError as reason:
        warnings.append(f"{name}: handle time not fitted: {reason}")
        return None


def cohort_lifetimes(frame: pd.DataFrame) -> dict[str, Lifetimes]:
    """Each group's counts from a checked cohort table (`exports.COHORTS`)."""
    out = {}
    for name, rows in frame.sort_values("period").groupby("group", sort=True):
        out[str(name)] = lifetimes_from_cohort([int(a) for a in rows["alive"]])
    return out


def _interval(pair: tuple[float, float]) -> list[float | None]:
    """An interval for JSON: an end the data cannot set (open, or not a number) is null."""
    return [x if math.isfinite(x) else None for x in pair]


def calibration_document(calibration: Calibration, project: int = 0) -> dict[str, Any]:
    """The calibration.json document: per group its renewal law (observed and fitted survival
    from period 1, projected `project` periods beyond the data), its support load and its book
    at the cut-off; the sources, warnings, rows left out and notes."""
    groups: dict[str, Any] = {}
    for name, g in calibration.groups.items():
        entry: dict[str, Any] = {"renewal": None, "support": None}
        if g.renewal is not None and g.lifetimes is not None:
            fit = g.renewal
            observed = g.lifetimes.survival_observed()
            periods = len(observed)
            renewal = {
                "alpha": fit.alpha,
                "beta": fit.beta,
                "alpha_ci95": _interval(fit.alpha_ci95),
                "beta_ci95": _interval(fit.beta_ci95),
                "identified": fit.identified,
                "n_accounts": fit.n_accounts,
                "source": calibration.sources.get(g.renewal_source, g.renewal_source),
                "survival_observed": observed,
                "survival_fitted": [
                    sbg_survival(fit.alpha, fit.beta, t) for t in range(1, periods + 1)
                ],
            }
            if project:
                renewal["survival_projected"] = [
                    sbg_survival(fit.alpha, fit.beta, t)
                    for t in range(periods + 1, periods + project + 1)
                ]
            entry["renewal"] = renewal
        if g.case_rate is not None:
            rate = g.case_rate
            entry["support"] = {
                "cases_per_year": _interval((rate.cases_per_year, 0.0))[0],
                "cases_per_year_ci95": _interval(rate.ci95),
                "cases": rate.cases,
                "customer_years": rate.customer_years,
                "handle_time": _handle_document(g.handle_time),
            }
        if g.expansion is not None:
            law = g.expansion
            entry["expansion"] = {
                "mean_log_change": law.mean_log_change,
                "mean_log_change_ci95": list(law.mean_ci95),
                "sd": law.sd,
                "sd_ci95": list(law.sd_ci95),
                "renewals": law.changes,
                "accounts": law.accounts,
            }
        entry["book"] = {"customers": len(g.book), "arr": math.fsum(a.arr for a in g.book)}
        groups[name] = entry
    return {
        "as_of": None if calibration.as_of is None else calibration.as_of.date().isoformat(),
        "sources": calibration.sources,
        "groups": groups,
        "handle_time": _handle_document(calibration.handle_time),
        "warnings": calibration.warnings,
        "skipped_rows": calibration.skipped,
        "notes": calibration.notes,
    }


def _survival(fit: RenewalFit, first: int, last: int) -> list[float]:
    """The fitted law's share alive after `first`..`last` renewals."""
    return [sbg_survival(fit.alpha, fit.beta, t) for t in range(first, last + 1)]


def _handle_document(fit: HandleTimeFit | None) -> dict[str, Any] | None:
    if fit is None:
        return None
    return {
        "distribution": fit.distribution,
        "mean_hours": fit.mean_hours,
        "cv": fit.cv,
        "tickets": fit.tickets,
        "tickets_without_time": fit.zero,
        "ks_distance": fit.ks_distance,
        "log_minutes_mean": fit.mu,
        "log_minutes_sd": fit.sigma,
        "histogram_minutes": {"edges": fit.histogram[0], "counts": fit.histogram[1]},
    }


def skipped_total(calibration: Calibration) -> Counter[str]:
    """Rows left out across files, by reason."""
    total: Counter[str] = Counter()
    for reasons in calibration.skipped.values():
        total.update(reasons)
    return total
