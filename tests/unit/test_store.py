"""Tests for the crash-safe result store (`simcs.simulation.store`) and how `run_experiment` resumes
from it.

A stored replication is used only if it is intact: a row whose JSON (rows or series) was altered
behind the store's back (checksum no longer matching), truncated, or replaced by garbage is
reported missing by both `get()` and `done()`, and `run_experiment` recomputes it to the very same
rows. Keys never mix: another scenario hash, variant or seed is another replication. A store
written before series were kept counts as empty. A store busy in another connection is waited
for, not failed on.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import yaml

from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.records import Row, SeriesRow
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_from_dict, with_overrides
from simcs.simulation.runner import stored_key
from simcs.simulation.store import OLD_TABLE, ResultStore

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

H1 = "a" * 64
H2 = "b" * 64

ROWS: list[Row] = [
    (3, 1, "strategic", "grr", 0.875),
    (3, 1, "strategic", "nrr", float("nan")),
    (3, 2, "all", "cost_per_customer", 12345.678901234567),
    (3, 2, "all", "support_wait_hours_mean", 0.0),
    (3, 2, "smb", "grr", 1e-300),
]


SERIES: list[SeriesRow] = [
    (3, 1, "support", 0.10333654134833176, 0.5472918373364838, 6, 5.5, 1, 0, 0, 1e5, 6, 0, 0),
    (3, 1, "implementation", 0.0, float("nan"), 4, 4.0, 0, 1, 1, 5e4, 5, 1, 0),
    (3, 2, "education", 2, 1.0, 1, 1.0, 0, 0, 0, 0.0, 1, 0, 0),  # an int stays an int
]


def _digest(rows_json: str, series_json: str) -> str:
    return hashlib.sha256(f"{rows_json}\n{series_json}".encode()).hexdigest()


def _canon(rows: list[Row]) -> list[tuple[object, ...]]:
    """Rows with NaN made comparable (NaN != NaN), floats compared exactly."""
    return [(r, y, t, m, "nan" if math.isnan(v) else v) for r, y, t, m, v in rows]


def _canon_series(series: list[SeriesRow]) -> list[tuple[object, ...]]:
    return [
        tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in p) for p in series
    ]


def _rows(replication: int, value: float) -> list[Row]:
    return [(replication, 1, "all", "grr", value), (replication, 1, "all", "nrr", value + 1)]


def _sql(path: Path, statement: str, params: tuple[object, ...]) -> int:
    """Run one statement on the store's file directly, as another program would."""
    db = sqlite3.connect(path)
    try:
        changed = db.execute(statement, params).rowcount
        db.commit()
    finally:
        db.close()
    return changed


# ----------------------------------------------------------------------------- the store


def test_put_get_round_trip_keeps_values_and_nan(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 7, 3, ROWS)
        got = store.get(H1, "base", 7, 3)
    assert got is not None
    assert _canon(got) == _canon(ROWS)
    assert math.isnan(got[1][4])
    assert all(type(v) is float for *_, v in got)
    # committed before put() returned: a new connection (a resumed run) sees it
    with ResultStore(path) as store:
        again = store.get(H1, "base", 7, 3)
    assert again is not None and _canon(again) == _canon(ROWS)


def test_put_replaces_an_existing_row(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "store.sqlite") as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.1))
        store.put(H1, "base", 0, 0, _rows(0, 0.2))
        assert store.get(H1, "base", 0, 0) == _rows(0, 0.2)
        assert store.done(H1, "base", 0) == {0}


def test_done_lists_the_intact_replications(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "store.sqlite") as store:
        assert store.done(H1, "base", 0) == set()
        for r in (0, 1, 4, 9):
            store.put(H1, "base", 0, r, _rows(r, 0.5))
        assert store.done(H1, "base", 0) == {0, 1, 4, 9}
        assert store.get(H1, "base", 0, 2) is None


