"""Performance benchmark of the simcs model against its targets.

Usage (from the repository root):

    PYTHONPATH=. python benchmarks/bench_model.py [--replications N] [--scenario PATH] [--json OUT]

Measures, for one scenario (default: the built-in baseline):

1. SimPy events per replication (mean over a few in-process replications);
2. model events per second (those events / their wall time), for information;
3. the headline: customers served per second on the same M/M/c workload, simcs's support desk
   (scenarios/mmc_validation.yaml) against a process-per-customer SimPy model, as a ratio
   (target: >= 0.9). simcs avoids events that carry no decision, so its events are heavier
   and events/s alone understates it; the bare model's events/s and the events/s ratio are
   shown for information;
4. customer-years simulated per second (in-process);
5. peak memory of this process (ru_maxrss) and the tracemalloc peak of one replication;
6. wall time of replications through `simcs.simulation.runner.run` with 1 and 2 workers, the
   speed-up, and whether 100 replications fit in 60 s on 2 cores (projected from the 2-worker run);
7. peak memory of one worker process (a spawned child running one replication; target
   < 300 MB).

MB here is 10**6 bytes (ru_maxrss is reported by Linux in KiB).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import simpy

import simcs
from simcs.scenario import Scenario
from simcs.simulation.replication import replicate, simulate
from simcs.simulation.runner import run

# Targets.
#: the headline: simcs customers served/s >= 0.9 x bare SimPy's, on the same M/M/c workload
TARGET_CUSTOMERS_RATIO = 0.9
TARGET_REPLICATIONS = 100  # 100 replications ...
TARGET_SECONDS = 60.0  # ... in at most 60 s ...
TARGET_WORKERS = 2  # ... on 2 cores
TARGET_WORKER_MB = 300.0  # peak memory per worker process

# The bare M/M/c reference: c servers at utilisation rho, exponential service of mean 1.
MMC_SERVERS = 10
MMC_RHO = 0.9
MMC_SEED = 20240601
MMC_EVENTS_PER_CUSTOMER = 6  # arrival timeout, process start, request, service, release, end
MMC_REPEATS = 3

OTHER_LOAD_WARNING = 0.25  # cores used by other processes during a timed phase


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (10**6 bytes); Linux reports ru_maxrss in KiB."""
    kib = resource.getrusage(who).ru_maxrss
    scale = 1.0 if sys.platform == "darwin" else 1024.0  # macOS reports bytes
    return kib * scale / 1e6


