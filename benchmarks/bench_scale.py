"""Scale benchmark: a company of about 100,000 customers over five years, on one core.

Usage (from the repository root):

    PYTHONPATH=. python benchmarks/bench_scale.py [--factor 60] [--years 5] [--seed 0] [--json OUT]

Builds the scaled scenario from the built-in baseline (`simcs.scenario.scaling.scaled`: every
group's t=0 book and new logos, and every pool's people, times FACTOR, over YEARS years) and
measures, against the targets of the scale issue:

1. the wall time of one replication of it, as `simcs run SCENARIO -n 1 --workers 1` prints it
   (`Wall time`), in a process of its own (target: at most 60 s);
2. the peak resident memory of that whole `simcs run` process (ru_maxrss of the child;
   target: at most 1 GB);
3. customer-years simulated per second, the scaled run against the baseline's over the same
   years in this process (target: within 15%, i.e. cost linear in customer-years).

Customer-years of the scaled run come from its replications.csv: each year's cost of delivery
over cost per customer-year for the whole book. MB here is 10**6 bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simcs.scenario.files import default_scenario_path, load_scenario, scenario_yaml, with_overrides
from simcs.scenario.scaling import scaled
from simcs.simulation.replication import simulate

TARGET_SECONDS = 60.0
TARGET_MB = 1000.0
TARGET_RATIO = 0.85  # customer-years/s at scale over the baseline's
BASELINE_REPEATS = 3


def _customer_years_from_csv(path: Path) -> float:
    """Customer-years of the whole book over every year of a run's replications.csv."""
    by_year: dict[tuple[str, str], dict[str, float]] = {}
    with path.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["tier"] == "all" and row["metric"] in ("cost_total", "cost_per_customer"):
                key = (row["replication"], row["year"])
                by_year.setdefault(key, {})[row["metric"]] = float(row["value"])
    return sum(v["cost_total"] / v["cost_per_customer"] for v in by_year.values())


def baseline_rate(years: int, seed: int) -> dict[str, float]:
    """Customer-years per second of the baseline over `years` years, in this process."""
    scenario = with_overrides(load_scenario(default_scenario_path()), {"horizon_years": years})
    customer_years = 0.0
    wall = 0.0
    for r in range(BASELINE_REPEATS):
        start = time.perf_counter()
        result = simulate(scenario, seed=seed, replication=r)
        wall += time.perf_counter() - start
        customer_years += sum(
            bucket.get("customer_years", 0.0)
            for (_year, key), bucket in result.ledger.buckets.items()
            if "|" in key
        )
    return {
        "seconds_per_replication": wall / BASELINE_REPEATS,
        "customer_years_per_replication": customer_years / BASELINE_REPEATS,
        "customer_years_per_second": customer_years / wall,
    }


def scaled_run(factor: int, years: int, seed: int, folder: Path) -> dict[str, float]:
    """One replication of the scaled company through `simcs run -n 1 --workers 1`."""
    base = with_overrides(load_scenario(default_scenario_path()), {"horizon_years": years})
    scenario = scaled(base, factor)
    path = folder / f"{scenario.name}.yaml"
    path.write_text(scenario_yaml(scenario), encoding="utf-8")
    out = folder / "out"
    command = [sys.executable, "-m", "simcs", "run", str(path), "-n", "1", "--workers", "1"]
    command += ["--seed", str(seed), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"simcs run failed:\n{done.stderr}")
    printed = re.search(r"Wall time ([0-9.]+) s", done.stdout)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6
    customer_years = _customer_years_from_csv(out / "replications.csv")
    wall = float(printed.group(1)) if printed else elapsed
    return {
        "customers_t0": sum(g.initial_customers for g in scenario.population.values()),
        "wall_seconds": wall,
        "process_seconds": elapsed,
        "peak_mb": peak_mb,
        "customer_years": customer_years,
        "customer_years_per_second": customer_years / wall,
    }


def _met(held: bool) -> str:
    return "met" if held else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"scaled run: baseline x{args.factor}, {args.years} years ...", file=sys.stderr)
        big = scaled_run(args.factor, args.years, args.seed, Path(tmp))
    print("baseline, same years, in this process ...", file=sys.stderr)
    base = baseline_rate(args.years, args.seed)
    ratio = big["customer_years_per_second"] / base["customer_years_per_second"]
    lines = [
        ("customers at t=0", f"{big['customers_t0']:,}", ""),
        ("customer-years simulated", f"{big['customer_years']:,.0f}", ""),
        (
            "1 wall time of one replication",
            f"{big['wall_seconds']:.1f} s",
            f"<= {TARGET_SECONDS:.0f} s: {_met(big['wall_seconds'] <= TARGET_SECONDS)}",
        ),
        (
            "2 peak memory of simcs run",
            f"{big['peak_mb']:,.0f} MB",
            f"<= {TARGET_MB:,.0f} MB: {_met(big['peak_mb'] <= TARGET_MB)}",
        ),
        ("3 customer-years/s at scale", f"{big['customer_years_per_second']:,.0f}", ""),
        ("  customer-years/s, baseline", f"{base['customer_years_per_second']:,.0f}", ""),
        (
            "  ratio",
            f"{ratio:.2f}",
            f">= {TARGET_RATIO:.2f}: {_met(ratio >= TARGET_RATIO)}",
        ),
    ]
    width = max(len(a) for a, _, _ in lines)
    for name, value, target in lines:
        print(f"{name:<{width}}  {value:>12}  {target}")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"scaled": big, "baseline": base, "ratio": ratio}, indent=2),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
