"""Editing an ability, one of its milestones or one of their examples moves "Last updated"."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from abilities.models import Ability
from milestones.models import Example, Milestone
from tests.factories import ExampleFactory, MilestoneFactory, RequirementFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2021, 1, 4, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def example():
    with time_machine.travel(LONG_AGO, tick=False):
        return ExampleFactory()


def updated_at(ability) -> datetime.datetime:
    return Ability.objects.get(pk=ability.pk).updated_at


@pytest.fixture
def ability(example):
    ability = example.milestone.ability
    assert updated_at(ability) == LONG_AGO
    return ability


@time_machine.travel(TODAY, tick=False)
def test_editing_the_ability_moves_updated_at(ability):
    ability.description = "A new reason why."
    ability.save()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_saving_an_unchanged_ability_keeps_updated_at(ability):
    Ability.objects.get(pk=ability.pk).save()
    assert updated_at(ability) == LONG_AGO


@time_machine.travel(TODAY, tick=False)
def test_editing_a_milestone_moves_updated_at(example, ability):
    milestone = type(example.milestone).objects.get(pk=example.milestone.pk)
    milestone.summary = "Sharper wording"
    milestone.save()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_saving_an_unchanged_milestone_keeps_updated_at(example, ability):
    type(example.milestone).objects.get(pk=example.milestone.pk).save()
    assert updated_at(ability) == LONG_AGO


@time_machine.travel(TODAY, tick=False)
def test_adding_a_milestone_moves_updated_at(ability):
    MilestoneFactory(ability=ability, level=2)
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_editing_an_example_moves_updated_at(example, ability):
    example = type(example).objects.get(pk=example.pk)
    example.example_task = "Shipped the thing"
    example.save()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_saving_an_unchanged_example_keeps_updated_at(example, ability):
    type(example).objects.get(pk=example.pk).save()
    assert updated_at(ability) == LONG_AGO


@time_machine.travel(TODAY, tick=False)
def test_adding_an_example_moves_updated_at(example, ability):
    ExampleFactory(milestone=example.milestone)
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_deleting_an_example_moves_updated_at(example, ability):
    example.delete()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_deleting_examples_as_a_queryset_moves_updated_at(example, ability):
    """Admin's "delete selected" deletes a QuerySet, without calling each example's delete()."""
    Example.objects.filter(pk=example.pk).delete()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_deleting_milestones_as_a_queryset_moves_updated_at(example, ability):
    Milestone.objects.filter(ability=ability).delete()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_deleting_a_milestone_moves_updated_at(example, ability):
    example.milestone.delete()
    assert updated_at(ability) == TODAY


@time_machine.travel(TODAY, tick=False)
def test_a_requirement_is_not_content(ability):
    RequirementFactory(ability=ability)
    assert updated_at(ability) == LONG_AGO


def test_created_at_stays_put(ability):
    with time_machine.travel(TODAY, tick=False):
        ability.summary = "Changed"
        ability.save()
    assert Ability.objects.get(pk=ability.pk).created_at == LONG_AGO
    assert timezone.now() > LONG_AGO
