"""Closed-form results used to validate and size the simulation.

Queueing formulas (Erlang B, C and A) are imported from :mod:`simcs.formulas.erlang`, which
gathers :mod:`simcs.formulas.erlang_c` (patient customers) and :mod:`simcs.formulas.erlang_a`
(customers who abandon); the shifted-beta-geometric retention model lives in
:mod:`simcs.formulas.sbg`, revenue retention in :mod:`simcs.formulas.retention`, loaded costs
in :mod:`simcs.formulas.costs`, discounting and customer value in
:mod:`simcs.formulas.value`, effective self-service deflection in
:mod:`simcs.formulas.deflection`, and the normal and lognormal distribution functions in
:mod:`simcs.formulas.lognormal`.
"""
