"""Calibration: the user's own company, fitted from its history (`renewal`: the sBG churn law
by maximum likelihood from account histories or a cohort table)."""