def test_keys_never_mix(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "store.sqlite") as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.1))
        store.put(H2, "base", 0, 0, _rows(0, 0.2))
        store.put(H1, "more_support", 0, 0, _rows(0, 0.3))
        store.put(H1, "base", 1, 0, _rows(0, 0.4))
        assert store.get(H1, "base", 0, 0) == _rows(0, 0.1)
        assert store.get(H2, "base", 0, 0) == _rows(0, 0.2)
        assert store.get(H1, "more_support", 0, 0) == _rows(0, 0.3)
        assert store.get(H1, "base", 1, 0) == _rows(0, 0.4)
        # a key that was never written is missing, whatever is stored next to it
        assert store.get(H2, "more_support", 0, 0) is None
        assert store.get(H2, "base", 1, 0) is None
        assert store.get(H1, "base", 2, 0) is None
        assert store.get(H1, "Base", 0, 0) is None
        store.put(H1, "base", 0, 5, _rows(5, 0.6))
        assert store.done(H1, "base", 0) == {0, 5}
        assert store.done(H2, "base", 0) == {0}
        assert store.done(H1, "more_support", 0) == {0}
        assert store.done(H1, "base", 1) == {0}
        assert store.done(H2, "more_support", 1) == set()


def test_rows_in_replication_order_and_keyerror_when_missing(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "store.sqlite") as store:
        for r in (2, 0, 1):
            store.put(H1, "base", 0, r, _rows(r, r / 10))
        assert store.rows(H1, "base", 0, [2, 1, 0]) == _rows(0, 0.0) + _rows(1, 0.1) + _rows(2, 0.2)
        assert store.rows(H1, "base", 0, []) == []
        with pytest.raises(KeyError, match="replication 3"):
            store.rows(H1, "base", 0, range(4))
        with pytest.raises(KeyError):
            store.rows(H1, "other", 0, [0])
        with pytest.raises(KeyError):
            store.rows(H2, "base", 0, [0])


ALTERATIONS = {
    # the JSON is edited, the old checksum kept: a silent change
    "value_edited": lambda text: text.replace("0.5", "0.25", 1),
    # a torn write: half of the text
    "truncated": lambda text: text[: len(text) // 2],
    "garbage": lambda text: "\x00garbage{{[",
    "empty": lambda text: "",
}


@pytest.mark.parametrize("how", sorted(ALTERATIONS))
def test_an_altered_row_is_missing(tmp_path: Path, how: str) -> None:
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        for r in range(3):
            store.put(H1, "base", 0, r, _rows(r, 0.5))
    db = sqlite3.connect(path)
    (text,) = db.execute("SELECT rows_json FROM replications WHERE replication = 1").fetchone()
    db.close()
    altered = ALTERATIONS[how](text)
    assert altered != text
    changed = _sql(
        path, "UPDATE replications SET rows_json = ? WHERE replication = ?", (altered, 1)
    )
    assert changed == 1
    with ResultStore(path) as store:
        assert store.get(H1, "base", 0, 1) is None
        assert store.done(H1, "base", 0) == {0, 2}
        assert store.get(H1, "base", 0, 0) == _rows(0, 0.5)
        with pytest.raises(KeyError):
            store.rows(H1, "base", 0, range(3))
        # rewriting it makes it whole again
        store.put(H1, "base", 0, 1, _rows(1, 0.5))
        assert store.done(H1, "base", 0) == {0, 1, 2}


def test_an_altered_checksum_makes_the_row_missing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.5))
    _sql(path, "UPDATE replications SET outputs_sha256 = ?", ("0" * 64,))
    with ResultStore(path) as store:
        assert store.get(H1, "base", 0, 0) is None
        assert store.done(H1, "base", 0) == set()


def test_a_blob_instead_of_text_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.5))
    db = sqlite3.connect(path)
    (text, series, digest) = db.execute(
        "SELECT rows_json, series_json, outputs_sha256 FROM replications"
    ).fetchone()
    db.close()
    assert digest == _digest(text, series)
    _sql(path, "UPDATE replications SET rows_json = ?", (text.encode(),))
    with ResultStore(path) as store:
        assert store.get(H1, "base", 0, 0) is None
        assert store.done(H1, "base", 0) == set()


@pytest.mark.parametrize("text", ["not json", '[[0, 1, "all", "grr", "x"]]'])
def test_done_agrees_with_get_on_undecodable_rows(tmp_path: Path, text: str) -> None:
    """A row whose checksum matches but whose JSON is not rows: get() says missing, so done()
    must not list it either (run_experiment trusts done() and then reads every row with rows())."""
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.5))
    _sql(
        path,
        "UPDATE replications SET rows_json = ?, outputs_sha256 = ?",
        (text, _digest(text, "[]")),
    )
    with ResultStore(path) as store:
        assert store.get(H1, "base", 0, 0) is None
        assert store.done(H1, "base", 0) == set()


