"""A runnable scenario of the user's company: a base scenario's staff, tiers and levers, with
the customer groups the calibration fitted.

Each fitted group becomes a customer group of the scenario, its key the group's name made safe
for a dotted field path (`Mid Market` -> `mid_market`), its label the name itself. What the
exports say replaces the base's values, and the YAML says where each came from beside it:

- `renewal` (alpha, beta): the sBG law fitted from the accounts or the cohort table;
- `initial_customers` and `initial_arr_total`: the accounts under contract at the cut-off;
- `arr`: a lognormal law with the mean and spread of their ARR, over the band they span;
- `new_logos_per_year`: the accounts that started in the year before the cut-off;
- `cases_per_year`: the group's tickets per customer-year; `support.handle_time`: the
  lognormal law of every ticket's handle time;
- `expansion` (mean and sd of the log ARR change at renewal), from an ARR history.

The rest of a group (implementation hours, expansion without an ARR history, champions) comes
from the base group with the same key, else the base group whose ARR band holds the group's
median ARR, else the base's first group. The base's segmentation rule places the customers: an
ARR rule as it is; a rule by group gives each fitted group the tier of the base group it was
modelled on.

The t=0 book is the real one (`initial_book.accounts`): every account under contract at the
cut-off with its own ARR, renewals made, next renewal date and, if the export says, training.
The command writes it beside the scenario as `book.csv` (`simcs.scenario.book`); ids are kept
there and nowhere else, names and e-mails never.

`anchored_scenario` then anchors what was fitted to the scenario's service: the observed churn,
ARR changes and tickets already carry the company's service, which the model adds on top of a
group's base laws (`simcs.calibration.anchor`).
"""

from __future__ import annotations

import copy
import math
import re
import textwrap
from typing import Any

import numpy as np
import yaml

from simcs.calibration.anchor import Anchor, anchored, log_change_in_bounds
from simcs.calibration.calibrate import Calibration
from simcs.scenario import Scenario
from simcs.scenario.fields import MAX_CV, MAX_LOG_SD, MAX_SHAPE
from simcs.scenario.files import scenario_from_dict


def group_key(name: str) -> str:
    """A group's name as a scenario key: lower case, runs of other characters as '_'."""
    key = re.sub(r"[^a-z0-9_-]+", "_", name.strip().lower()).strip("_")[:40]
    return key or "group"


def shapes(alpha: float, beta: float) -> tuple[float, float]:
    """The fitted shapes as a scenario takes them (at most `MAX_SHAPE` each): a fit whose
    maximum runs off towards a homogeneous book keeps its mean churn alpha / (alpha + beta)."""
    top = max(alpha, beta)
    if top <= MAX_SHAPE:
        return alpha, beta
    return alpha * MAX_SHAPE / top, beta * MAX_SHAPE / top


def _template(base: Scenario, key: str, median_arr: float) -> str:
    if key in base.population:
        return key
    for name, group in base.population.items():
        low, high = group.arr_band
        if low <= median_arr and (high is None or median_arr < high):
            return name
    return next(iter(base.population))


def group_keys(calibration: Calibration) -> dict[str, str]:
    """Each fitted group's key in the scenario (`group_key`, made unique with '_')."""
    keys: dict[str, str] = {}
    for name in calibration.groups:
        key = group_key(name)
        while key in keys.values():
            key += "_"
        keys[name] = key
    return keys


def fitted_parts(calibration: Calibration) -> dict[str, set[str]]:
    """Per scenario group key, which of 'renewal', 'expansion' and 'cases' the calibration
    fitted (what anchoring may adjust, `simcs.calibration.anchor`)."""
    out: dict[str, set[str]] = {}
    keys = group_keys(calibration)
    for name, fit in calibration.groups.items():
        key = keys[name]
        parts = {"renewal"} if fit.renewal is not None else set()
        if fit.expansion is not None:
            parts.add("expansion")
        rate = fit.case_rate
        if rate is not None and rate.cases_per_year == rate.cases_per_year:  # not NaN
            parts.add("cases")
        out[key] = parts
    return out


