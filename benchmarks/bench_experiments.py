"""Experiment throughput: replications per second on each backend, and the store's overhead.

Runs the same small experiment (two variants of the baseline) with 1 local worker, 2 local
workers and a 2-worker Dask LocalCluster on loopback, each into a fresh store, and checks the
three give byte-identical results. Then times the resumable store alone: writing and reading
back one replication's rows (what every finished replication costs on top of simulating it).

    python benchmarks/bench_experiments.py [--replications N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import simcs
from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.reporting.experiment_files import replications_csv
from simcs.scenario.files import scenario_sha256, with_overrides
from simcs.simulation.replication import replicate
from simcs.simulation.store import ResultStore


def make_plan(replications: int) -> Experiment:
    """The built-in baseline against a variant with two fewer support agents."""
    base = simcs.load_scenario(None)
    fewer = with_overrides(base, {"staff.support.headcount": base.staff.support.headcount - 2})
    return Experiment(
        name="bench_experiments",
        scenarios={"baseline": base, "fewer_agents": fewer},
        reference="baseline",
        replications=replications,
        seed=11,
        metrics=["grr", "cost_per_customer"],
        tiers=[*base.tiers, "all"],
    )


def timed_run(plan: Experiment, folder: Path, **backend: Any) -> tuple[float, str]:
    """Wall seconds of one fresh run of the plan, and its replications.csv text."""
    started = time.perf_counter()
    result = run_experiment(plan, folder / "results.sqlite", **backend)
    return time.perf_counter() - started, replications_csv(result)


def store_overhead(plan: Experiment, folder: Path, writes: int = 200) -> dict[str, float]:
    """Seconds to commit and to read back one replication's rows and series."""
    scenario = plan.scenarios[plan.reference]
    rows, series = replicate(scenario, plan.seed, 0)
    digest = scenario_sha256(scenario)
    with ResultStore(folder / "overhead.sqlite") as store:
        started = time.perf_counter()
        for r in range(writes):
            store.put(digest, "v", plan.seed, r, rows, series)
        write = (time.perf_counter() - started) / writes
        started = time.perf_counter()
        for r in range(writes):
            assert store.get(digest, "v", plan.seed, r) is not None
        read = (time.perf_counter() - started) / writes
    started = time.perf_counter()
    replicate(scenario, plan.seed, 1)
    simulate = time.perf_counter() - started
    return {
        "rows_per_replication": len(rows),
        "write_seconds": write,
        "read_seconds": read,
        "simulate_seconds": simulate,
        "overhead_share": (write + read) / simulate,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10, help="per variant")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    plan = make_plan(args.replications)
    total = args.replications * len(plan.scenarios)
    figures: dict[str, Any] = {"replications_total": total}
    texts = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for label, backend in (
            ("local_1_worker", {"workers": 1}),
            ("local_2_workers", {"workers": 2}),
            ("dask_localcluster_2_workers", {"workers": 2, "backend": "dask"}),
        ):
            folder = root / label
            print(f"running {total} replications: {label} ...", file=sys.stderr, flush=True)
            try:
                wall, text = timed_run(plan, folder, **backend)
            except RuntimeError as exc:  # dask not installed
                print(f"  skipped: {exc}", file=sys.stderr)
                continue
            figures[label] = {"wall_seconds": wall, "replications_per_second": total / wall}
            texts[label] = text
        figures["identical_bytes"] = len(set(texts.values())) == 1
        figures["store"] = store_overhead(plan, root)
    print(
        f"\nsimcs {simcs.__version__} experiment benchmark: baseline vs fewer agents, "
        f"{total} replications per backend"
    )
    print(f"{'backend':32s} {'wall s':>8s} {'reps/s':>8s}")
    for label in ("local_1_worker", "local_2_workers", "dask_localcluster_2_workers"):
        if label in figures:
            f = figures[label]
            print(f"{label:32s} {f['wall_seconds']:8.1f} {f['replications_per_second']:8.2f}")
    if "local_1_worker" in figures and "local_2_workers" in figures:
        speedup = (
            figures["local_1_worker"]["wall_seconds"] / figures["local_2_workers"]["wall_seconds"]
        )
        figures["speedup_2_local_vs_1"] = speedup
        print(f"speed-up, 2 local workers vs 1: {speedup:.2f}x")
    print(f"byte-identical results across backends: {figures['identical_bytes']}")
    s = figures["store"]
    print(
        f"store per replication ({s['rows_per_replication']} rows): write+commit "
        f"{s['write_seconds'] * 1000:.2f} ms, read+verify {s['read_seconds'] * 1000:.2f} ms, "
        f"{s['overhead_share']:.2%} of simulating it ({s['simulate_seconds']:.2f} s)"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["identical_bytes"] else 1


if __name__ == "__main__":
    sys.exit(main())