def test_series_round_trip_exactly(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 7, 3, ROWS, SERIES)
    with ResultStore(path) as store:
        got = store.record(H1, "base", 7, 3)
        assert got is not None
        rows, series = got
        assert _canon(rows) == _canon(ROWS)
        assert _canon_series(series) == _canon_series(SERIES)
        # printed as they were made: repr of what comes back is repr of what went in
        assert [repr(p[3]) for p in series] == ["0.10333654134833176", "0.0", "2"]
        assert _canon_series(store.outputs(H1, "base", 7, [3])[1]) == _canon_series(SERIES)


@pytest.mark.parametrize("how", ["value_edited", "truncated", "garbage", "empty"])
def test_an_altered_series_makes_the_replication_missing(tmp_path: Path, how: str) -> None:
    """The checksum covers the series too: editing only the series is caught."""
    path = tmp_path / "store.sqlite"
    series = [(0, 1, "support", 0.5, 0.75, 1, 1.0, 0, 0, 0, 0.0, 1, 0, 0)]
    with ResultStore(path) as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.5), series)
    text = _stored_json(path, "base", 0, "series_json")
    altered = ALTERATIONS[how](text)
    assert altered != text
    _sql(path, "UPDATE replications SET series_json = ?", (altered,))
    with ResultStore(path) as store:
        assert store.record(H1, "base", 0, 0) is None
        assert store.get(H1, "base", 0, 0) is None
        assert store.done(H1, "base", 0) == set()


def test_a_store_from_before_series_counts_as_empty(tmp_path: Path) -> None:
    """The old layout (rows only, checksum of the rows) is set aside, never read as results."""
    path = tmp_path / "store.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE replications (scenario_sha256 TEXT NOT NULL, variant TEXT NOT NULL, "
        "seed INTEGER NOT NULL, replication INTEGER NOT NULL, rows_json TEXT NOT NULL, "
        "rows_sha256 TEXT NOT NULL, PRIMARY KEY (scenario_sha256, variant, seed, replication))"
    )
    text = '[[0,1,"all","grr",0.5]]'
    db.execute(
        "INSERT INTO replications VALUES (?, ?, ?, ?, ?, ?)",
        (H1, "base", 0, 0, text, hashlib.sha256(text.encode()).hexdigest()),
    )
    db.commit()
    db.close()
    with ResultStore(path) as store:
        assert store.done(H1, "base", 0) == set()
        assert store.get(H1, "base", 0, 0) is None
        store.put(
            H1,
            "base",
            0,
            0,
            _rows(0, 0.25),
            [(0, 1, "support", 0.0, 0.5, 1, 1.0, 0, 0, 0, 0.0, 1, 0, 0)],
        )
        assert store.get(H1, "base", 0, 0) == _rows(0, 0.25)
    db = sqlite3.connect(path)
    (kept,) = db.execute(f"SELECT COUNT(*) FROM {OLD_TABLE}").fetchone()
    db.close()
    assert kept == 1  # the old rows are kept aside, not destroyed


def test_a_busy_database_is_waited_for(tmp_path: Path) -> None:
    """Another connection holds the write lock for a while: put() waits, then commits."""
    path = tmp_path / "store.sqlite"
    with ResultStore(path) as store:
        store.put(H1, "base", 0, 0, _rows(0, 0.1))
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")
        release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        try:
            store.put(H1, "base", 0, 1, _rows(1, 0.2))
            assert store.done(H1, "base", 0) == {0, 1}
        finally:
            release.join()
            other.close()
        assert time.monotonic() - started >= 0.4  # it really had to wait


# ----------------------------------------------------------------------------- run_experiment


