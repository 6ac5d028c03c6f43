"""What a user asked a plan to be made from: saved as their current plan, and made again."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CALENDAR = "kent"


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan is built from; saved as the user's current plan."""

    programme: str
    start: str
    calendar: str = DEFAULT_CALENDAR
    terms_file: str | None = None
    cohort_file: str | None = None
    study_days: str = "tue,thu"
    study_time: str = "16:30"
    session_hours: float = 1.0
    weekly_cap: float | None = None
    blocked: tuple[str, ...] = field(default=())
    holiday_study: bool = False
    allow_estimates: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PlanRequest:
        data: dict[str, Any] = json.loads(text)
        data["blocked"] = tuple(data.get("blocked", ()))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def anchored(self) -> PlanRequest:
        """File paths made absolute, so the saved plan works from any folder."""

        def absolute(value: str | None) -> str | None:
            return str(Path(value).resolve()) if value else None

        programme = self.programme
        if Path(programme).suffix in {".yaml", ".yml"} and Path(programme).exists():
            programme = str(Path(programme).resolve())
        return PlanRequest(
            **{
                **asdict(self),
                "programme": programme,
                "terms_file": absolute(self.terms_file),
                "cohort_file": absolute(self.cohort_file),
                "blocked": tuple(self.blocked),
            }
        )