def calibrated_scenario(
    base: Scenario, calibration: Calibration, sources: dict[str, str]
) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The scenario as a mapping, and the source of each value the calibration set (by field
    path). `sources` names the files ({'accounts': 'accounts.csv', ...})."""
    data = base.model_dump(mode="json")
    as_of = calibration.as_of.date().isoformat() if calibration.as_of is not None else None
    population: dict[str, Any] = {}
    notes: dict[tuple[str, ...], str] = {}
    placed: dict[str, str] = {}
    book: list[dict[str, Any]] = []
    keys, fitted = group_keys(calibration), fitted_parts(calibration)
    accounts = sources.get("accounts", "the accounts")
    dated = f" as of {as_of}" if as_of else ""
    for name, fit in calibration.groups.items():
        key = keys[name]
        arrs = np.array([a.arr for a in fit.book], dtype=float)
        median = float(np.median(arrs)) if len(arrs) else 0.0
        template = _template(base, key, median)
        placed[key] = template
        group = copy.deepcopy(data["population"][template])
        group["label"] = name
        where = ("population", key)
        if fit.renewal is not None:
            source = sources.get(fit.renewal_source, fit.renewal_source)
            alpha, beta = shapes(fit.renewal.alpha, fit.renewal.beta)
            group["renewal"] = {"alpha": alpha, "beta": beta}
            said = f"fitted from {source}, {fit.renewal.n_accounts:,} accounts{dated}"
            if not fit.renewal.identified:
                said += " (its spread not pinned by the data: first-renewal churn only)"
            notes[(*where, "renewal", "alpha")] = said
            notes[(*where, "renewal", "beta")] = said
        group["initial_customers"] = len(fit.book)
        group.pop("initial_arr_total", None)
        notes[(*where, "initial_customers")] = f"under contract{dated} in {accounts}"
        book.extend(
            {
                "account_id": a.account_id,
                "group": key,
                "arr": a.arr,
                "renewals": a.renewals,
                "renewal_in_days": a.next_renewal_days,
                "trained": a.trained,
            }
            for a in fit.book
        )
        if len(arrs):
            positive = arrs[arrs > 0]
            if len(positive) >= 2:
                mean, sd = float(positive.mean()), float(positive.std(ddof=1))
                group["arr"] = {"kind": "lognormal", "mean": mean, "cv": min(sd / mean, MAX_CV)}
                group["arr_band"] = [math.floor(positive.min()), math.ceil(positive.max()) + 1]
                notes[(*where, "arr", "mean")] = f"mean ARR of {len(positive):,} accounts"
        if fit.expansion is not None:
            law = fit.expansion
            group["expansion"] = {
                "mean_log_change": log_change_in_bounds(law.mean_log_change),
                "sd": min(law.sd, MAX_LOG_SD),
            }
            said = (
                f"fitted from {sources.get('arr_history', 'the ARR history')}, "
                f"{law.changes:,} renewals{dated}"
            )
            notes[(*where, "expansion", "mean_log_change")] = said
            notes[(*where, "expansion", "sd")] = said
        if fit.new_logos is not None:
            group["new_logos_per_year"] = float(fit.new_logos)
            group.pop("new_logo_growth_per_month", None)
            notes[(*where, "new_logos_per_year")] = f"started in the year before {as_of}"
        rate = fit.case_rate
        if rate is not None and "cases" in fitted[key]:
            group["cases_per_year"] = rate.cases_per_year
            notes[(*where, "cases_per_year")] = (
                f"{rate.cases:,} tickets over {rate.customer_years:,.0f} customer-years in "
                f"{sources.get('tickets', 'the tickets')}"
            )
        population[key] = group
    data["population"] = population
    data["initial_book"] = {**data.get("initial_book", {}), "accounts": book}
    notes[("initial_book", "accounts")] = f"the accounts under contract{dated} in {accounts}"
    data["name"] = f"{base.name}_calibrated"
    data["description"] = f"{base.name} with the customer groups fitted from the exports{dated}"
    if calibration.handle_time is not None:
        law = calibration.handle_time
        data["support"]["handle_time"] = {
            "distribution": "lognormal",
            "mean_hours": law.mean_hours,
            "cv": min(law.cv, MAX_CV),
        }
        notes[("support", "handle_time", "mean_hours")] = (
            f"lognormal fitted to {law.tickets:,} tickets in {sources.get('tickets', 'tickets')}"
        )
    rule = data.get("segmentation") or {}
    rule.pop("previous", None)
    if rule.get("rule") == "group":
        tiers = rule.get("groups", {})
        rule["groups"] = {key: tiers.get(template) for key, template in placed.items()}
    data["segmentation"] = rule
    return data, notes


def annotated_yaml(data: dict[str, Any], notes: dict[tuple[str, ...], str], header: str) -> str:
    """`data` as YAML, each value the calibration set followed by a comment with its source."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    out, stack = [], []  # stack: (indent, key) of the mappings the line is in
    for line in text.splitlines():
        match = re.match(r"^(\s*)([^\s:#-][^:]*):(.*)$", line)
        if match:
            indent = len(match.group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            path = (*(k for _, k in stack), match.group(2).strip().strip("'\""))
            stack.append((indent, path[-1]))
            if path in notes and match.group(3).strip():
                line = f"{line}  # {notes[path]}"
        out.append(line)
    lines = textwrap.wrap(" ".join(header.split()), 96)
    comment = "".join(f"# {h}\n" for h in lines)
    return comment + "\n".join(out) + "\n"


def write_checked(data: dict[str, Any], source: str) -> Scenario:
    """The scenario validated (a `ScenarioError` names any field the calibration got wrong)."""
    return scenario_from_dict(data, source)


def anchored_scenario(
    base: Scenario,
    calibration: Calibration,
    sources: dict[str, str],
    anchor: bool = True,
    seed: int = 0,
) -> tuple[dict[str, Any], dict[tuple[str, ...], str], dict[str, Anchor]]:
    """`calibrated_scenario`, validated, and (unless `anchor` is False) anchored to the base's
    service (`simcs.calibration.anchor`): the mapping, its sources and each group's anchoring."""
    data, notes = calibrated_scenario(base, calibration, sources)
    scenario = write_checked(data, "scenario.yaml")
    if not anchor:
        return data, notes, {}
    scenario, anchors = anchored(scenario, fitted_parts(calibration), seed)
    out = scenario.model_dump(mode="json")
    for key, a in anchors.items():
        where = ("population", key)
        if a.beta_base != a.beta_fitted:
            notes[(*where, "renewal", "beta")] = (
                f"anchored: the fitted law (beta {a.beta_fitted:.4g}) under this scenario's "
                f"service, which multiplies churn odds by {a.odds_factor:.2f} (geometric mean)"
            )
        if (*where, "expansion", "mean_log_change") in notes:
            notes[(*where, "expansion", "mean_log_change")] += (
                f", less the service's shift {a.expansion_shift:+.4f}"
            )
        if (*where, "cases_per_year") in notes and a.desk_share != 1.0:
            notes[(*where, "cases_per_year")] += (
                f"; over the {a.desk_share:.1%} of cases that reach the desk (training, "
                "deflection, go-live)"
            )
    return out, notes, anchors
