"""Make the exports of Acme Analytics, a synthetic software company with known laws.

Run it from the repository's top folder (`python examples/acme/make_acme.py`); it writes
`accounts.csv`, `tickets.csv`, `cohorts.csv` and `arr_history.csv` beside itself, the same
bytes every time (one `numpy.random.SeedSequence`, one stream per purpose and group).

The truth the calibration should recover (`TRUTH`, `EXPANSION`):

- three customer groups, each signing new customers as a Poisson process from 2019-07-01 to
  the cut-off 2025-06-30, with lognormal ARR;
- each customer's churn probability at a renewal drawn once from Beta(alpha, beta) (the sBG
  law); contracts are annual and renew on the anniversary of the start; a customer that churns
  ends on the anniversary it did not renew;
- at each renewal a customer makes (by the cut-off), its ARR is multiplied by exp(Normal(mean,
  sd)), the group's expansion law (`EXPANSION`: SMB 0.02 +- 0.15, Mid-Market 0.05 +- 0.12,
  Enterprise 0.08 +- 0.10), drawn from a stream of its own so the other draws do not depend
  on it. `arr_history.csv` has each account's ARR from its start and from each renewal
  (`account_id, date, arr`); `accounts.csv`'s `arr` is the latest, as a CRM's current-ARR
  field shows it: the ARR at the account's end (churned) or at the cut-off (current);
- support tickets over the two years before the cut-off (the help desk keeps two years): a
  Poisson process per customer at the group's rate while under contract, handle times lognormal
  (mean 35 minutes, cv 1.1), 2% of them recorded as 0 (not timed);
- cohorts.csv: the customers who started in the first year, group by group, still under
  contract at the start of each year since (period 0 = the cohort's size), as a company with
  aggregates only would report them.

Names and e-mails are in the exports, as in a real CRM export, to show that simcs ignores them.

The seed is fixed (1). For it, `simcs calibrate` holds each group's true alpha and beta inside
their 95% intervals; over twelve seeds the profile-likelihood intervals held 70 of the 72 true
values (97%; Wald intervals, used before, held 62: they run short for groups of a few hundred
accounts, whose likelihood is skewed). The ARR history's changes
at renewal (`simcs.calibration.expansion`) hold each group's true mean and sd inside their 95%
intervals too.
"""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
START, CUT_OFF = date(2019, 7, 1), date(2025, 6, 30)
TICKETS_FROM = date(2023, 7, 1)
#: group -> (new logos a year, mean ARR, ARR cv, alpha, beta, cases per customer-year)
TRUTH = {
    "SMB": (420.0, 12_000.0, 0.5, 1.4, 4.2, 6.0),
    "Mid-Market": (220.0, 45_000.0, 0.5, 1.0, 6.0, 4.0),
    "Enterprise": (70.0, 160_000.0, 0.5, 0.7, 7.3, 3.0),
}
HANDLE_MEAN_MINUTES, HANDLE_CV, UNTIMED = 35.0, 1.1, 0.02
#: group -> (mean, sd) of the log ARR change at each renewal
EXPANSION = {"SMB": (0.02, 0.15), "Mid-Market": (0.05, 0.12), "Enterprise": (0.08, 0.10)}


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def make(
    seed: int = 1,
) -> tuple[list[list[str]], list[list[str]], list[list[str]], list[list[str]]]:
    """The four exports' rows (header first): accounts, tickets, cohorts, ARR history."""
    root = np.random.SeedSequence(seed)
    accounts = [
        ["account_id", "account_name", "arr", "start_date", "end_date", "group", "owner_email"]
    ]
    tickets = [["ticket_id", "account_id", "created_at", "handle_minutes", "priority"]]
    cohorts = [["group", "period", "alive"]]
    history = [["account_id", "date", "arr"]]
    days = (CUT_OFF - START).days
    sigma_handle = math.sqrt(math.log(1 + HANDLE_CV**2))
    # one stream per group, then one per group for the ARR changes (spawned after the first
    # ones, so those are the streams they always were)
    streams = root.spawn(2 * len(TRUTH))
    for key, (name, (rate, mean_arr, cv, alpha, beta, cases)) in enumerate(TRUTH.items()):
        rng = np.random.default_rng(streams[key])
        growth = np.random.default_rng(streams[len(TRUTH) + key])
        mean_change, sd_change = EXPANSION[name]
        n = rng.poisson(rate * days / 365.25)
        starts = sorted(START + timedelta(days=int(d)) for d in rng.integers(0, days, n))
        sigma = math.sqrt(math.log(1 + cv**2))
        first_year = [0] * 7
        for k, start in enumerate(starts):
            arr = rng.lognormal(math.log(mean_arr) - sigma**2 / 2, sigma)
            theta = rng.beta(alpha, beta)
            lifetime = int(min(rng.geometric(theta), 50))  # the renewal it does not make
            end = _anniversary(start, lifetime)
            ended = end <= CUT_OFF
            account = f"{name[:3].upper()}-{k:05d}"
            history.append([account, start.isoformat(), f"{arr:.2f}"])
            now = arr
            for renewal in range(1, lifetime):  # the renewals it makes, up to the cut-off
                when = _anniversary(start, renewal)
                if when > CUT_OFF:
                    break
                now *= math.exp(growth.normal(mean_change, sd_change))
                history.append([account, when.isoformat(), f"{now:.2f}"])
            accounts.append(
                [
                    account,
                    f"Customer {k} {name}",
                    f"{now:.2f}",
                    start.isoformat(),
                    end.isoformat() if ended else "",
                    name,
                    f"owner{k}@example.com",
                ]
            )
            if start < date(2020, 7, 1):  # the first year's cohort
                for period in range(7):
                    if period < lifetime:
                        first_year[period] += 1
            begin, stop = max(start, TICKETS_FROM), min(end, CUT_OFF)
            span = (stop - begin).days
            if span <= 0:
                continue
            for offset in sorted(rng.uniform(0, span, rng.poisson(cases * span / 365.25))):
                when = begin + timedelta(days=float(offset))
                minutes = rng.lognormal(
                    math.log(HANDLE_MEAN_MINUTES) - sigma_handle**2 / 2, sigma_handle
                )
                timed = rng.random() >= UNTIMED
                tickets.append(
                    [
                        f"T{len(tickets):06d}",
                        account,
                        f"{when.isoformat()}T{int(offset * 24) % 24:02d}:00:00",
                        f"{minutes:.1f}" if timed else "0",
                        "normal",
                    ]
                )
        for period, alive in enumerate(first_year[:6]):
            cohorts.append([name, str(period), str(alive)])
    return accounts, tickets, cohorts, history


def main() -> None:
    """Write the four exports beside this script."""
    names = ("accounts", "tickets", "cohorts", "arr_history")
    for name, rows in zip(names, make(), strict=True):
        with (HERE / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        print(f"wrote examples/acme/{name}.csv: {len(rows) - 1:,} rows")


if __name__ == "__main__":
    main()
