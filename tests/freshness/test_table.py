"""The freshness table is complete: every table a kept page reads is one whose changes move a
version its keys name (or is read only beside its kept pieces, and says so), and every row the
table lists does move it."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from freshness.table import MOVES, NOT_KEPT, ORGANIZATION, versioned_models
from milestones.models import Achievement, Requirement
from organizations.models import Membership, Organization, Role, User
from tests.factories import AchievementFactory, MilestoneFactory, RoleFactory

pytestmark = pytest.mark.django_db

# Every page that keeps a piece rendered, with a reader who sees it.
KEPT_PAGES = [
    ("/medium/", None),
    ("/medium/abilities/servers/", None),  # the whole page, for a signed-out visitor
    ("/medium/abilities/servers/", "medium-manager"),  # the framework, the observations
    ("/medium/roles/", None),
    ("/medium/people/", "medium-manager"),
    ("/medium/people/medium-member/", "medium-manager"),  # the chart and readiness
    ("/medium/team/", "medium-admin"),  # the members' table, the invitation form
    ("/medium/team/mine/", "medium-manager"),
    ("/medium/check-ins/", "medium-admin"),  # what is under way, the rounds
    ("/medium/check-ins/rounds/{round}/", "medium-admin"),  # the counts, who waits on whom
    ("/medium/check-ins/rounds/{round}/", "medium-manager"),  # the same, of their reports
]
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
MODELS_BY_TABLE = {
    model._meta.db_table: model for model in apps.get_models(include_auto_created=True)
}


def tables_read(client, url: str) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return {table for query in queries for table in TABLE.findall(query["sql"])}


def read_by(client, url: str) -> set[type]:
    """The models a kept page reads when nothing is kept yet: all its pieces are rendered."""
    from django.core.cache import cache

    cache.clear()
    return {
        MODELS_BY_TABLE[table] for table in tables_read(client, url) if table in MODELS_BY_TABLE
    }


def unversioned(client, url: str, versioned: set[type]) -> set[str]:
    return {model._meta.label for model in read_by(client, url) - versioned - set(NOT_KEPT)}


@pytest.mark.parametrize(("url", "reader"), KEPT_PAGES)
def test_every_table_a_kept_page_reads_moves_a_version(demo, client, url, reader):
    from checkins.models import Round

    if reader:
        client.force_login(User.objects.get(username=reader))
    url = url.format(round=Round.objects.values_list("pk", flat=True).first())
    assert unversioned(client, url, versioned_models()) == set()


def test_a_model_missing_from_the_table_is_found(demo, client):
    """What the test above would say if roles moved no version."""
    without_roles = versioned_models() - {Role}
    assert unversioned(client, "/medium/roles/", without_roles) == {"organizations.Role"}


def version_of(organization: Organization) -> int:
    return Organization.objects.values_list("people_version", flat=True).get(pk=organization.pk)


def changes(organization, manager, subject, servers):
    """One change of a row of each model the table lists, by the paths the product uses."""
    role = RoleFactory(organization=organization)
    milestone = servers.milestones.first() or MilestoneFactory(ability=servers)
    return {
        Organization: lambda: Organization.objects.get(pk=organization.pk).save(),
        User: lambda: User.objects.filter(pk=subject.user_id).first().save(),
        Membership: lambda: Membership.objects.get(pk=subject.pk).save(),
        Membership.roles.through: lambda: subject.roles.add(role),
        Role: lambda: Role.objects.get(pk=role.pk).save(),
        type(servers): lambda: type(servers).objects.get(pk=servers.pk).save(),
        type(milestone): lambda: type(milestone).objects.get(pk=milestone.pk).save(),
        Achievement: lambda: AchievementFactory(membership=subject, milestone=milestone),
        Requirement: lambda: Requirement.objects.create(ability=servers, role=role, level=2),
    }


def test_every_row_the_table_lists_moves_the_organization_s_version(
    organization, manager, subject, servers
):
    moving = changes(organization, manager, subject, servers)
    assert set(moving) == {model for model, moves in MOVES if moves.version == ORGANIZATION}
    for model, change in moving.items():
        before = version_of(organization)
        change()
        assert version_of(organization) > before, model


def test_signing_in_moves_no_version(organization, subject):
    before = version_of(organization)
    user = User.objects.get(pk=subject.user_id)
    user.save(update_fields=["last_login"])
    assert version_of(organization) == before


def person_version(membership) -> int:
    return Membership.objects.values_list("evidence_version", flat=True).get(pk=membership.pk)


def test_the_evidence_about_a_person_moves_their_version(organization, manager, subject, servers):
    from observations.models import Observation
    from tests.factories import MembershipFactory, ObservationFactory

    before = person_version(subject)
    observation = ObservationFactory(organization=organization, subject=subject, ability=servers)
    assert person_version(subject) > before
    other = MembershipFactory(organization=organization)
    moved_from, moved_to = person_version(subject), person_version(other)
    observation = Observation.objects.get(pk=observation.pk)
    observation.subject = other
    observation.save()  # given to another person: both pages change
    assert person_version(subject) > moved_from and person_version(other) > moved_to
    before = person_version(subject)
    milestone = servers.milestones.first() or MilestoneFactory(ability=servers)
    AchievementFactory(membership=subject, milestone=milestone)
    assert person_version(subject) > before
    # A full save of a membership read before the evidence does not set the version back.
    stale = Membership.objects.get(pk=subject.pk)
    ObservationFactory(organization=organization, subject=subject, ability=servers)
    current = person_version(subject)
    stale.save()
    assert person_version(subject) == current


def test_a_reply_moves_its_ability_s_version(servers, member):
    from abilities.models import AbilityCounts
    from tests.factories import ConversationFactory

    conversation = ConversationFactory(ability=servers, started_by=member)
    before = AbilityCounts.objects.get(pk=servers.pk).version
    conversation.messages.create(author=member, body="Me too.")
    assert AbilityCounts.objects.get(pk=servers.pk).version > before


def test_a_saved_check_in_or_round_moves_the_check_ins_version(organization, admin, subject):
    """The rows the table lists for the check-in lists; the workflow's UPDATEs move it by its
    own word (tests/checkins/test_kept_lists.py)."""
    from checkins.models import CheckIn, Round
    from freshness.table import CHECK_INS

    def version() -> int:
        return Organization.objects.values_list("check_ins_version", flat=True).get(
            pk=organization.pk
        )

    moving = {
        CheckIn: lambda: CheckIn.objects.create(organization=organization, person=subject),
        Round: lambda: Round.objects.create(
            organization=organization, name="Spring", due_on="2030-01-01", group="everyone",
            group_label="Everyone", opened_by=admin,
        ),
    }  # fmt: skip
    assert set(moving) == {model for model, moves in MOVES if moves.version == CHECK_INS}
    for model, change in moving.items():
        before = version()
        change()
        assert version() > before, model
    # A full save of an organization read before does not set it back.
    stale = Organization.objects.get(pk=organization.pk)
    current = version()
    CheckIn.objects.get(person=subject).delete()
    assert version() > current
    current = version()
    stale.save()
    assert version() == current
