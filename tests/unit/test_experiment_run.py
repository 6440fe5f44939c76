"""Running experiments: every variant stored, summaries, the precision loop, the monthly series."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import simcs
from simcs.catalogue import ALL
from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.records import SERIES_FIELDS
from simcs.reporting.experiment_files import write_experiment
from simcs.reporting.run_files import timeseries_csv as run_timeseries_csv
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 10, 1)


def _plan(small: Scenario, **kw: object) -> Experiment:
    variant = with_overrides(small, {"staff.csm.enterprise.headcount": 0})
    settings: dict = {
        "name": "p",
        "scenarios": {"base": small, "no_enterprise_csms": variant},
        "reference": "base",
        "replications": 4,
        "seed": 3,
        "metrics": ["cost_per_customer", "grr"],
        "tiers": ["enterprise", ALL],
    }
    settings.update(kw)
    return Experiment(**settings)


def test_every_variant_and_replication_is_run_and_compared(small: Scenario, tmp_path: Path) -> None:
    result = run_experiment(_plan(small), tmp_path / "s.sqlite", workers=2)
    assert result.computed == 8 and result.reused == 0
    assert list(result.rows) == ["base", "no_enterprise_csms"]
    assert {r[0] for r in result.rows["base"]} == set(range(4))
    # 1 variant x (2 metrics + economic value, delivery margin) x 2 tiers comparisons,
    # Holm-adjusted p never below the raw p
    assert len(result.comparisons) == 8
    assert all(c.p_holm >= c.p_value for c in result.comparisons)
    cost = next(c for c in result.comparisons if c.metric == "cost_per_customer" and c.tier == ALL)
    assert cost.difference.mean < 0 and cost.verdict == "better"  # no enterprise CSMs: cheaper


def test_precision_adds_replications_until_the_key_interval_is_narrow(
    small: Scenario, tmp_path: Path
) -> None:
    # one store: each run reads back the replications the one before computed (the same
    # numbers as computing them again) and simulates only those it adds
    store = tmp_path / "results.sqlite"
    loose = run_experiment(_plan(small), store, workers=2)
    target = loose.key_half_width() / 2  # needs about four times the replications
    result = run_experiment(_plan(small, precision=target, max_replications=60), store, workers=2)
    assert result.precision_met is True
    assert result.key_half_width() <= target
    assert result.replications > 4
    # and a cap that is too low stops the loop, saying the target was not met
    capped = run_experiment(
        _plan(small, precision=target / 100, max_replications=6), store, workers=2
    )
    assert capped.replications == 6 and capped.precision_met is False


def test_experiments_write_every_variants_monthly_series(small: Scenario, tmp_path: Path) -> None:
    """timeseries.csv: variant,replication,month,pool,... for every variant, and each variant's
    series is the very one a run of that scenario alone gives (the same engine)."""
    plan = _plan(small, replications=2)
    result = run_experiment(plan, tmp_path / "results.sqlite", workers=2)
    write_experiment(result, tmp_path)
    with (tmp_path / "timeseries.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:6] == ["variant", "replication", "month", "pool", "queue_length", "utilization"]
    assert rows[0][6:] == list(SERIES_FIELDS[2:])
    assert {(r[0], r[1]) for r in rows[1:]} == {
        (v, str(k)) for v in ("base", "no_enterprise_csms") for k in range(2)
    }
    alone = simcs.run(plan.scenarios["no_enterprise_csms"], replications=2, seed=3, workers=1)
    expected = run_timeseries_csv(alone).splitlines()[1:]
    got = [",".join(r[1:]) for r in rows[1:] if r[0] == "no_enterprise_csms"]
    assert got == expected


def test_every_experiment_ends_in_dollars(small: Scenario, tmp_path: Path) -> None:
    """A spec listing only GRR still compares economic value and delivery margin for every
    scope (Holm-adjusted with it), keeps GRR the key metric, and writes the bottom line and the
    return on staff to summary.json."""
    from simcs.reporting.experiment_files import summary_document
    from simcs.reporting.pages.money_headline import money_headlines

    plan = _plan(small, replications=2, metrics=["grr"])
    assert plan.metrics == ["grr", "economic_value", "delivery_margin"]
    assert plan.key_metric == "grr"
    assert _plan(small, metrics=["delivery_margin", "grr"]).metrics == [
        "delivery_margin",
        "grr",
        "economic_value",
    ]
    result = run_experiment(plan, tmp_path / "s.sqlite", workers=2)
    assert {(c.metric, c.tier) for c in result.comparisons} == {
        (m, t) for m in plan.metrics for t in ("enterprise", ALL)
    }
    assert all(c.verdict for c in result.comparisons)
    assert [(c.metric, c.tier) for c in result.parts] == [
        ("cost_total", ALL),
        ("subscription_revenue", ALL),
    ]
    (returns,) = result.returns
    assert returns.variant == "no_enterprise_csms" and returns.cost.mean < 0  # fewer CSMs
    doc = summary_document(result)
    assert doc["key_metric"] == "grr"
    assert doc["bottom_line"]["years"] == 1 and doc["bottom_line"]["discount_rate"] == 0.1
    assert doc["return_on_staff"][0]["variant"] == "no_enterprise_csms"
    (line,) = money_headlines(doc)
    assert line.startswith("no_enterprise_csms saves $")
    assert "over 1 year plus the book it leaves behind" in line and "against base (" in line
