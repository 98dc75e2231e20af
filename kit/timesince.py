"""Ages in words like date-fns' formatDistance: "3 days", "about 2 months", "almost 5 years"."""

import calendar
import math
from datetime import datetime

MINUTES_IN_DAY = 1440
MINUTES_IN_MONTH = 43200  # 30 days, as date-fns counts before whole months take over


def _round_half_up(value: float) -> int:
    # JavaScript's Math.round: halves go up, so 44 min 30 s is already "about 1 hour".
    return math.floor(value + 0.5)


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def whole_months_between(earlier: datetime, later: datetime) -> int:
    """Calendar months that have fully passed from `earlier` to `later`."""
    if later <= earlier:
        return 0
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    while months > 0 and add_months(earlier, months) > later:
        months -= 1
    return months


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def distance_in_words(earlier: datetime, later: datetime) -> str:
    """'less than a minute', '3 days', 'about 2 months', 'almost 5 years', …"""
    seconds = max((later - earlier).total_seconds(), 0)
    minutes = _round_half_up(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 45:
        return _plural(minutes, "minute")
    if minutes < 90:
        return "about 1 hour"
    if minutes < MINUTES_IN_DAY:
        return f"about {_plural(_round_half_up(minutes / 60), 'hour')}"
    if minutes < 2520:
        return "1 day"
    if minutes < MINUTES_IN_MONTH:
        return _plural(_round_half_up(minutes / MINUTES_IN_DAY), "day")
    if minutes < 2 * MINUTES_IN_MONTH:
        return f"about {_plural(_round_half_up(minutes / MINUTES_IN_MONTH), 'month')}"
    months = whole_months_between(earlier, later)
    if months < 12:
        return _plural(_round_half_up(minutes / MINUTES_IN_MONTH), "month")
    years, remainder = divmod(months, 12)
    if remainder < 3:
        return f"about {_plural(years, 'year')}"
    if remainder < 9:
        return f"over {_plural(years, 'year')}"
    return f"almost {_plural(years + 1, 'year')}"
