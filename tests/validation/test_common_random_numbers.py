"""Common random numbers: replication r of two variants sees the same customers, champions and
case arrivals wherever the variant does not change them.

Two levels of checks:

- Factory level (exact by construction, whatever the dynamics): `CustomerFactory` of two
  variants creates customer k of a customer group with the same attributes, renewal draws and
  the same case, champion and training streams, and the same new-logo arrival times -- also for
  groups a variant leaves alone when it changes another group's new-logo rate.
- End to end (`Organisation.run()`): a variant's effect can legitimately spread through shared
  resources (a slower support desk breaches SLAs, which changes churn, which changes who files
  cases later), so the count of, say, year-1 strategic cases is not equal across variants in
  general. What must hold exactly: the same customers are admitted at the same times with the
  same drawn attributes in every variant; and when the resource a variant changes never binds
  (support so ample that no case ever waits, education ample), every customer's story -- cases,
  champion departures, renewals, churn, ARR -- is identical, and only staff-side quantities
  (busy and present hours) differ. Likewise a variant of one tier's CSM headcount leaves every
  other tier's customers exactly as they were, as long as no customer changes tier (re-tiering
  off: a customer who leaves the tier would carry the variant's effect into another).

A customer is named by its group and serial (its tier may change); the ledger books by cell
(tier and group), so a tier's figure is the sum of its cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.book import NEW_LOGO_SERIAL, CustomerFactory
from simcs.model.customer import Customer
from simcs.model.ledger import Ledger
from simcs.model.organisation import Organisation
from simcs.records import split_cell
from simcs.scenario import Scenario
from simcs.scenario.files import load_scenario, scenario_from_dict, with_overrides
from simcs.streams import Streams

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SEED = 20240607
DRAWS = 50

# Attributes drawn when a customer is created (never changed by the simulation; its tier may
# change, the cell it was admitted in may not).
DRAWN = (
    "serial",
    "group",
    "first_cell",
    "theta",
    "sale_time",
    "sponsor_u",
    "stream_key",
    "renewal_u",
    "renewal_z",
    "delivery_u",
    "phase_u",
)
# ... and the state it starts in.
INITIAL_STATE = (
    "tier",
    "cell",
    "exec_sponsor",
    "arr",
    "next_anniversary",
    "renewals",
    "training",
    "go_live_time",
)


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


def _fingerprint(customer: Customer) -> dict[str, Any]:
    """Everything drawn for a fresh customer, including the first draws of its own streams."""
    out = {name: getattr(customer, name) for name in DRAWN + INITIAL_STATE}
    out["cases"] = customer.cases_rng.random(DRAWS).tolist()
    out["champion"] = customer.champion_rng.exponential(size=DRAWS).tolist()
    out["training_draws"] = customer.training_rng.random(DRAWS).tolist()
    return out


def _book(scenario: Scenario, replication: int) -> dict[tuple[str, int], dict[str, Any]]:
    """Fingerprints of the t=0 book and of every new logo over the horizon, by (group, serial)."""
    factory = CustomerFactory(scenario, Streams(SEED, replication))
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for group in scenario.population:
        for customer in factory.initial_book(group):
            out[group, customer.serial] = _fingerprint(customer)
        for k, sale_time in enumerate(factory.arrivals(group)):
            customer = factory.create(group, NEW_LOGO_SERIAL + k, sale_time, False)
            out[group, customer.serial] = _fingerprint(customer)
    return out


VARIANTS = {
    "support_headcount": {"staff.support.headcount": 3},
    "enterprise_csms": {"staff.csm.enterprise.headcount": 20},
    "support_and_levers": {
        "staff.support.headcount": 9,
        "levers.self_service_deflection": 0.3,
        "staff.implementation.headcount": 2,
    },
}


@pytest.mark.parametrize("replication", [0, 7])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_factory_draws_the_same_customers(
    baseline: Scenario, variant: str, replication: int
) -> None:
    other = with_overrides(baseline, VARIANTS[variant])
    assert other != baseline
    mine = _book(baseline, replication)
    theirs = _book(other, replication)
    assert mine.keys() == theirs.keys()
    assert len(mine) > sum(g.initial_customers for g in baseline.population.values())  # new too
    for key, fingerprint in mine.items():
        assert theirs[key] == fingerprint, key


def test_factory_checks_are_not_vacuous(baseline: Scenario) -> None:
    """Another replication, or another group's customer k, really is another customer."""
    zero, one = _book(baseline, 0), _book(baseline, 1)
    for key in [("over_250k", 0), ("100k_to_250k", 5), ("15k_to_100k", 17), ("under_15k", 100)]:
        assert zero[key]["theta"] != one[key]["theta"]
        assert zero[key]["cases"] != one[key]["cases"]
        assert zero[key]["champion"] != one[key]["champion"]
        assert zero[key]["renewal_u"] != one[key]["renewal_u"]
    assert zero["100k_to_250k", 3]["cases"] != zero["15k_to_100k", 3]["cases"]
    assert zero["100k_to_250k", 3]["renewal_u"] != zero["15k_to_100k", 3]["renewal_u"]
    factory0 = CustomerFactory(baseline, Streams(SEED, 0))
    factory1 = CustomerFactory(baseline, Streams(SEED, 1))
    assert factory0.arrivals("15k_to_100k") != factory1.arrivals("15k_to_100k")
    assert factory0.arrivals("15k_to_100k") != factory0.arrivals("100k_to_250k")


