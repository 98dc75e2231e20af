"""The stored counts behind the health badges: kept with every write, rebuilt by `recount`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError
from hypothesis import given, settings
from hypothesis import strategies as st

from abilities.models import Ability, AbilityCounts
from health import counts as health
from milestones.models import Achievement, Milestone, Requirement
from observations.models import Conversation, Observation
from organizations.models import Organization
from tests.factories import (
    AbilityFactory,
    AchievementFactory,
    ConversationFactory,
    MembershipFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    RequirementFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = ("roles", "observations", "achievers", "conversations")


def stored_and_recomputed(abilities) -> tuple[dict, dict]:
    ids = [ability.pk for ability in abilities]
    stored = {
        row["ability"]: tuple(row[f] for f in FIELDS)
        for row in AbilityCounts.objects.filter(ability__in=ids).values("ability", *FIELDS)
    }
    fresh = Ability.objects.filter(pk__in=ids).annotate(
        **{f"n_{field}": value for field, value in health.recomputed().items()}
    )
    names = [f"n_{field}" for field in FIELDS]
    recomputed = {row["pk"]: tuple(row[n] for n in names) for row in fresh.values("pk", *names)}
    return stored, recomputed


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "observe",
                "move observation",
                "delete observation",
                "award",
                "revoke",
                "require",
                "move requirement",
                "drop requirement",
                "converse",
                "move conversation",
                "delete conversation",
                "delete person",
            ]
        ),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(OPERATIONS)
def test_stored_counts_never_differ_from_the_rows(operations):
    """Whatever is added, moved or removed, in any order, the stored counts are the real ones."""
    with transaction.atomic():
        organization = OrganizationFactory()
        abilities = [AbilityFactory(organization=organization) for _ in range(3)]
        milestones = [
            MilestoneFactory(ability=ability, level=level)
            for ability in abilities
            for level in (1, 2)
        ]
        people = [MembershipFactory(organization=organization) for _ in range(3)]
        roles = [RoleFactory(organization=organization) for _ in range(3)]

        def pick(model, n, **filters):
            rows = list(model.objects.filter(**filters).order_by("pk"))
            return rows[n % len(rows)] if rows else None

        for operation, a, b in operations:
            ability = abilities[a % 3]
            scope = {"ability__organization": organization}
            if operation == "observe":
                ObservationFactory(
                    organization=organization,
                    ability=ability,
                    subject=people[b % 3],
                    observer=people[(b + 1) % 3],
                )
            elif operation == "move observation" and (row := pick(Observation, b, **scope)):
                row.ability = ability
                row.save()
            elif operation == "delete observation" and (row := pick(Observation, b, **scope)):
                row.delete()
            elif operation == "award":
                milestone, person = milestones[a % len(milestones)], people[b % 3]
                if not Achievement.objects.filter(milestone=milestone, membership=person).exists():
                    AchievementFactory(milestone=milestone, membership=person)
            elif operation == "revoke" and (
                row := pick(Achievement, b, milestone__ability__organization=organization)
            ):
                row.delete()
            elif operation == "require":
                role = roles[b % 3]
                if not Requirement.objects.filter(role=role, ability=ability).exists():
                    RequirementFactory(ability=ability, role=role)
            elif operation == "move requirement" and (row := pick(Requirement, b, **scope)):
                if not Requirement.objects.filter(role=row.role, ability=ability).exists():
                    row.ability = ability
                    row.save()
            elif operation == "drop requirement" and (row := pick(Requirement, b, **scope)):
                row.delete()
            elif operation == "converse":
                ConversationFactory(ability=ability, started_by=people[b % 3])
            elif operation == "move conversation" and (row := pick(Conversation, b, **scope)):
                row.ability = ability
                row.save()
            elif operation == "delete conversation" and (row := pick(Conversation, b, **scope)):
                row.delete()
            elif operation == "delete person":
                # Refused while there is evidence about them (RESTRICT), before anything is
                # written; else their observations of others lose their observer.
                try:
                    people[b % 3].delete()
                except RestrictedError:
                    pass
                else:
                    people[b % 3] = MembershipFactory(organization=organization)
            stored, recomputed = stored_and_recomputed(abilities)
            assert stored == recomputed, operation
        transaction.set_rollback(True)


def test_a_new_ability_starts_with_counts_of_zero():
    ability = AbilityFactory()
    assert AbilityCounts.objects.filter(
        ability=ability, roles=0, observations=0, achievers=0, conversations=0
    ).exists()


def test_several_milestones_of_one_person_count_them_once():
    ability = AbilityFactory()
    person = MembershipFactory(organization=ability.organization)
    for level in (1, 2, 3):
        AchievementFactory(
            membership=person, milestone=MilestoneFactory(ability=ability, level=level)
        )
    assert AbilityCounts.objects.get(ability=ability).achievers == 1


def test_a_failure_while_counting_leaves_neither_the_row_nor_the_count(monkeypatch):
    """The count is written in the row's own transaction: both are saved or neither is."""
    observation = ObservationFactory()
    ability = observation.ability

    def broken(ability_ids):
        raise IntegrityError("the counts could not be written")

    monkeypatch.setattr(health, "recount", broken)
    with pytest.raises(IntegrityError):
        ObservationFactory(organization=ability.organization, ability=ability)
    assert Observation.objects.filter(ability=ability).count() == 1
    assert AbilityCounts.objects.get(ability=ability).observations == 1


@pytest.mark.django_db(transaction=True)
def test_deleting_an_ability_takes_its_counts_and_commits():
    """Its requirements go first and recount a row that is going too."""
    ability = AbilityFactory()
    RequirementFactory(ability=ability)
    ability.delete()  # committed: a counts row left behind would fail its foreign key here
    assert not AbilityCounts.objects.filter(ability_id=ability.pk).exists()
    assert not Ability.objects.filter(pk=ability.pk).exists()


def test_recount_rebuilds_what_bulk_loads_bypass():
    organization = OrganizationFactory()
    kept = AbilityFactory(organization=organization)
    ObservationFactory(organization=organization, ability=kept)
    (bulk,) = Ability.objects.bulk_create(
        [Ability(organization=organization, name="Bulk", slug="bulk", summary="Loaded in bulk")]
    )
    person = MembershipFactory(organization=organization)
    Observation.objects.bulk_create(
        [
            Observation(organization=organization, ability=bulk, subject=person, story=f"{n}")
            for n in range(3)
        ]
    )
    milestone = Milestone.objects.create(ability=bulk, level=1)
    Achievement.objects.bulk_create([Achievement(membership=person, milestone=milestone)])
    AbilityCounts.objects.filter(ability=kept).update(observations=7)  # a restore gone wrong
    assert not AbilityCounts.objects.filter(ability=bulk).exists()

    out = StringIO()
    call_command("recount", stdout=out)

    assert "2 had stored counts that differed" in out.getvalue()
    stored, recomputed = stored_and_recomputed([kept, bulk])
    assert stored == recomputed
    assert stored[bulk.pk] == (0, 3, 1, 0)
    assert stored[kept.pk] == (0, 1, 0, 0)
    out = StringIO()
    versions = ("people_version", "check_ins_version")
    before = Organization.objects.values_list(*versions).get(pk=organization.pk)
    call_command("recount", stdout=out)
    assert "0 had stored counts that differed" in out.getvalue()
    # The kept lists of every organization are read afresh after a bulk load.
    after = Organization.objects.values_list(*versions).get(pk=organization.pk)
    assert all(now > then for now, then in zip(after, before, strict=True))
