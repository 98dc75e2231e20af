import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from abilities.models import Ability
from milestones.models import Achievement, Milestone, Requirement
from observations.models import Observation
from tests.factories import (
    AbilityFactory,
    AchievementFactory,
    ExampleFactory,
    MembershipFactory,
    MilestoneFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", [0, 6])
def test_milestone_level_outside_1_to_5_refused_by_the_database(level):
    ability = AbilityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(ability=ability, level=level, miles=1)


def test_milestone_level_unique_per_ability():
    milestone = MilestoneFactory(level=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(ability=milestone.ability, level=3, miles=6)


@pytest.mark.parametrize(("level", "miles"), [(1, 1), (2, 3), (3, 6), (4, 12), (5, 20)])
def test_miles_default_by_level(level, miles):
    assert MilestoneFactory(level=level).miles == miles


def test_miles_phrase_is_singular_for_one_mile():
    assert MilestoneFactory.build(miles=1).miles_phrase == "adds 1 mile to your journey"
    assert MilestoneFactory.build(miles=6).miles_phrase == "adds 6 miles to your journey"


def test_one_requirement_per_role_and_ability():
    requirement = RequirementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(role=requirement.role, ability=requirement.ability, level=3)


@pytest.mark.parametrize("level", [0, 6])
def test_requirement_level_outside_1_to_5_refused_by_the_database(level):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementFactory(level=level)


def test_unknown_requirement_strength_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementFactory(strength="optional")


def test_requirement_across_organizations_refused_by_validation():
    requirement = Requirement(role=RoleFactory(), ability=AbilityFactory(), level=1)
    with pytest.raises(ValidationError) as error:
        requirement.full_clean()
    assert "ability" in error.value.message_dict


def test_requirement_reads_like_the_seed():
    requirement = RequirementFactory(role__name="Incident Remediation Lead", strength="recommended")
    assert str(requirement) == "Incident Remediation Leads are recommended to be milestone 2+"


def test_one_achievement_per_person_and_milestone():
    achievement = AchievementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            membership=achievement.membership, milestone=achievement.milestone
        )


def test_achievement_of_another_organizations_milestone_refused_by_validation():
    achievement = Achievement(membership=MembershipFactory(), milestone=MilestoneFactory())
    with pytest.raises(ValidationError) as error:
        achievement.full_clean()
    assert "milestone" in error.value.message_dict


def test_deleting_an_ability_with_achievements_is_refused():
    achievement = AchievementFactory()
    ability = achievement.milestone.ability
    with pytest.raises(RestrictedError), transaction.atomic():
        ability.delete()
    assert Ability.objects.filter(pk=ability.pk).exists()
    assert Milestone.objects.filter(pk=achievement.milestone.pk).exists()


def test_deleting_an_ability_with_observations_is_refused():
    observation = ObservationFactory()
    with pytest.raises(RestrictedError), transaction.atomic():
        observation.ability.delete()
    assert Ability.objects.filter(pk=observation.ability.pk).exists()


def test_deleting_an_ability_without_evidence_takes_its_ladder_with_it():
    ability = ability_with_ladder()
    RequirementFactory(ability=ability)
    ability.delete()
    assert not Milestone.objects.exists()
    assert not Requirement.objects.exists()


def test_deleting_an_organization_with_evidence_is_refused_and_takes_nothing():
    achievement = AchievementFactory()
    organization = achievement.membership.organization
    ObservationFactory(organization=organization, ability=achievement.milestone.ability)
    with pytest.raises(RestrictedError):
        organization.delete()
    assert Ability.objects.exists() and Achievement.objects.exists()
    assert Observation.objects.exists()


def test_deleting_an_organization_without_evidence_takes_its_framework():
    ability = AbilityFactory()
    ability.organization.delete()
    assert not Ability.objects.exists()


def test_an_example_without_a_position_goes_to_the_end():
    milestone = MilestoneFactory()
    ExampleFactory(milestone=milestone, position=4)
    added = ExampleFactory(milestone=milestone, position=None)
    assert added.position == 5
    assert ExampleFactory(milestone=MilestoneFactory(level=2), position=None).position == 1
