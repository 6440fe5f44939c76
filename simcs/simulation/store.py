"""A crash-safe store of finished replications: SQLite, one committed row per replication.

Each row is keyed by (scenario hash, variant, seed, replication) and holds the replication's
tidy rows and monthly pool series as JSON, with one SHA-256 over both. A run that is killed
loses at most the replications in flight; a re-run finds what is done and computes only the
rest. A row whose checksum does not match (a torn or corrupted write) is treated as missing and
recomputed, never used. A changed scenario has a different hash, so old results never mix with
new ones. A store written before series were kept has its old table set aside
(`replications_v1`), so all of its replications count as missing.

Writes take SQLite's write lock up front (`BEGIN IMMEDIATE`) and every statement is retried
while another connection holds the database busy, so a store shared by several processes never
fails on a transient lock.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from simcs.records import SERIES_VALUES, Row, SeriesRow
from simcs.simulation.lock import hold_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS replications (
    scenario_sha256 TEXT NOT NULL,
    variant TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    rows_json TEXT NOT NULL,
    series_json TEXT NOT NULL,
    outputs_sha256 TEXT NOT NULL,
    PRIMARY KEY (scenario_sha256, variant, seed, replication)
)
"""
#: the table of a store from before series were kept
OLD_TABLE = "replications_v1"
#: seconds a statement keeps retrying while the database is busy or locked
BUSY_SECONDS = 120.0

T = TypeVar("T")
Record = tuple[list[Row], list[SeriesRow]]


def _finite(x: float | int) -> float | int | None:
    # NaN (an undefined metric) is stored as null: JSON has no NaN
    return None if isinstance(x, float) and math.isnan(x) else x


def _number(x: object) -> float | int:
    if x is None:
        return float("nan")
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"not a number: {x!r}")
    return x


def _encode(rows: Sequence[Row], series: Sequence[SeriesRow]) -> tuple[str, str]:
    rows_json = json.dumps(
        [[r, y, t, m, _finite(v)] for r, y, t, m, v in rows], separators=(",", ":")
    )
    series_json = json.dumps(
        [[r, mo, p, *(_finite(x) for x in values)] for r, mo, p, *values in series],
        separators=(",", ":"),
    )
    return rows_json, series_json


def _decode(rows_json: str, series_json: str) -> Record:
    """The stored record; numbers keep their JSON type (3 stays an int, 3.0 a float), so a
    value read back prints exactly as the replication made it."""
    rows = [(int(r), int(y), str(t), str(m), _number(v)) for r, y, t, m, v in json.loads(rows_json)]
    series = []
    for r, mo, p, *values in json.loads(series_json):
        if len(values) != SERIES_VALUES:
            raise ValueError("a series point of an older shape")
        series.append((int(r), int(mo), str(p), *(_number(x) for x in values)))
    return rows, series  # type: ignore[return-value]


def _digest(rows_json: str, series_json: str) -> str:
    return hashlib.sha256(f"{rows_json}\n{series_json}".encode()).hexdigest()


def _intact(rows_json: object, series_json: object, digest: object) -> Record | None:
    """The rows and series of a stored record, or None unless its checksum matches and it
    decodes."""
    if not isinstance(rows_json, str) or not isinstance(series_json, str):
        return None
    if _digest(rows_json, series_json) != digest:
        return None
    try:
        return _decode(rows_json, series_json)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class ResultStore:
    """Finished replications on disk (`path`, an SQLite file).

    Opening it holds the folder's lock (`simcs.simulation.lock`) until `close()`, so no other
    simcs process writes the same folder meanwhile.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = hold_folder(self.path.parent)
        self._lock.__enter__()
        try:
            self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            self._retry(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=FULL")
            self._write(self._create)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise

    def _create(self) -> None:
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(replications)")}
        if columns and "series_json" not in columns:  # written before series were kept
            self._db.execute(f"DROP TABLE IF EXISTS {OLD_TABLE}")
            self._db.execute(f"ALTER TABLE replications RENAME TO {OLD_TABLE}")
        self._db.execute(SCHEMA)

    def _retry(self, action: Callable[[], T]) -> T:
        """`action()`, again after a short pause while the database is busy (doubling, and
        spread by process id so that two waiting processes do not retry in step; no random
        state is touched)."""
        deadline = time.monotonic() + BUSY_SECONDS
        pause = 0.01
        spread = 1 + (os.getpid() % 100) / 100
        while True:
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline:
                    raise
            time.sleep(pause * spread)
            pause = min(pause * 2, 1.0)

    def _write(self, change: Callable[[], None]) -> None:
        """Run `change` in one transaction that holds the write lock from its start."""

        def attempt() -> None:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                change()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

        self._retry(attempt)

    def close(self) -> None:
        """Close the database and let go of the folder."""
        try:
            self._db.close()
        finally:
            self._lock.__exit__(None, None, None)

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(
        self,
        scenario_sha256: str,
        variant: str,
        seed: int,
        replication: int,
        rows: Sequence[Row],
        series: Sequence[SeriesRow] = (),
    ) -> None:
        """Record one finished replication, committed before returning."""
        rows_json, series_json = _encode(rows, series)
        values = (
            scenario_sha256,
            variant,
            seed,
            replication,
            rows_json,
            series_json,
            _digest(rows_json, series_json),
        )
        self._write(
            lambda: self._db.execute(
                "INSERT OR REPLACE INTO replications VALUES (?, ?, ?, ?, ?, ?, ?)", values
            )
        )

    def record(
        self, scenario_sha256: str, variant: str, seed: int, replication: int
    ) -> Record | None:
        """The replication's (rows, series), or None if missing or corrupt."""
        found = self._retry(
            lambda: self._db.execute(
                "SELECT rows_json, series_json, outputs_sha256 FROM replications "
                "WHERE scenario_sha256 = ? AND variant = ? AND seed = ? AND replication = ?",
                (scenario_sha256, variant, seed, replication),
            ).fetchone()
        )
        return None if found is None else _intact(*found)

    def get(
        self, scenario_sha256: str, variant: str, seed: int, replication: int
    ) -> list[Row] | None:
        """The replication's rows, or None if missing or corrupt."""
        found = self.record(scenario_sha256, variant, seed, replication)
        return None if found is None else found[0]

    def done(self, scenario_sha256: str, variant: str, seed: int) -> set[int]:
        """Replications of (scenario, variant, seed) stored intact."""
        stored = self._retry(
            lambda: self._db.execute(
                "SELECT replication, rows_json, series_json, outputs_sha256 FROM replications "
                "WHERE scenario_sha256 = ? AND variant = ? AND seed = ?",
                (scenario_sha256, variant, seed),
            ).fetchall()
        )
        return {int(replication) for replication, *record in stored if _intact(*record) is not None}

    def outputs(
        self, scenario_sha256: str, variant: str, seed: int, replications: Iterable[int]
    ) -> Record:
        """The rows and the series of the given replications, in replication order (all must
        be stored)."""
        rows: list[Row] = []
        series: list[SeriesRow] = []
        for r in sorted(replications):
            got = self.record(scenario_sha256, variant, seed, r)
            if got is None:
                raise KeyError(f"replication {r} of variant {variant!r} is not stored")
            rows.extend(got[0])
            series.extend(got[1])
        return rows, series

    def rows(
        self, scenario_sha256: str, variant: str, seed: int, replications: Iterable[int]
    ) -> list[Row]:
        """The rows of the given replications, in replication order (all must be stored)."""
        return self.outputs(scenario_sha256, variant, seed, replications)[0]
