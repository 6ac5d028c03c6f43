"""What one plan is made from and never changes while it is made: the programme, the days it
may use, the step, the weekly cap and the dates a provider or cohort fixed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time

from npqplan.scheduling.availability import Availability
from npqplan.schema import Component, Programme


@dataclass(frozen=True)
class FixedDates:
    """Dates a cohort file gives one component, overriding the programme and the defaults."""

    dates: tuple[date, ...]
    time: time | None = None


@dataclass
class Planning:
    programme: Programme
    days: Availability
    step: int
    cap: int
    shortest: int
    fixed_dates: Mapping[tuple[str, str], FixedDates] = field(default_factory=dict)
    # Every teaching week of the plan, once its terms are laid out.
    plan_weeks: list[date] = field(default_factory=list)

    @property
    def half_hour(self) -> int:
        """Half an hour in steps: the piece self-study is levelled and dealt in."""
        return 30 // self.step

    def steps(self, minutes: int) -> int:
        return minutes // self.step

    def minutes(self, steps: int) -> int:
        return steps * self.step

    def component_steps(self, component: Component) -> int:
        total = component.total_minutes
        assert total is not None, "cadenced components are counted by the calendar"
        return total // self.step

    def without_busy(self) -> Planning:
        """The same plan as if the person's own calendar were empty: to count what it moved."""
        return replace(self, days=self.days.without_busy())

    def fixed_for(self, term: str, component: Component) -> FixedDates | None:
        override = self.fixed_dates.get((term, component.name))
        if override is not None:
            return override
        if component.dates:
            return FixedDates(tuple(component.dates), component.time)
        return None
