"""`simcs calibrate` on a synthetic company with known laws: the fitted churn law, case rate and
handle time hold the truth inside their intervals, calibration.json has the documented shape,
a bad row stops it with file, line and column (exit 2, nothing written), and --lenient says
what it left out."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from simcs.cli import main

ALPHA, BETA, CASES_PER_YEAR, HANDLE_MINUTES = (
    {"smb": 1.2, "ent": 0.9},
    {"smb": 3.0, "ent": 6.0},
    3.0,
    40.0,
)
AS_OF = pd.Timestamp("2025-01-01")


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """accounts.csv (two groups, six years of starts) and tickets.csv (the last year)."""
    rng = np.random.default_rng(2024)
    folder = tmp_path_factory.mktemp("company")
    rows, tickets = [], []
    for group, n in (("smb", 2500), ("ent", 1500)):
        starts = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.uniform(0, 2190, n), unit="D")
        lifetime = np.minimum(rng.geometric(rng.beta(ALPHA[group], BETA[group], n)), 10)
        for k, (start, life) in enumerate(zip(starts.normalize(), lifetime, strict=True)):
            end = start + pd.DateOffset(years=int(life))
            account = f"{group}-{k}"
            rows.append(
                (
                    account,
                    f"{rng.lognormal(9.5, 0.4):.2f}",
                    start.date(),
                    end.date() if end <= AS_OF else "",
                    group,
                    f"name {k}",
                )
            )
            # tickets over 2024 while under contract
            begin, stop = max(start, pd.Timestamp("2024-01-01")), min(end, AS_OF)
            years = max(0.0, (stop - begin).days / 365.25)
            for offset in rng.uniform(0, years * 365.25, rng.poisson(CASES_PER_YEAR * years)):
                when = begin + pd.Timedelta(days=float(offset))
                sigma = 0.8
                minutes = rng.lognormal(math.log(HANDLE_MINUTES) - sigma**2 / 2, sigma)
                tickets.append((f"t{len(tickets)}", account, when.isoformat(), f"{minutes:.1f}"))
    pd.DataFrame(
        rows, columns=["account_id", "arr", "start_date", "end_date", "group", "name"]
    ).to_csv(folder / "accounts.csv", index=False)
    frame = pd.DataFrame(
        tickets, columns=["ticket_id", "account_id", "created_at", "handle_minutes"]
    )
    frame.loc[0, "created_at"] = "2024-01-01T00:00:00"  # the window opens on the first day
    frame.to_csv(folder / "tickets.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def calibrated(company: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The company calibrated as of 2025-01-01 with 3 periods projected: its folder and what
    the command printed."""
    out = tmp_path_factory.mktemp("calibrated") / "calibration"
    result = _invoke(
        "calibrate",
        "--accounts",
        str(company / "accounts.csv"),
        "--tickets",
        str(company / "tickets.csv"),
        "--as-of",
        "2025-01-01",
        "--project",
        "3",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_calibrate_recovers_the_company(calibrated: tuple[Path, str]) -> None:
    out, printed = calibrated
    assert "note: accounts.csv: column(s) name ignored" in printed
    doc = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == "2025-01-01" and set(doc["groups"]) == {"ent", "smb"}
    for name, group in doc["groups"].items():
        renewal = group["renewal"]
        assert renewal["alpha_ci95"][0] < ALPHA[name] < renewal["alpha_ci95"][1], renewal
        assert renewal["beta_ci95"][0] < BETA[name] < renewal["beta_ci95"][1], renewal
        observed, fitted = renewal["survival_observed"], renewal["survival_fitted"]
        assert len(observed) == len(fitted) >= 5 and len(renewal["survival_projected"]) == 3
        # the first renewals, where most accounts are at risk: the law follows the data
        assert max(abs(o - f) for o, f in zip(observed[:4], fitted[:4], strict=True)) < 0.03
        support = group["support"]
        low, high = support["cases_per_year_ci95"]
        assert low < CASES_PER_YEAR < high, support
        assert support["handle_time"]["distribution"] == "lognormal"
        assert support["handle_time"]["mean_hours"] == pytest.approx(HANDLE_MINUTES / 60, rel=0.1)
        assert group["book"]["customers"] > 0
    assert "name 1" not in (out / "calibration.json").read_text(encoding="utf-8")  # no names
    # the report: the fits against their data, every group in words
    page = (out / "calibration.html").read_text(encoding="utf-8")
    assert page.count("<img") == 3 and "smb: first-renewal churn" in page
    assert (out / "figures" / "survival_fit.png").exists()
    # anchored to the baseline's service: what it measured is kept and shown
    for group in doc["groups"].values():
        anchor = group["anchor"]
        assert 0 < anchor["desk_share"] <= 1 and anchor["renewals_measured"] > 0
        assert anchor["churn_odds_factor"] == pytest.approx(math.exp(anchor["log_odds_mean"]))
    assert "Anchored to the base" in page and "Mean log change" not in page  # no ARR history
    assert "anchored: smb: the service multiplies churn odds by" in printed


def test_without_anchoring_the_fitted_laws_go_in_as_they_are(company: Path, tmp_path: Path) -> None:
    import simcs

    out = tmp_path / "plain"
    result = _invoke("calibrate", "--accounts", str(company / "accounts.csv"), "--as-of",
                     "2025-01-01", "--no-anchor", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "anchored:" not in result.output
    doc = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    scenario = simcs.load_scenario(out / "scenario.yaml")
    for name, group in scenario.population.items():
        assert "anchor" not in doc["groups"][name]
        assert group.renewal.beta == pytest.approx(doc["groups"][name]["renewal"]["beta"])


def test_a_bad_row_stops_it_and_nothing_is_written(company: Path, tmp_path: Path) -> None:
    accounts = (company / "accounts.csv").read_text(encoding="utf-8").splitlines()
    accounts[5] = accounts[5].replace(accounts[5].split(",")[1], "-12", 1)
    bad = tmp_path / "accounts.csv"
    bad.write_text("\n".join(accounts) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _invoke("calibrate", "--accounts", str(bad), "--out", str(out))
    assert result.exit_code == 2
    assert f"{bad}: 1 problem(s)" in result.output
    assert "line 6, column arr: not an amount in dollars >= 0 ('-12')" in result.output
    assert "Traceback" not in result.output and not out.exists()
    lenient = _invoke("calibrate", "--accounts", str(bad), "--lenient", "--out", str(out))
    assert lenient.exit_code == 0, (lenient.output, lenient.exc_info)
    assert "left out: 1 row(s): not an amount in dollars >= 0" in lenient.output
    doc = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert doc["skipped_rows"] == {"accounts.csv": {"not an amount in dollars >= 0": 1}}


def test_a_cohort_table_alone(tmp_path: Path) -> None:
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_text(
        "group,period,alive\nall,0,1000\nall,1,780\nall,2,660\nall,3,585\nall,4,530\n",
        encoding="utf-8",
    )
    result = _invoke("calibrate", "--cohorts", str(cohorts), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "o" / "calibration.json").read_text(encoding="utf-8"))
    renewal = doc["groups"]["all"]["renewal"]
    assert renewal["survival_observed"] == pytest.approx([0.78, 0.66, 0.585, 0.53])
    assert renewal["source"] == "cohorts.csv" and renewal["n_accounts"] == 1000
    assert doc["as_of"] is None
    assert (
        "no handle times" in (tmp_path / "o" / "calibration.html").read_text(encoding="utf-8")
        or (tmp_path / "o" / "figures" / "handle_time_fit.svg").exists()
    )
    assert doc["groups"]["all"]["support"] is None


def test_arguments_that_cannot_work() -> None:
    assert _invoke("calibrate", "--out", "x").exit_code == 2
    assert _invoke("calibrate", "--tickets", "t.csv", "--out", "x").exit_code == 2


def test_the_calibrated_scenario_validates_runs_and_says_its_sources(
    calibrated: tuple[Path, str],
) -> None:
    import simcs
    from simcs.simulation.replication import simulate

    out, _ = calibrated
    text = (out / "scenario.yaml").read_text(encoding="utf-8")
    doc = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert "# fitted from accounts.csv" in text and "as of 2025-01-01" in text
    assert "accounts: book.csv" in text and (out / "book.csv").is_file()
    assert "tickets over" in text and "lognormal fitted to" in text
    scenario = simcs.load_scenario(out / "scenario.yaml")
    assert set(scenario.population) == {"ent", "smb"}
    for name, group in scenario.population.items():
        fitted = doc["groups"][name]
        assert group.renewal.alpha == pytest.approx(fitted["renewal"]["alpha"])
        assert group.initial_customers == fitted["book"]["customers"]
        accounts = [a for a in scenario.initial_book.accounts or [] if a.group == name]
        assert sum(a.arr for a in accounts) == pytest.approx(fitted["book"]["arr"])
        # anchored: the group files more cases than reach the desk (training, deflection)
        assert group.cases_per_year > fitted["support"]["cases_per_year"]
    assert scenario.support.handle_time.mean_hours == pytest.approx(
        doc["handle_time"]["mean_hours"]
    )
    # it runs: one year, and its book starts with the real customers and ARR
    one = simulate(scenario.model_copy(update={"horizon_years": 1}), seed=1)
    book = one.metrics[1]["all"]
    assert book["customers_start"] == sum(g["book"]["customers"] for g in doc["groups"].values())
    assert book["arr_start"] == pytest.approx(sum(g["book"]["arr"] for g in doc["groups"].values()))
    # and the tickets that reach its desk come at the fitted rate per customer-year
    for name in scenario.population:
        sums = {q: 0.0 for q in ("support_cases", "support_deflected", "customer_years")}
        for (_, cell, quantity), value in one.ledger.sums.items():
            if cell.endswith(f"|{name}") and quantity in sums:
                sums[quantity] += value
        desk = sums["support_cases"] - sums["support_deflected"]
        rate = doc["groups"][name]["support"]["cases_per_year"]
        assert desk / sums["customer_years"] == pytest.approx(rate, rel=0.06), name
