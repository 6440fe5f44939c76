"""A crash-safe store of finished replications: SQLite, one committed row per replication.

Each row is keyed by (scenario hash, variant, seed, replication) and holds the replication's
tidy rows as JSON with their SHA-256. A run that is killed loses at most the replications in
flight; a re-run finds what is done and computes only the rest. A row whose checksum does not
match (a torn or corrupted write) is treated as missing and recomputed, never used. A changed
scenario has a different hash, so old results never mix with new ones.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from simcs.records import Row

SCHEMA = """
CREATE TABLE IF NOT EXISTS replications (
    scenario_sha256 TEXT NOT NULL,
    variant TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    rows_json TEXT NOT NULL,
    rows_sha256 TEXT NOT NULL,
    PRIMARY KEY (scenario_sha256, variant, seed, replication)
)
"""


def _encode(rows: list[Row]) -> str:
    # NaN (an undefined metric) is stored as null: JSON has no NaN
    return json.dumps(
        [[r, y, t, m, None if math.isnan(v) else v] for r, y, t, m, v in rows],
        separators=(",", ":"),
    )


def _decode(text: str) -> list[Row]:
    return [
        (int(r), int(y), str(t), str(m), float("nan") if v is None else float(v))
        for r, y, t, m, v in json.loads(text)
    ]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _intact(text: object, digest: object) -> list[Row] | None:
    """The rows of a stored record, or None unless its checksum matches and it decodes."""
    if not isinstance(text, str) or _digest(text) != digest:
        return None
    try:
        return _decode(text)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


class ResultStore:
    """Finished replications on disk (`path`, an SQLite file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(SCHEMA)
        self._db.commit()

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(
        self, scenario_sha256: str, variant: str, seed: int, replication: int, rows: list[Row]
    ) -> None:
        """Record one finished replication, committed before returning."""
        text = _encode(rows)
        self._db.execute(
            "INSERT OR REPLACE INTO replications VALUES (?, ?, ?, ?, ?, ?)",
            (scenario_sha256, variant, seed, replication, text, _digest(text)),
        )
        self._db.commit()

    def get(
        self, scenario_sha256: str, variant: str, seed: int, replication: int
    ) -> list[Row] | None:
        """The replication's rows, or None if missing or corrupt."""
        found = self._db.execute(
            "SELECT rows_json, rows_sha256 FROM replications WHERE scenario_sha256 = ? "
            "AND variant = ? AND seed = ? AND replication = ?",
            (scenario_sha256, variant, seed, replication),
        ).fetchone()
        return None if found is None else _intact(*found)

    def done(self, scenario_sha256: str, variant: str, seed: int) -> set[int]:
        """Replications of (scenario, variant, seed) stored intact."""
        return {
            int(replication)
            for replication, text, digest in self._db.execute(
                "SELECT replication, rows_json, rows_sha256 FROM replications "
                "WHERE scenario_sha256 = ? AND variant = ? AND seed = ?",
                (scenario_sha256, variant, seed),
            )
            if _intact(text, digest) is not None
        }

    def rows(
        self, scenario_sha256: str, variant: str, seed: int, replications: Iterable[int]
    ) -> list[Row]:
        """The rows of the given replications, in replication order (all must be stored)."""
        out: list[Row] = []
        for r in sorted(replications):
            got = self.get(scenario_sha256, variant, seed, r)
            if got is None:
                raise KeyError(f"replication {r} of variant {variant!r} is not stored")
            out.extend(got)
        return out