def _tiny() -> Scenario:
    """The baseline at ~5% of its customers over one year: a replication takes ~0.1 s."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "tiny_store"
    data["horizon_years"] = 1
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.05))
        group["initial_arr_total"] = None
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def plan() -> Experiment:
    base = _tiny()
    scenarios = {
        "base": base,
        "lean_support": with_overrides(base, {"staff.support.headcount": 2}),
    }
    return Experiment(
        name="store_test",
        scenarios=scenarios,
        reference="base",
        replications=3,
        seed=11,
        metrics=["grr", "nrr", "cost_per_customer"],
        tiers=[*base.tiers, "all"],
    )


@pytest.fixture(scope="module")
def untouched(plan: Experiment, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Row]]:
    """The rows of an uninterrupted run of the plan, from an empty store."""
    result = run_experiment(plan, tmp_path_factory.mktemp("untouched") / "results.sqlite")
    assert result.computed == 6 and result.reused == 0
    return result.rows


def _canon_all(rows: dict[str, list[Row]]) -> dict[str, list[tuple[object, ...]]]:
    return {v: _canon(r) for v, r in rows.items()}


def _finished_store(plan: Experiment, folder: Path) -> Path:
    path = folder / "results.sqlite"
    result = run_experiment(plan, path)
    assert result.computed == 6
    return path


def _replace_json(
    path: Path, variant: str, replication: int, text: str, digest: str | None
) -> None:
    if digest is None:  # keep the old checksum
        changed = _sql(
            path,
            "UPDATE replications SET rows_json = ? WHERE variant = ? AND replication = ?",
            (text, variant, replication),
        )
    else:
        changed = _sql(
            path,
            "UPDATE replications SET rows_json = ?, outputs_sha256 = ? "
            "WHERE variant = ? AND replication = ?",
            (text, digest, variant, replication),
        )
    assert changed == 1


def _stored_json(path: Path, variant: str, replication: int, column: str = "rows_json") -> str:
    db = sqlite3.connect(path)
    try:
        (text,) = db.execute(
            f"SELECT {column} FROM replications WHERE variant = ? AND replication = ?",
            (variant, replication),
        ).fetchone()
    finally:
        db.close()
    return text


@pytest.mark.parametrize("how", ["value_edited", "truncated", "garbage"])
def test_run_plan_recomputes_an_altered_row(
    plan: Experiment, untouched: dict[str, list[Row]], tmp_path: Path, how: str
) -> None:
    path = _finished_store(plan, tmp_path)
    text = _stored_json(path, "lean_support", 1)
    if how == "value_edited":
        # change one stored number: the first value of the row
        head, sep, tail = text.partition('"grr",')
        assert sep, text[:200]
        altered = head + sep + "0.123456789" + tail[tail.index("]") :]
    else:
        altered = ALTERATIONS[how](text)
    assert altered != text
    _replace_json(path, "lean_support", 1, altered, None)
    with ResultStore(path) as store:
        sha = stored_key(plan.scenarios["lean_support"])
        assert store.get(sha, "lean_support", plan.seed, 1) is None
        assert store.done(sha, "lean_support", plan.seed) == {0, 2}
    result = run_experiment(plan, path)
    assert (result.computed, result.reused) == (1, 5)
    assert _canon_all(result.rows) == _canon_all(untouched)
    assert _stored_json(path, "lean_support", 1) == text
    # and now nothing is left to do
    again = run_experiment(plan, path)
    assert (again.computed, again.reused) == (0, 6)
    assert _canon_all(again.rows) == _canon_all(untouched)


def test_run_plan_recomputes_an_undecodable_row_with_a_valid_checksum(
    plan: Experiment, untouched: dict[str, list[Row]], tmp_path: Path
) -> None:
    """Rows that get() refuses must be recomputed, not end the run with a KeyError."""
    path = _finished_store(plan, tmp_path)
    text = "not json"
    _replace_json(
        path, "base", 2, text, _digest(text, _stored_json(path, "base", 2, "series_json"))
    )
    result = run_experiment(plan, path)
    assert (result.computed, result.reused) == (1, 5)
    assert _canon_all(result.rows) == _canon_all(untouched)


def test_run_plan_never_reuses_another_scenario_or_seed(
    plan: Experiment, untouched: dict[str, list[Row]], tmp_path: Path
) -> None:
    path = _finished_store(plan, tmp_path)
    other_seed = Experiment(
        name=plan.name,
        scenarios=plan.scenarios,
        reference=plan.reference,
        replications=plan.replications,
        seed=plan.seed + 1,
        metrics=plan.metrics,
        tiers=plan.tiers,
    )
    result = run_experiment(other_seed, path)
    assert (result.computed, result.reused) == (6, 0)
    assert _canon_all(result.rows) != _canon_all(untouched)
    changed = Experiment(
        name=plan.name,
        scenarios={
            v: with_overrides(s, {"staff.support.ote": 71000}) for v, s in plan.scenarios.items()
        },
        reference=plan.reference,
        replications=plan.replications,
        seed=plan.seed,
        metrics=plan.metrics,
        tiers=plan.tiers,
    )
    result = run_experiment(changed, path)
    assert (result.computed, result.reused) == (6, 0)
    # the original plan still finds all of its own rows, untouched
    again = run_experiment(plan, path)
    assert (again.computed, again.reused) == (0, 6)
    assert _canon_all(again.rows) == _canon_all(untouched)
