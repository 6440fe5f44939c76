"""The page of a calibration folder (calibration.json): what the exports say about each
customer group, in plain words first ("smb: first-renewal churn 26.4%, alpha 1.36 [1.18, 1.57],
beta 3.47 [2.95, 4.09], from 2,500 accounts"), then the fits against their data (survival,
handle time, case rates), the table of every group's laws with their intervals, the warnings
where the data are thin, and the rows left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.reporting import figures, results
from simcs.reporting.html import paragraph, table
from simcs.reporting.pages.common import Page

METHOD = (
    "Churn: the shifted-beta-geometric law (Fader & Hardie 2007) by maximum likelihood, "
    "customers still under contract right-censored; 95% profile-likelihood intervals (an end "
    "the data cannot bound is open). Observed survival: Kaplan-Meier. Case rates: tickets over "
    "customer-years under contract in the tickets' window, exact Poisson intervals (Garwood "
    "1936). Handle time: a lognormal law by maximum likelihood, with its Kolmogorov-Smirnov "
    "distance to the data. ARR change at renewal: a normal law of the log changes. Anchoring: "
    "a pilot year of the calibrated scenario measures the service's effects (see the model "
    "page)."
)


def _ci(pair: Any, fmt: str = "{:.2f}") -> str:
    if not pair or pair[0] is None:
        return "not bounded"
    high = "no upper bound" if pair[1] is None else fmt.format(pair[1])
    return "[" + fmt.format(pair[0]) + ", " + high + "]"


def _section(title: str, text: str, header: list[str], rows: list[list[str]]) -> tuple[str, str]:
    """A page section: a paragraph saying what the table holds, then the table."""
    return title, paragraph(text) + table(header, rows)


def headline(name: str, group: dict[str, Any]) -> str:
    """One group in plain words."""
    renewal, support = group.get("renewal"), group.get("support")
    parts = []
    if renewal:
        churn = renewal["alpha"] / (renewal["alpha"] + renewal["beta"])
        parts.append(
            f"first-renewal churn {churn:.1%}, alpha {renewal['alpha']:.2f} "
            f"{_ci(renewal['alpha_ci95'])}, beta {renewal['beta']:.2f} "
            f"{_ci(renewal['beta_ci95'])}, from {renewal['n_accounts']:,} accounts"
        )
    if support and support.get("cases_per_year") is not None:
        parts.append(
            f"{support['cases_per_year']:.2f} cases per customer-year "
            f"{_ci(support['cases_per_year_ci95'])}"
        )
    book = group.get("book") or {}
    if book.get("customers"):
        parts.append(f"{book['customers']:,} customers under contract (${book['arr']:,.0f} ARR)")
    return f"{name}: " + ("; ".join(parts) if parts else "nothing fitted") + "."


def page(folder: Path) -> Page:
    """The calibration page of `folder`."""
    doc = results.read_json(folder / results.CALIBRATION)
    groups = doc.get("groups") or {}
    rows = []
    for name, g in groups.items():
        r, s = g.get("renewal") or {}, g.get("support") or {}
        handle = s.get("handle_time") or {}
        rows.append(
            [
                name,
                f"{r['n_accounts']:,}" if r else "-",
                f"{r['alpha']:.3f} {_ci(r['alpha_ci95'])}" if r else "-",
                f"{r['beta']:.3f} {_ci(r['beta_ci95'])}" if r else "-",
                r.get("source", "-") if r else "-",
                f"{s['cases_per_year']:.2f} {_ci(s['cases_per_year_ci95'])}"
                if s.get("cases_per_year") is not None
                else "-",
                f"{handle['mean_hours'] * 60:.0f} min, cv {handle['cv']:.2f}" if handle else "-",
                f"{(g.get('book') or {}).get('customers', 0):,}",
            ]
        )
    sections = [
        (
            "Customer groups",
            table(
                [
                    "Group",
                    "Accounts",
                    "alpha [95%]",
                    "beta [95%]",
                    "From",
                    "Cases/yr [95%]",
                    "Handle time",
                    "Book",
                ],
                rows,
            ),
        )
    ]
    expansion = [
        [
            name,
            f"{x['mean_log_change']:+.4f} {_ci(x['mean_log_change_ci95'], '{:+.4f}')}",
            f"{x['sd']:.4f} {_ci(x['sd_ci95'], '{:.4f}')}",
            f"{x['renewals']:,}",
        ]
        for name, g in groups.items()
        if (x := g.get("expansion"))
    ]
    if expansion:
        sections.append(
            _section(
                "ARR change at renewal",
                "The log of each renewal's ARR over the ARR of the term before, from the ARR "
                "history: the model draws it from a normal law with this mean and standard "
                "deviation (95% Student's t and chi-square intervals).",
                ["Group", "Mean log change [95%]", "sd [95%]", "Renewals"],
                expansion,
            )
        )
    anchors = [
        [
            name,
            f"{a['churn_odds_factor']:.2f}",
            f"{a['beta_fitted']:.4g} -> {a['beta_base']:.4g}"
            + (" (clamped)" if a["clamped"] else ""),
            f"{a['expansion_shift']:+.4f}",
            f"{a['desk_share']:.1%}",
            f"{a['renewals_measured']:,}",
        ]
        for name, g in groups.items()
        if (a := g.get("anchor"))
    ]
    if anchors:
        sections.append(
            _section(
                "Anchored to the base scenario's service",
                "What the base scenario's service does to each group in a pilot year, and what "
                "the scenario's base laws absorb so that the model, serving the real book, "
                "churns, grows and files tickets as the history says: the churn odds multiplier "
                "(geometric mean), the beta of the sBG law before and after, the shift of the "
                "log ARR change at renewal, and the share of cases that reach the desk (after "
                "training, self-service and go-live).",
                [
                    "Group",
                    "Churn odds x",
                    "beta",
                    "ARR change shift",
                    "Cases to the desk",
                    "Renewals measured",
                ],
                anchors,
            )  # fmt: skip
        )
    warnings = doc.get("warnings") or []
    if warnings:
        sections.append(("Where the data are thin", "".join(paragraph(w) for w in warnings)))
    skipped = doc.get("skipped_rows") or {}
    if skipped or doc.get("notes"):
        lines = [
            f"{file}: {count} row(s) left out: {reason}"
            for file, reasons in skipped.items()
            for reason, count in reasons.items()
        ] + list(doc.get("notes") or [])
        sections.append(("Rows left out and notes", "".join(paragraph(x) for x in lines)))
    when = f" as of {doc['as_of']}" if doc.get("as_of") else ""
    files = ", ".join((doc.get("sources") or {}).values())
    return Page(
        title=f"Calibration from {files}{when}",
        headlines=[headline(name, g) for name, g in groups.items()],
        figures=[
            ("survival_fit", figures.survival_fit(doc)),
            ("handle_time_fit", figures.handle_time_fit(doc)),
            ("case_rates", figures.case_rates(doc)),
        ],
        sections=sections,
        method=METHOD,
        count=sum((g.get("renewal") or {}).get("n_accounts", 0) for g in groups.values()),
        counted="Accounts fitted",
    )
