"""The page of a robustness study (robustness_summary.csv, robustness.csv): for each variant
and metric of the whole book, how often the verdict at the default inputs holds across the
sampled uncertain inputs and which input drives it, with every comparison in a table.
"""

from __future__ import annotations

from pathlib import Path

from simcs.catalogue import ALL
from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import Page, folder_scenario, tier_labels
from simcs.reporting.pages.numbers import label


def headline(row: dict[str, str]) -> str:
    """'play_off (GRR, whole book): 'worse' holds in 83% of sampled inputs; main driver ...'."""
    share, rho = row.get("verdict_holds_share"), row.get("spearman_rho")
    return (
        f"{row['variant']} ({label(row['metric'])}, whole book): '{row['verdict_at_defaults']}' "
        f"holds in {f'{float(share):.0%}' if share else 'n/a'} of sampled inputs; main driver "
        f"{row['main_driver'] or '-'} (rho {f'{float(rho):+.2f}' if rho else 'n/a'})."
    )


def page(folder: Path) -> Page:
    """The page of a robustness folder."""
    rows = results.read_csv(folder / results.ROBUSTNESS_SUMMARY)
    labels = tier_labels(folder_scenario(folder))
    samples = len({r["sample"] for r in results.read_csv(folder / results.ROBUSTNESS)})
    every = table(
        list(rows[0]) if rows else [],
        [[labels.get(v, v) if k == "tier" else v for k, v in r.items()] for r in rows],
    )
    return Page(
        title="simcs robustness study",
        headlines=[headline(r) for r in rows if r["tier"] == ALL],
        figures=[("robustness", figures.robustness(rows, tier_labels=labels))],
        sections=[("Every comparison", every)],
        method=(
            f"{samples} Latin-hypercube samples of the uncertain effect sizes over their "
            "documented ranges; at each, the experiment's paired comparison (Student-t 95% "
            "intervals, Holm-adjusted verdicts), with the replications per variant of the "
            "experiment file."
        ),
        count=samples,
        counted="Samples",
    )
