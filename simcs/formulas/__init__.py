"""Closed-form results used to validate and size the simulation.

Queueing formulas (Erlang B, C and A) live in :mod:`simcs.formulas.erlang`; the
shifted-beta-geometric retention model lives in :mod:`simcs.formulas.sbg`.
"""
