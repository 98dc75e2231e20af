"""Ages worded like date-fns' formatDistance, at each boundary of its table."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.timesince import distance_in_words, whole_months_between

START = datetime.datetime(2021, 1, 15, 12, 0, tzinfo=datetime.UTC)


def span(**kwargs) -> str:
    return distance_in_words(START, START + datetime.timedelta(**kwargs))


@pytest.mark.parametrize(
    ("elapsed", "words"),
    [
        ({"seconds": 0}, "less than a minute"),
        ({"seconds": 29}, "less than a minute"),
        ({"seconds": 30}, "1 minute"),
        ({"seconds": 89}, "1 minute"),
        ({"seconds": 90}, "2 minutes"),
        ({"minutes": 44, "seconds": 29}, "44 minutes"),
        ({"minutes": 44, "seconds": 30}, "about 1 hour"),
        ({"minutes": 89, "seconds": 29}, "about 1 hour"),
        ({"minutes": 89, "seconds": 30}, "about 2 hours"),
        ({"hours": 23, "minutes": 59, "seconds": 29}, "about 24 hours"),
        ({"hours": 23, "minutes": 59, "seconds": 30}, "1 day"),
        ({"hours": 41, "minutes": 59, "seconds": 29}, "1 day"),
        ({"hours": 42}, "2 days"),
        ({"days": 29, "hours": 23, "minutes": 59, "seconds": 29}, "30 days"),
        ({"days": 29, "hours": 23, "minutes": 59, "seconds": 30}, "about 1 month"),
        ({"days": 44, "hours": 23, "minutes": 59, "seconds": 29}, "about 1 month"),
        ({"days": 45}, "about 2 months"),
        ({"days": 59, "hours": 23, "minutes": 59, "seconds": 29}, "about 2 months"),
        ({"days": 60}, "2 months"),
        ({"days": 200}, "7 months"),
        ({"days": 364}, "12 months"),
    ],
)
def test_distance_under_a_year(elapsed, words):
    assert span(**elapsed) == words


def at(year, month, day=15, hour=12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("later", "words"),
    [
        (at(2022, 1), "about 1 year"),
        (at(2022, 3, 15, 11), "about 1 year"),
        (at(2022, 4), "over 1 year"),
        (at(2022, 10, 15, 11), "over 1 year"),
        (at(2022, 10), "almost 2 years"),
        (at(2023, 4), "over 2 years"),
        (at(2025, 10), "almost 5 years"),  # 4 years 9 months: Medium's Servers
        (at(2025, 12), "almost 5 years"),  # 4 years 11 months
        (at(2026, 1), "about 5 years"),  # 5 years: Lessonly's Infrastructure
        (at(2026, 4, 15, 11), "about 5 years"),  # 5 years 3 months minus an hour
        (at(2026, 4), "over 5 years"),
    ],
)
def test_distance_in_years(later, words):
    assert distance_in_words(START, later) == words


def test_a_moment_in_the_future_reads_as_now():
    assert distance_in_words(START, START - datetime.timedelta(days=3)) == "less than a minute"


def test_whole_months_count_month_ends_sensibly():
    assert whole_months_between(at(2021, 1, 31), at(2021, 2, 28)) == 1
    assert whole_months_between(at(2021, 1, 31), at(2021, 2, 27)) == 0
    assert whole_months_between(at(2020, 2, 29), at(2021, 2, 28)) == 12


@given(st.integers(min_value=0, max_value=20 * 365 * 24 * 3600))
def test_words_never_go_backwards_over_a_day(seconds):
    """A later moment never reads as a shorter age than an earlier one."""
    order = ["less than a minute", "minute", "hour", "day", "month", "year"]

    def rank(words: str) -> int:
        return max(i for i, unit in enumerate(order) if unit in words)

    now = START + datetime.timedelta(seconds=seconds)
    assert rank(distance_in_words(START, now)) <= rank(
        distance_in_words(START, now + datetime.timedelta(days=1))
    )
