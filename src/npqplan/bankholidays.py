"""England's bank holidays from the maintained `holidays` package, loaded only when asked for."""

from __future__ import annotations

from datetime import date


def england_bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """Weekday bank holidays in England (substitute days included, their weekend twins not)."""
    # Imported here: the package costs tens of milliseconds and only plans need it.
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return {day: str(name) for day, name in sorted(found.items()) if day.weekday() < 5}
