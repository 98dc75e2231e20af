import datetime

import pytest
import time_machine
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from abilities.models import Ability
from health.badges import NotAnnotated, badges, needing_attention, with_health
from kit.timesince import add_months
from observations.models import Observation
from tests.factories import (
    AbilityFactory,
    AchievementFactory,
    ConversationFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


def lines(ability) -> list[str]:
    return [str(badge) for badge in badges(with_health(Ability.objects).get(pk=ability.pk), NOW)]


def ability_updated(**delta) -> Ability:
    ability = AbilityFactory()
    Ability.objects.filter(pk=ability.pk).update(updated_at=NOW - datetime.timedelta(**delta))
    return ability


def test_a_new_ability_reads_like_a_forgotten_one():
    assert lines(ability_updated(days=2)) == [
        "⚠️ Associated with no roles",
        "⚠️ Has been referenced in no observations",
        "ℹ️ No one has achieved a milestone on this ability",
        "✅ Last updated: 2 days ago",
        "ℹ️ Never conversed about",
    ]


def test_badges_follow_the_data():
    ability = ability_updated(days=2)
    RequirementFactory(ability=ability)
    milestone = MilestoneFactory(ability=ability, level=2)
    Ability.objects.filter(pk=ability.pk).update(updated_at=NOW - datetime.timedelta(hours=3))
    ObservationFactory(organization=ability.organization, ability=ability)
    AchievementFactory(milestone=milestone)
    ConversationFactory(ability=ability)
    assert lines(ability) == [
        "✅ Associated with 1 role",
        "✅ Has been referenced in 1 observation",
        "✅ 1 person has achieved a milestone on this ability",
        "✅ Last updated: about 3 hours ago",
        "✅ Conversed about in 1 conversation",
    ]


def test_counts_are_plural_and_count_distinct_people():
    ability = ability_updated(days=2)
    for _ in range(6):
        RequirementFactory(ability=ability)
    for privacy in Observation.Privacy.values:  # every privacy counts; no content is shown
        ObservationFactory(organization=ability.organization, ability=ability, privacy=privacy)
    first, second = (MilestoneFactory(ability=ability, level=level) for level in (1, 2))
    achiever = AchievementFactory(milestone=first).membership
    AchievementFactory(milestone=second, membership=achiever)
    AchievementFactory(milestone=second)
    AchievementFactory(milestone=first)
    ConversationFactory(ability=ability)
    ConversationFactory(ability=ability)
    assert lines(ability)[:3] + lines(ability)[4:] == [
        "✅ Associated with 6 roles",
        "✅ Has been referenced in 6 observations",
        "✅ 3 people have achieved a milestone on this ability",
        "✅ Conversed about in 2 conversations",
    ]


@pytest.mark.parametrize(
    ("days", "line"),
    [
        (150, "✅ Last updated: 5 months ago"),
        (200, "⚠️ Last updated: 7 months ago"),
        (364, "⚠️ Last updated: 12 months ago"),
        (400, "⛔️ Last updated: about 1 year ago"),
        (1766, "⛔️ Last updated: almost 5 years ago"),
    ],
)
def test_freshness_level_by_age(days, line):
    assert lines(ability_updated(days=days))[3] == line


def test_other_abilities_evidence_does_not_count():
    ability = ability_updated(days=2)
    ObservationFactory(organization=ability.organization)
    ConversationFactory()
    RequirementFactory()
    assert lines(ability)[0] == "⚠️ Associated with no roles"
    assert lines(ability)[1] == "⚠️ Has been referenced in no observations"


def test_health_of_many_abilities_is_one_query(django_assert_num_queries):
    for _ in range(20):
        ability = AbilityFactory()
        RequirementFactory(ability=ability)
        ObservationFactory(organization=ability.organization, ability=ability)
        ConversationFactory(ability=ability)
    # 1: abilities joined to their stored counts
    with django_assert_num_queries(1), time_machine.travel(NOW):
        every = [badges(ability) for ability in with_health(Ability.objects.all())]
    assert len(every) == 20
    assert all(str(b[0]) == "✅ Associated with 1 role" for b in every)


def test_an_ability_loaded_without_its_counts_is_refused_not_queried(django_assert_num_queries):
    ability = ability_updated(days=2)
    RequirementFactory(ability=ability)
    ability = Ability.objects.get(pk=ability.pk)
    with django_assert_num_queries(0), pytest.raises(NotAnnotated, match="with_health"):
        badges(ability, NOW)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.booleans(), st.integers(min_value=0, max_value=500)),
        min_size=1,
        max_size=6,
    )
)
def test_needing_attention_in_sql_agrees_with_the_badges(specs):
    """The toggle's SQL and the badges' icons say the same of every ability."""
    with transaction.atomic():
        organization = OrganizationFactory()
        for has_role, has_observation, age_in_days in specs:
            ability = AbilityFactory(organization=organization)
            Ability.objects.filter(pk=ability.pk).update(
                updated_at=NOW - datetime.timedelta(days=age_in_days)
            )
            if has_role:
                RequirementFactory(ability=ability)
            if has_observation:
                ObservationFactory(organization=organization, ability=ability)
        abilities = organization.abilities.all()
        by_badges = {
            a.pk for a in with_health(abilities) if any(b.needs_attention for b in badges(a, NOW))
        }
        assert set(needing_attention(abilities, NOW).values_list("pk", flat=True)) == by_badges
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("months", "seconds", "icon"),
    [
        (6, 1, "✅"),  # a second short of six months
        (6, 0, "⚠️"),  # six months to the second: needs attention
        (12, 1, "⚠️"),  # a second short of twelve months
        (12, 0, "⛔️"),  # twelve months to the second: an error, not a warning
    ],
)
def test_freshness_changes_level_at_six_and_twelve_months_exactly(months, seconds, icon):
    """The boundaries the 364- and 400-day cases leave open, pinned to the second."""
    ability = AbilityFactory()
    updated_at = add_months(NOW, -months) + datetime.timedelta(seconds=seconds)
    Ability.objects.filter(pk=ability.pk).update(updated_at=updated_at)
    assert lines(ability)[3].startswith(icon + " Last updated:")


@pytest.mark.parametrize(("days", "icon"), [(365, "⛔️"), (366, "⛔️"), (399, "⛔️")])
def test_a_year_old_ability_is_an_error_between_364_and_400_days(days, icon):
    # NOW is 23 Nov 2026: 365 days back is 23 Nov 2025, twelve months to the day.
    assert lines(ability_updated(days=days))[3].startswith(icon)
