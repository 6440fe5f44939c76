"""Champion loss and the Smooth Transition play.

Each account's champion leaves at a constant rate (Poisson). Until a new champion is onboarded
the account carries the champion-lost churn odds at renewal and is untrained. Left alone, the
account finds and onboards a new champion after an exponential time (mean
`champions.replacement_weeks`). The departure is *detected* by the assigned or pooled CSM at the
next delivered touch, by a support case from someone new, or by an automated signal in digital
tiers. On detection, if the Smooth Transition play is on, a self-service sequence starts and a
short CSM task is queued at top priority; the new champion is onboarded when both are done (in
digital tiers, or with no CSM to take the task, when a longer self-service-only sequence ends).
How long that task waits is what CSM staffing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.model.clock import Calendar
from simcs.model.csm import CsmTeam
from simcs.model.customer import NOT_TRAINED, Customer
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.scenario import Scenario


class ChampionTurnover:
    """Champion departures, detection and replacement for every account."""

    def __init__(
        self,
        env: Calendar,
        scenario: Scenario,
        ledger: Ledger,
        teams: dict[str, CsmTeam],
        on_new_champion: Callable[[Customer], None],
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.teams = teams
        self.on_new_champion = on_new_champion
        self.journal = Journal()

    def start(self, customer: Customer) -> None:
        """From now (the account is live) until it churns, its champions come and go.

        A chain of alarms, not a process: the next departure is drawn when the account has a
        champion again (at once, at go-live)."""
        if self._mean_stay_hours(customer.group) > 0:
            self._next_departure(customer)

    def _mean_stay_hours(self, group: str) -> float:
        """A champion's mean stay in the group (0: champions never leave)."""
        rate = self.scenario.population[group].champion_departures_per_year
        if rate is None:
            rate = self.scenario.champions.departure_rate_per_year
        return HOURS_PER_YEAR / rate if rate > 0 else 0.0

    def _next_departure(self, customer: Customer) -> None:
        if not customer.active:
            return
        stay = customer.champion_rng.exponential(self._mean_stay_hours(customer.group))
        self.env.after(stay, self._departure, customer)

    def _departure(self, customer: Customer) -> None:
        """The champion leaves; a replacement is found unassisted after an exponential time,
        unless the play or the account's own search gets there first."""
        if not customer.active:
            return
        env = self.env
        config = self.scenario.champions
        replacement = customer.champion_rng.exponential(weeks(config.replacement_weeks))
        customer.champion_present = False
        customer.champion_lost_at = env.now
        customer.champion_detected = False
        customer.champion_episode += 1
        customer.term.champion_lost = True
        customer.training = NOT_TRAINED
        self.ledger.add(env.now, customer.cell, "champion_departures")
        self.journal.record(
            env.now,
            customer.group,
            customer.serial,
            "champion left",
            "the account is at risk until a new champion is onboarded",
        )
        episode = customer.champion_episode
        self._after(replacement, lambda e=episode: self._replaced(customer, e, via_play=False))
        if self.teams[customer.tier].coverage == "digital":
            self._after(weeks(config.digital_signal_weeks), lambda: self.detect(customer))

    def _after(self, delay: float, action: Callable[[], None]) -> None:
        self.env.after(delay, _call, action)

    def detect(self, customer: Customer) -> None:
        """Someone noticed the champion is gone: run the Smooth Transition play if it is on."""
        if customer.champion_present or customer.champion_detected or not customer.active:
            return
        customer.champion_detected = True
        self.journal.record(
            self.env.now,
            customer.group,
            customer.serial,
            "change detected",
            "Smooth Transition starts"
            if self.scenario.levers.smooth_transition.enabled
            else "no play: waiting for the account to find a new champion",
        )
        self.ledger.add(self.env.now, customer.cell, "champion_detections")
        play = self.scenario.levers.smooth_transition
        if not play.enabled:
            return
        episode = customer.champion_episode
        team = self.teams[customer.tier]
        sequence_end = self.env.now + weeks(play.sequence_weeks)

        def task_done() -> None:
            delay = max(0.0, sequence_end - self.env.now)
            self._after(delay, lambda: self._replaced(customer, episode, via_play=True))

        if team.coverage == "digital" or not team.request_play(customer, play.csm_hours, task_done):
            self._after(
                weeks(play.digital_only_weeks),
                lambda: self._replaced(customer, episode, via_play=True),
            )

    def _replaced(self, customer: Customer, episode: int, via_play: bool) -> None:
        """A new champion is onboarded, unless the account has churned or already has one."""
        if not customer.active or customer.champion_present or customer.champion_episode != episode:
            return
        customer.champion_present = True
        self.journal.record(
            self.env.now,
            customer.group,
            customer.serial,
            "new champion",
            "through the Smooth Transition play" if via_play else "found by the account alone",
        )
        if via_play:
            self.ledger.add(self.env.now, customer.cell, "smooth_transitions")
        # the next departure is drawn after what the new champion sets off (where a process
        # waiting on the champion's return would resume)
        self.env.after(0.0, self._next_departure, customer)
        if customer.active:
            self.on_new_champion(customer)


def _call(action: Callable[[], None]) -> None:
    action()
