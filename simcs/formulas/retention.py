"""Retention metrics of a year-start cohort (SaaS Capital definitions)."""

from __future__ import annotations


def gross_revenue_retention(arr_start: float, arr_retained: float) -> float:
    """GRR = sum min(ARR end, ARR start) / sum ARR start over the cohort (churned = 0)."""
    return arr_retained / arr_start if arr_start > 0 else float("nan")


def net_revenue_retention(arr_start: float, arr_end: float) -> float:
    """NRR = sum ARR end / sum ARR start over the year-start cohort (expansion counts)."""
    return arr_end / arr_start if arr_start > 0 else float("nan")


def logo_retention(cohort: float, retained: float) -> float:
    """Cohort customers still active at year end / cohort size."""
    return retained / cohort if cohort > 0 else float("nan")