def _own_peak_rss_mb() -> float | None:
    """This process's own peak RSS (VmHWM, Linux only) in MB, or None if unavailable.

    Unlike ru_maxrss it is not inherited: Linux carries the RSS a forked child had (a copy of
    its parent's) across exec into ru_maxrss, so a spawned worker's ru_maxrss is at least its
    parent's RSS at the time of the fork.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        return None
    return None


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _system_busy_seconds() -> float | None:
    """CPU seconds all processes of the machine have used since boot (Linux), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
    ticks = [int(x) for x in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Wall and CPU time of a phase: ours (this process, its joined children) and others'.

    `other_cores` is the CPU the rest of the machine used meanwhile, in cores: a benchmark
    sharing its cores with other work measures that work's time as its own.
    """

    def __enter__(self) -> CpuMeter:
        self._start = (
            time.perf_counter(),
            time.process_time(),
            _children_cpu_seconds(),
            _system_busy_seconds(),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        wall0, self0, children0, system0 = self._start
        self.wall = time.perf_counter() - wall0
        self.self_cpu = time.process_time() - self0
        # Children count once they have been waited for (a pool joins its workers on exit).
        self.children_cpu = _children_cpu_seconds() - children0
        system1 = _system_busy_seconds()
        self.other_cores: float | None = None
        if system0 is not None and system1 is not None and self.wall > 0:
            others = system1 - system0 - self.self_cpu - self.children_cpu
            self.other_cores = max(0.0, others / self.wall)

    def figures(self) -> dict[str, float | None]:
        return {
            "cpu_seconds": self.self_cpu + self.children_cpu,
            "cores_used": (self.self_cpu + self.children_cpu) / self.wall,
            "other_load_cores": self.other_cores,
        }


def _book_total(result: simcs.ReplicationResult, quantity: str) -> float:
    """A ledger quantity summed over the customers' cells (tier x group) of the measured years."""
    years = set(result.scenario.measurement_years)
    return sum(
        bucket.get(quantity, 0.0)
        for (year, key), bucket in result.ledger.buckets.items()
        if year in years and "|" in key
    )


def _customer_years(result: simcs.ReplicationResult) -> float:
    return _book_total(result, "customer_years")


def _events(scenario: Scenario, seed: int, replication: int) -> int:
    """SimPy events of one replication, counted in a separate, untimed run (the count is
    deterministic; counting costs a call per event, so timed runs do without it)."""
    counted = simulate(scenario, seed=seed, replication=replication, count_events=True).events
    assert counted is not None
    return counted


# ---------------------------------------------------------------------- 1, 2, 4: the model
def bench_model_inprocess(scenario: Scenario, replications: int, seed: int) -> dict[str, Any]:
    """Run replications 0..replications-1 in this process; events, wall time, customer-years."""
    events: list[int] = []
    walls: list[float] = []
    customer_years: list[float] = []
    with CpuMeter() as meter:
        for r in range(replications):
            started = time.perf_counter()
            result = simulate(scenario, seed=seed, replication=r)
            walls.append(time.perf_counter() - started)
            events.append(_events(scenario, seed, r))
            customer_years.append(_customer_years(result))
    wall = sum(walls)
    return {
        **meter.figures(),
        "replications": replications,
        "events_per_replication": statistics.fmean(events),
        "events_per_replication_min": min(events),
        "events_per_replication_max": max(events),
        "wall_seconds": wall,
        "seconds_per_replication": wall / replications,
        "events_per_second": sum(events) / wall,
        "customer_years_per_replication": statistics.fmean(customer_years),
        "customer_years_per_second": sum(customer_years) / wall,
    }


# ---------------------------------------------------------------------- 3: bare SimPy M/M/c
def mmc_once(target_events: int, servers: int, rho: float, seed: int) -> tuple[int, float]:
    """A classic process-per-customer M/M/c; returns (events processed, wall seconds)."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    mean_service = 1.0
    mean_gap = mean_service / (servers * rho)
    customers = max(1, round(target_events / MMC_EVENTS_PER_CUSTOMER))

    def customer(env: simpy.Environment):
        request = desk.request()
        yield request
        yield env.timeout(rng.exponential(mean_service))
        desk.release(request)

    def source(env: simpy.Environment):
        for _ in range(customers):
            yield env.timeout(rng.exponential(mean_gap))
            env.process(customer(env))

    env.process(source(env))
    until = math.inf  # run until every customer has left
    n = 0
    started = time.perf_counter()
    while env.peek() < until:
        env.step()
        n += 1
    return n, time.perf_counter() - started


def bench_bare_simpy(target_events: int, repeats: int = MMC_REPEATS) -> dict[str, Any]:
    """The M/M/c reference, repeated; events/s over all repeats."""
    with CpuMeter() as meter:
        runs = [mmc_once(target_events, MMC_SERVERS, MMC_RHO, MMC_SEED + k) for k in range(repeats)]
    events = sum(n for n, _ in runs)
    wall = sum(w for _, w in runs)
    return {
        **meter.figures(),
        "servers": MMC_SERVERS,
        "utilisation": MMC_RHO,
        "repeats": repeats,
        "events_per_run": statistics.fmean(n for n, _ in runs),
        "wall_seconds": wall,
        "events_per_second": events / wall,
        "events_per_second_best_run": max(n / w for n, w in runs),
    }


def bench_like_for_like(repeats: int = MMC_REPEATS) -> dict[str, Any]:
    """The same M/M/c workload both ways: simcs's support desk (scenarios/mmc_validation.yaml)
    against the bare-SimPy M/M/c, compared per customer served rather than per event.

    simcs schedules about 2.3 events per case (arrival, completion) where the process-per-
    customer reference needs about 6, so events/s alone understates the model's throughput.
    """
    path = Path(__file__).resolve().parent.parent / "scenarios" / "mmc_validation.yaml"
    scenario = simcs.load_scenario(path)
    cases = 0.0
    wall = 0.0
    events = 0
    for r in range(repeats):
        started = time.perf_counter()
        result = simcs.simulate(scenario, seed=MMC_SEED, replication=r)
        wall += time.perf_counter() - started
        events += _events(scenario, MMC_SEED, r)
        cases += _book_total(result, "support_answered")
    bare_events, bare_wall = 0, 0.0
    for k in range(repeats):
        n, w = mmc_once(events // repeats, MMC_SERVERS, MMC_RHO, MMC_SEED + k)
        bare_events += n
        bare_wall += w
    bare_customers = bare_events / MMC_EVENTS_PER_CUSTOMER
    return {
        "simcs_cases_per_second": cases / wall,
        "simcs_events_per_case": events / cases,
        "bare_customers_per_second": bare_customers / bare_wall,
        "ratio_simcs_to_bare_per_customer": (cases / wall) / (bare_customers / bare_wall),
    }


# ---------------------------------------------------------------------- 5: memory in-process
def tracemalloc_peak_mb(scenario: Scenario, seed: int) -> float:
    """Peak Python allocation (tracemalloc) while one replication runs, in MB."""
    tracemalloc.start()
    try:
        simulate(scenario, seed=seed, replication=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


# ---------------------------------------------------------------------- 6: runner timing
def bench_runner(
    scenario: Scenario, replications: int, serial_replications: int, seed: int
) -> dict[str, Any]:
    """Wall time of `simcs.simulation.runner.run`: 1 worker (fewer replications), 2 workers."""
    with CpuMeter() as serial_meter:
        serial = run(scenario, replications=serial_replications, seed=seed, workers=1)
    per_rep_1 = serial.wall_seconds / serial_replications
    with CpuMeter() as parallel_meter:
        parallel = run(scenario, replications=replications, seed=seed, workers=TARGET_WORKERS)
    per_rep_2 = parallel.wall_seconds / replications
    projected_target = per_rep_2 * TARGET_REPLICATIONS
    return {
        "workers_1": {
            "replications": serial_replications,
            "wall_seconds": serial.wall_seconds,
            "seconds_per_replication": per_rep_1,
            **serial_meter.figures(),
            "extrapolated": serial_replications != replications,
            "projected_wall_seconds_for_n": per_rep_1 * replications,
        },
        "workers_2": {
            "replications": replications,
            "wall_seconds": parallel.wall_seconds,
            "seconds_per_replication": per_rep_2,
            **parallel_meter.figures(),
        },
        "speedup_2_vs_1": per_rep_1 / per_rep_2,
        "target_projected_wall_seconds": projected_target,
        "target_met": projected_target <= TARGET_SECONDS,
    }


# ---------------------------------------------------------------------- 7: worker memory
def _child_replication(scenario: Scenario, seed: int, replication: int) -> dict[str, float]:
    """In a spawned child: peak RSS before and after one replication (what a worker does)."""
    before = _own_peak_rss_mb()
    replicate(scenario, seed, replication)
    return {
        "ru_maxrss_mb": _rss_mb(),
        "own_peak_rss_mb": _own_peak_rss_mb(),
        "own_peak_rss_before_replication_mb": before,
    }


def bench_worker_memory(scenario: Scenario, seed: int) -> dict[str, Any]:
    """Peak memory of a worker: one replication in a fresh `multiprocessing` spawn child.

    A spawned child holds only what a worker needs (interpreter, simcs and its imports, one
    replication), whatever the parent holds. (The runner forks its workers on Linux; a forked
    worker's RSS also counts the pages it shares with its parent.)

    Run this first, while the benchmark process is still small: the child's ru_maxrss is at
    least the parent's RSS when it was forked (see `_own_peak_rss_mb`), so the target is
    checked against the child's own high-water mark (VmHWM) where Linux provides it.
    """
    parent = _rss_mb()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        figures = pool.submit(_child_replication, scenario, seed, 0).result()
    own = figures["own_peak_rss_mb"]
    checked = own if own is not None else figures["ru_maxrss_mb"]
    return {
        **figures,
        "parent_peak_rss_at_start_mb": parent,
        "checked_mb": checked,
        "target_met": checked < TARGET_WORKER_MB,
    }


# ---------------------------------------------------------------------- report
def _ok(met: bool) -> str:
    return "PASS" if met else "FAIL"


def print_report(fig: dict[str, Any]) -> None:
    model, bare, runner = fig["model"], fig["bare_simpy"], fig["runner"]
    memory, worker = fig["memory"], fig["worker_memory"]
    w1, w2 = runner["workers_1"], runner["workers_2"]
    n, k = w2["replications"], model["replications"]
    mb = TARGET_WORKER_MB
    own = worker["own_peak_rss_mb"]

    def other(phase: dict[str, Any]) -> tuple[str, str]:
        load = phase["other_load_cores"]
        return ("  other load on the machine, cores", "n/a" if load is None else f"{load:.2f}")

    # (figure, measured, target, status); a row of one string is a section heading.
    rows: list[tuple[str, ...]] = [
        (f"In-process, {k} replications (workers=1, this process)",),
        ("1 Events per replication (mean)", f"{model['events_per_replication']:,.0f}"),
        ("2 Model events/s", f"{model['events_per_second']:,.0f}"),
        ("  seconds per replication", f"{model['seconds_per_replication']:.3f}"),
        ("  cores used (this process)", f"{model['cores_used']:.2f}"),
        other(model),
        (f"3 Bare SimPy M/M/{bare['servers']} events/s", f"{bare['events_per_second']:,.0f}"),
        ("  events per M/M/c run", f"{bare['events_per_run']:,.0f}"),
        other(bare),
        ("  model / bare SimPy, events/s (information)", f"{fig['ratio_model_to_bare']:.2f}"),
        (
            "  same M/M/c workload: simcs cases/s",
            f"{fig['like_for_like']['simcs_cases_per_second']:,.0f}",
        ),
        ("  simcs events per case", f"{fig['like_for_like']['simcs_events_per_case']:.2f}"),
        ("  bare SimPy customers/s", f"{fig['like_for_like']['bare_customers_per_second']:,.0f}"),
        (
            "  HEADLINE simcs / bare SimPy, customers served/s",
            f"{fig['like_for_like']['ratio_simcs_to_bare_per_customer']:.2f}",
            f">= {TARGET_CUSTOMERS_RATIO}",
            _ok(fig["ratio_target_met"]),
        ),
        ("4 Customer-years per replication", f"{model['customer_years_per_replication']:,.0f}"),
        ("  customer-years/s", f"{model['customer_years_per_second']:,.0f}"),
        ("5 Peak RSS of this process", f"{memory['main_peak_rss_mb']:.0f} MB"),
        ("  tracemalloc peak, one replication", f"{memory['tracemalloc_peak_mb']:.1f} MB"),
        ("simcs.simulation.runner.run",),
        (f"6 Wall, {w1['replications']} reps, 1 worker", f"{w1['wall_seconds']:.1f} s"),
        (
            f"  {n} reps, 1 worker" + (" (extrapolated)" if w1["extrapolated"] else ""),
            f"{w1['projected_wall_seconds_for_n']:.1f} s",
        ),
        ("  cores used, 1 worker", f"{w1['cores_used']:.2f}"),
        other(w1),
        (f"  Wall, {n} reps, 2 workers", f"{w2['wall_seconds']:.1f} s"),
        ("  cores used, 2 workers (pool included)", f"{w2['cores_used']:.2f}"),
        other(w2),
        ("  speed-up, 2 workers vs 1", f"{runner['speedup_2_vs_1']:.2f}x"),
        (
            f"  {TARGET_REPLICATIONS} reps, {TARGET_WORKERS} workers"
            + (" (projected)" if n != TARGET_REPLICATIONS else ""),
            f"{runner['target_projected_wall_seconds']:.1f} s",
            f"<= {TARGET_SECONDS:.0f} s",
            _ok(runner["target_met"]),
        ),
        ("Worker process (spawned child, one replication)",),
        (
            "7 Peak RSS of the worker (VmHWM)",
            f"{own:.0f} MB" if own is not None else "n/a",
            f"< {mb:.0f} MB" if own is not None else "",
            _ok(worker["target_met"]) if own is not None else "",
        ),
        (
            "  worker's ru_maxrss",
            f"{worker['ru_maxrss_mb']:.0f} MB",
            "" if own is not None else f"< {mb:.0f} MB",
            "" if own is not None else _ok(worker["target_met"]),
        ),
    ]
    if worker["own_peak_rss_before_replication_mb"] is not None:
        before = worker["own_peak_rss_before_replication_mb"]
        rows.append(("  worker peak before the replication", f"{before:.0f} MB"))
    table = [row + ("",) * (4 - len(row)) for row in rows if len(row) > 1]
    header = ("Figure", "Measured", "Target", "Status")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]

    env = fig["environment"]
    print()
    print(f"simcs {env['simcs']} model benchmark: {fig['scenario']}")
    print(
        f"  horizon {fig['horizon_years']} years, measurement years {fig['measurement_years']}, "
        f"seed {fig['seed']}; Python {env['python']}, SimPy {env['simpy']}, "
        f"NumPy {env['numpy']}, {env['cpus']} CPUs"
    )
    print(f"  load average at start {env['load_average_start']}, at end {env['load_average_end']}")
    print()
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("=" * len(line))
    for row in rows:
        if len(row) == 1:
            print(f"-- {row[0]}")
            continue
        cells = row + ("",) * (4 - len(row))
        text = [
            cells[i].rjust(widths[i]) if i == 1 else cells[i].ljust(widths[i]) for i in range(4)
        ]
        print("  ".join(text).rstrip())
    print()
    notes: list[str] = []
    if w1["extrapolated"]:
        notes.append(
            f"The 1-worker run used {w1['replications']} replications; its time for {n} is "
            "extrapolated from the measured time per replication."
        )
    if n != TARGET_REPLICATIONS:
        notes.append(
            f"The {TARGET_REPLICATIONS}-replication time is projected from the time per "
            f"replication of the {n}-replication 2-worker run, pool start-up included (spread "
            "over fewer replications, so the projection errs on the slow side)."
        )
    notes.append(
        "Worker memory is checked against the child's own high-water mark (VmHWM): Linux "
        "carries a forked child's RSS, a copy of its parent's, across exec into ru_maxrss."
    )
    phases = {
        "in-process model": model,
        "bare SimPy": bare,
        "1-worker run": w1,
        f"{TARGET_WORKERS}-worker run": w2,
    }
    loaded = [
        f"{name} ({phase['other_load_cores']:.2f} cores)"
        for name, phase in phases.items()
        if (phase["other_load_cores"] or 0.0) > OTHER_LOAD_WARNING
    ]
    if loaded:
        notes.append(
            "WARNING: other processes were using the CPUs during: "
            + ", ".join(loaded)
            + ". Times of those phases may be pessimistic (less so for single-process phases "
            "while a core stays free); rerun on an idle machine for clean figures."
        )
    if w2["cores_used"] < 1.6:
        notes.append(
            f"WARNING: the {TARGET_WORKERS}-worker run got only {w2['cores_used']:.2f} cores, "
            "so its time and the speed-up are pessimistic."
        )
    if not fig["is_baseline"]:
        notes.append(
            "The targets are stated for the 3-year baseline; this run used another scenario."
        )
    for note in notes:
        print(f"Note: {note}")


# ---------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--replications",
        type=int,
        default=TARGET_REPLICATIONS,
        help="replications for the 2-worker timing (default: %(default)s)",
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario YAML file (default: the built-in baseline)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="OUT",
        help="also write every figure to this JSON file",
    )
    parser.add_argument("--seed", type=int, default=0, help="root seed (default: %(default)s)")
    parser.add_argument(
        "--inprocess-replications",
        type=int,
        default=5,
        help="in-process replications for events/s (default: %(default)s)",
    )
    parser.add_argument(
        "--serial-replications",
        type=int,
        default=20,
        help="cap on replications of the 1-worker timing (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.replications < 2:
        parser.error("--replications must be at least 2 (the 2-worker timing needs 2)")
    if args.inprocess_replications < 1 or args.serial_replications < 1:
        parser.error("replication counts must be at least 1")

    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    scenario = simcs.load_scenario(args.scenario)
    source = "built-in baseline" if args.scenario is None else str(args.scenario)
    started = time.perf_counter()

    def step(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    # Worker memory first, while this process is small (see bench_worker_memory).
    step("worker memory: one replication in a spawned child")
    worker = bench_worker_memory(scenario, args.seed)
    step(f"model: {args.inprocess_replications} replications in-process")
    model = bench_model_inprocess(scenario, args.inprocess_replications, args.seed)
    target_events = round(model["events_per_replication"])
    step(f"bare SimPy M/M/{MMC_SERVERS}: {MMC_REPEATS} runs of ~{target_events:,} events")
    bare = bench_bare_simpy(target_events)
    main_peak = _rss_mb()
    step("like for like: the same M/M/c workload, per customer served")
    like = bench_like_for_like()
    step("tracemalloc: one replication")
    traced = tracemalloc_peak_mb(scenario, args.seed)
    serial_reps = min(args.replications, args.serial_replications)
    step(f"runner: {serial_reps} replications with 1 worker, then {args.replications} with 2")
    runner = bench_runner(scenario, args.replications, serial_reps, args.seed)
    step("done")

    ratio = model["events_per_second"] / bare["events_per_second"]
    headline = like["ratio_simcs_to_bare_per_customer"]
    figures: dict[str, Any] = {
        "scenario": source,
        "is_baseline": args.scenario is None,
        "horizon_years": scenario.horizon_years,
        "measurement_years": scenario.measurement_years,
        "seed": args.seed,
        "model": model,
        "bare_simpy": bare,
        "ratio_model_to_bare": ratio,
        "headline_customers_ratio": headline,
        "ratio_target": TARGET_CUSTOMERS_RATIO,
        "ratio_target_met": headline >= TARGET_CUSTOMERS_RATIO,
        "like_for_like": like,
        "memory": {"main_peak_rss_mb": main_peak, "tracemalloc_peak_mb": traced},
        "runner": runner,
        "worker_memory": worker,
        "targets": {
            "customers_served_ratio_min": TARGET_CUSTOMERS_RATIO,
            "replications": TARGET_REPLICATIONS,
            "workers": TARGET_WORKERS,
            "wall_seconds_max": TARGET_SECONDS,
            "worker_peak_rss_mb_max": TARGET_WORKER_MB,
        },
        "environment": {
            "simcs": simcs.__version__,
            "python": platform.python_version(),
            "simpy": simpy.__version__,
            "numpy": np.__version__,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_start": (
                [round(x, 2) for x in load_start] if load_start is not None else None
            ),
            "load_average_end": (
                [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
            ),
            "total_benchmark_seconds": time.perf_counter() - started,
        },
    }
    print_report(figures)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