@pytest.mark.parametrize("replication", [0, 3])
def test_new_logo_rate_of_one_group_leaves_the_others_alone(
    baseline: Scenario, replication: int
) -> None:
    smb = "15k_to_100k"
    more_smb = with_overrides(baseline, {f"population.{smb}.new_logos_per_year": 160})
    streams = Streams(SEED, replication)
    mine = CustomerFactory(baseline, streams)
    theirs = CustomerFactory(more_smb, Streams(SEED, replication))
    for group in baseline.population:
        if group == smb:
            assert len(theirs.arrivals(group)) > len(mine.arrivals(group))
        else:
            assert theirs.arrivals(group) == mine.arrivals(group), group
    # and every customer outside the changed group (and that group's t=0 book) is the same
    a, b = _book(baseline, replication), _book(more_smb, replication)
    for key, fingerprint in a.items():
        group, serial = key
        if group != smb or serial < NEW_LOGO_SERIAL:
            assert b[key] == fingerprint, key
    # the group's new logo k is still its customer k: same draws, only its sale time moved
    smb_new = [k for k in a if k[0] == smb and k[1] >= NEW_LOGO_SERIAL]
    assert smb_new
    for key in smb_new:
        same = {n: v for n, v in a[key].items() if n not in ("sale_time", "next_anniversary")}
        assert {n: v for n, v in b[key].items() if n in same} == same, key


def test_arrivals_per_year_follow_a_changing_rate(baseline: Scenario) -> None:
    """A yearly rate that changes only in year 3 keeps the arrivals of years 1-2."""
    group = "100k_to_250k"
    rates = [baseline.new_logo_rate(group, y) for y in (1, 2, 3)]
    changed = with_overrides(
        baseline, {f"population.{group}.new_logos_per_year": [rates[0], rates[1], 3 * rates[2]]}
    )
    before = CustomerFactory(baseline, Streams(SEED, 2)).arrivals(group)
    after = CustomerFactory(changed, Streams(SEED, 2)).arrivals(group)
    two_years = 2 * HOURS_PER_YEAR
    assert [t for t in after if t < two_years] == [t for t in before if t < two_years]
    assert len(after) > len(before)


# ----------------------------------------------------------------------------- end to end


def _small(support: int) -> Scenario:
    """The baseline at ~10% of its customers over two years, with `support` agents and an
    education team that can always train everyone waiting."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "crn_small"
    data["horizon_years"] = 2
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.1))
        group["initial_arr_total"] = None
    data["staff"]["support"]["headcount"] = support
    data["staff"]["education"]["headcount"] = 4
    return scenario_from_dict(data)


def _customers(run: Any) -> dict[tuple[str, int], Customer]:
    """The run's customers by name: (group, serial)."""
    out = {(c.group, c.serial): c for c in run.customers}
    assert len(out) == len(run.customers)
    return out


def _story(customer: Customer) -> dict[str, Any]:
    """What happened to a customer over the run."""
    return {
        "churn_time": customer.churn_time,
        "arr": customer.arr,
        "renewals": customer.renewals,
        "renewals_seen": customer.renewals_seen,
        "go_live_time": customer.go_live_time,
        "ttv_hours": customer.ttv_hours,
        "champion_episode": customer.champion_episode,
        "champion_lost_at": customer.champion_lost_at,
        "training": customer.training,
        "tier": customer.tier,
    }


def _customer_side(ledger: Ledger, tiers: set[str]) -> dict[tuple[int, str, str], float]:
    """Ledger sums of the given tiers' cells and CSM teams, without staff time (which agent or
    trainer, ramping or not, served a customer changes busy hours, not the customer's
    experience)."""
    return {
        key: value
        for key, value in ledger.sums.items()
        if (key[1] in tiers or split_cell(key[1])[0] in tiers)
        and not key[2].endswith("_busy_hours")
    }


def _tier_sum(ledger: Ledger, year: int, tier: str, quantity: str) -> float:
    """A quantity of `tier` in `year`: the sum over its cells (one per customer group)."""
    return sum(
        value
        for (y, cell, q), value in ledger.sums.items()
        if y == year and q == quantity and split_cell(cell)[0] == tier
    )


