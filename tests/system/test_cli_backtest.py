"""`simcs backtest` on the shipped example (Acme): fitted on the history to mid-2024, the model
predicts the year that followed -- each figure inside its 95% prediction interval but about one
in twenty -- and the files say so; bad dates and bad rows stop it with a clear message."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simcs.cli import main

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"
EXPORTS = [
    "--accounts", str(ACME / "accounts.csv"),
    "--tickets", str(ACME / "tickets.csv"),
    "--arr-history", str(ACME / "arr_history.csv"),
]  # fmt: skip


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["backtest", *args])


@pytest.fixture(scope="module")
def one_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("backtest")
    args = [*EXPORTS, "--as-of", "2024-06-30", "--until", "2025-06-30", "-n", "10", "-w", "1"]
    result = _invoke(*args, "--out", str(out))
    return out, result


def test_the_example_back_test_predicts_the_year_that_followed(
    one_year: tuple[Path, Result],
) -> None:
    out, result = one_year
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert (doc["as_of"], doc["until"], doc["years"], doc["replications"]) == (
        "2024-06-30", "2025-06-30", 1, 10
    )  # fmt: skip
    rows = doc["comparisons"]
    groups = {r["group"] for r in rows}
    assert groups == {"SMB", "Mid-Market", "Enterprise", "All"}
    measures = {r["measure"] for r in rows}
    assert measures == {"churned_accounts", "logo_retention", "grr", "nrr", "customers_end",
                        "support_tickets"}  # fmt: skip
    assert len(rows) == 24 and doc["figures"] == 24
    # what the anchoring measured: the baseline's service lowers every group's churn odds
    assert set(doc["anchors"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert all(0 < a["churn_odds_factor"] < 1 for a in doc["anchors"].values())
    for r in rows:
        low, high = r["prediction_interval95"]
        assert low <= r["predicted_mean"] <= high
        assert r["inside"] == (low <= r["actual"] <= high)
    # what really happened, counted from the exports independently of the back-test
    smb = {r["measure"]: r for r in rows if r["group"] == "SMB"}
    assert smb["churned_accounts"]["actual"] == 284 and smb["customers_end"]["actual"] == 1503
    # the model predicts: about 1 in 20 may fall outside, and none of the whole book's
    assert doc["inside"] >= 22, [r for r in rows if not r["inside"]]
    assert all(r["inside"] for r in rows if r["group"] == "All")
    assert f"{doc['inside']} of 24 actual figures inside" in result.output
    with (out / "backtest.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 24


def test_a_back_test_run_again_reads_its_replications_back(one_year: tuple[Path, Result]) -> None:
    out, _ = one_year
    before = (out / "backtest.json").read_bytes()
    args = [*EXPORTS, "--as-of", "2024-06-30", "--until", "2025-06-30", "-n", "10", "-w", "2"]
    again = _invoke(*args, "--out", str(out))
    assert again.exit_code == 0, again.output
    assert (out / "backtest.json").read_bytes() == before  # same bytes, any worker count


@pytest.mark.parametrize(
    ("until", "phrase"),
    [
        ("2025-03-31", "not a whole number of years after --as-of 2024-06-30"),
        ("2026-06-30", "after the latest date in accounts.csv"),
    ],
)
def test_dates_a_back_test_cannot_use_are_refused(tmp_path: Path, until: str, phrase: str) -> None:
    result = _invoke(*EXPORTS, "--as-of", "2024-06-30", "--until", until, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert phrase in result.output
    assert not (tmp_path / "backtest.json").exists()


def _broken(folder: Path, column: int, value: str) -> Path:
    """Acme's accounts.csv with one cell of line 5 replaced."""
    lines = (ACME / "accounts.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[4].split(",")
    fields[column] = value
    lines[4] = ",".join(fields)
    broken = folder / "accounts.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return broken


def test_a_bad_row_stops_the_back_test_naming_line_and_column(tmp_path: Path) -> None:
    broken = _broken(tmp_path, 3, "30/02/2021")  # start_date
    result = _invoke("--accounts", str(broken), "--as-of", "2024-06-30", "--until", "2025-06-30",
                     "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 2
    assert "line 5, column start_date" in result.output
    assert not (tmp_path / "out" / "backtest.json").exists()


def test_lenient_leaves_bad_rows_out_and_says_so(tmp_path: Path) -> None:
    broken = _broken(tmp_path, 2, "-12")  # arr
    out = tmp_path / "out"
    result = _invoke("--accounts", str(broken), "--lenient", "--as-of", "2024-06-30",
                     "--until", "2025-06-30", "-n", "2", "-w", "1", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "left out: 1 row(s): not an amount in dollars >= 0" in result.output
    doc = json.loads((out / "backtest.json").read_text(encoding="utf-8"))
    assert doc["skipped_rows"] == {"accounts.csv": {"not an amount in dollars >= 0": 1}}
    assert any("GRR and NRR left out" in n for n in doc["notes"])


def test_a_cut_off_before_any_history_is_refused(tmp_path: Path) -> None:
    result = _invoke(*EXPORTS, "--as-of", "2015-01-01", "--until", "2016-01-01",
                     "--out", str(tmp_path))  # fmt: skip
    assert result.exit_code == 2
    assert "no account of accounts.csv had started by 2015-01-01" in result.output
