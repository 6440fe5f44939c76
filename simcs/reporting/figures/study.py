"""Figure of a robustness study (robustness_summary.csv rows): for each variant and metric,
the share of sampled uncertain inputs in which the verdict at the default inputs holds, and the
input that drives the difference most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simcs.catalogue import metric as catalogue_entry
from simcs.reporting.figures.axes import MINUS, defined, format_axis, no_data, num, pct
from simcs.reporting.figures.labels import TierLabels, tier_label
from simcs.reporting.figures.style import BLACK, GREY, VERDICT_COLOURS, new_figure, styled


@styled
def robustness(
    summary_rows: Sequence[Mapping[str, Any]],
    *,
    tier: str = "all",
    tier_labels: TierLabels | None = None,
) -> Figure:
    """Share of parameter samples in which each verdict holds (robustness_summary.csv rows).

    One horizontal bar per (variant, metric) of `tier`, coloured by the verdict at the default
    parameters and annotated with the parameter that drives the difference most (Spearman rho).
    """
    rows = [r for r in summary_rows if r.get("tier", tier) == tier]
    fig = new_figure(9.0, 1.9 + 0.7 * max(len(rows), 2))
    ax = fig.add_subplot()
    ax.grid(False)
    ax.grid(True, axis="x")
    ys = list(range(len(rows)))[::-1]
    labels = []
    verdicts: dict[str, str] = {}
    for y, r in zip(ys, rows, strict=True):
        rho = num(r.get("spearman_rho"))
        rho_text = f"{rho:+.2f}".replace("-", MINUS) if defined(rho) else "n/a"
        driver = str(r.get("main_driver") or "").strip() or "n/a"
        labels.append(
            f"{r.get('variant')} \u00b7 {catalogue_entry(str(r.get('metric'))).label}\n"
            f"main driver: {driver} (\u03c1 = {rho_text})"
        )
        verdict = str(r.get("verdict_at_defaults") or "no detectable difference")
        colour = VERDICT_COLOURS.get(verdict, GREY)
        verdicts.setdefault(verdict, colour)
        share = num(r.get("verdict_holds_share"))
        if not defined(share):
            ax.text(
                0.01,
                y,
                "n/a",
                ha="left",
                va="center",
                fontsize=8.5,
                style="italic",
                color="#555555",
            )
            continue
        ax.barh(y, share, height=0.6, color=colour, zorder=2)
        inside = share >= 0.15
        ax.annotate(
            pct(share, 0),
            (share, y),
            xytext=(-5 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=BLACK,
        )
    ax.set_xlim(0, 1.0)
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    ax.set_yticks(ys, labels)
    ax.tick_params(axis="y", length=0)
    format_axis(ax.xaxis, "share")
    if not rows:
        no_data(ax, f"no robustness results for tier {tier!r}")
    ax.set_xlabel("Parameter samples in which the verdict at defaults holds (share of samples)")
    ax.set_ylabel("Variant \u00b7 metric")
    ax.set_title(f"Robustness of verdicts ({tier_label(tier, tier_labels)})")
    if verdicts:
        fig.legend(
            handles=[Patch(color=c, label=v) for v, c in verdicts.items()],
            title="Verdict at default parameters",
            loc="outside lower center",
            ncols=3,
        )
    return fig