def _never_waited(ledger: Ledger) -> bool:
    waits = ("support_delayed", "support_abandoned", "support_wait_hours_sum")
    return not any(value for (_y, _t, q), value in ledger.sums.items() if q in waits)


@pytest.mark.parametrize("replication", [0, 1, 2])
def test_ample_support_headcount_changes_no_customer(replication: int) -> None:
    base = _small(30)
    more = _small(45)
    a = Organisation(base, SEED, replication).run()
    b = Organisation(more, SEED, replication).run()
    # precondition: support never binds in either variant
    assert _never_waited(a.ledger) and _never_waited(b.ledger)
    tiers = set(base.tiers)
    ca, cb = _customers(a), _customers(b)
    assert ca.keys() == cb.keys()
    for key, customer in ca.items():
        other = cb[key]
        assert {n: getattr(customer, n) for n in DRAWN} == {n: getattr(other, n) for n in DRAWN}
        assert _story(customer) == _story(other), key
    assert _customer_side(a.ledger, tiers) == _customer_side(b.ledger, tiers)
    for tier in tiers:  # year-1 cases and champion departures in particular
        for quantity in ("support_cases", "champion_departures", "churned"):
            assert _tier_sum(a.ledger, 1, tier, quantity) == _tier_sum(b.ledger, 1, tier, quantity)
    assert _tier_sum(a.ledger, 1, "strategic", "support_cases") > 0
    assert sum(_tier_sum(a.ledger, 1, tier, "champion_departures") for tier in tiers) > 0
    assert sum(_tier_sum(a.ledger, 1, tier, "churned") for tier in tiers) > 0
    # the variants do differ: more agents present
    assert b.ledger.get(1, "", "support_present_hours") > a.ledger.get(
        1, "", "support_present_hours"
    )


@pytest.mark.parametrize("replication", [0, 1])
def test_one_tiers_csm_headcount_leaves_other_tiers_alone(replication: int) -> None:
    base = with_overrides(_small(30), {"segmentation.retier": "never"})
    fewer = with_overrides(base, {"staff.csm.enterprise.headcount": 3})
    a = Organisation(base, SEED, replication).run()
    b = Organisation(fewer, SEED, replication).run()
    assert _never_waited(a.ledger) and _never_waited(b.ledger)
    others = set(base.tiers) - {"enterprise"}
    ca, cb = _customers(a), _customers(b)
    assert ca.keys() == cb.keys()
    for key, customer in ca.items():
        other = cb[key]
        assert {n: getattr(customer, n) for n in DRAWN} == {n: getattr(other, n) for n in DRAWN}
        assert customer.tier == other.tier == split_cell(customer.first_cell)[0]  # never moved
        if customer.tier != "enterprise":
            assert _story(customer) == _story(other), key
    assert _customer_side(a.ledger, others) == _customer_side(b.ledger, others)
    # the variant does change the enterprise tier
    assert _customer_side(a.ledger, {"enterprise"}) != _customer_side(b.ledger, {"enterprise"})


@pytest.mark.parametrize("replication", [0, 4])
def test_scarce_support_keeps_who_arrives_and_what_they_drew(replication: int) -> None:
    """Support that binds changes stories, but not the customers or what was drawn for them."""
    base = _small(6)
    scarce = _small(1)
    a = Organisation(base, SEED, replication).run()
    b = Organisation(scarce, SEED, replication).run()
    assert not _never_waited(b.ledger)
    ca, cb = _customers(a), _customers(b)
    assert ca.keys() == cb.keys()
    for key, customer in ca.items():
        assert {n: getattr(customer, n) for n in DRAWN} == {
            n: getattr(cb[key], n) for n in DRAWN
        }, key
    for year in base.measurement_years:
        for tier in base.tiers:
            assert _tier_sum(a.ledger, year, tier, "new_customers") == _tier_sum(
                b.ledger, year, tier, "new_customers"
            )
    assert _tier_sum(a.ledger, 1, "strategic", "customers_start") == len(
        [
            c
            for c in ca.values()
            if split_cell(c.first_cell)[0] == "strategic" and c.serial < NEW_LOGO_SERIAL
        ]
    )
    assert _tier_sum(a.ledger, 1, "strategic", "customers_start") > 0


def test_stream_keys_are_purposes_not_call_order() -> None:
    """Asking for streams in another order, or asking for more of them, changes none."""
    s1, s2 = Streams(SEED, 3), Streams(SEED, 3)
    first = s1.stream(3, 11, 5).random(DRAWS)
    s2.stream(4, 11, 5).random(DRAWS)
    s2.stream(3, 11, 6).random(DRAWS)
    assert np.array_equal(s2.stream(3, 11, 5).random(DRAWS), first)
    assert not np.array_equal(s1.stream(3, 11, 6).random(DRAWS), first)
