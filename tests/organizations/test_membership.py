"""Reporting lines, leaving, the last admin and Django admin access, on the Membership model."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from milestones.models import Achievement
from observations.models import Message, Observation
from organizations.models import Membership
from tests.factories import (
    AchievementFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    ObservationFactory,
)

pytestmark = pytest.mark.django_db


def test_a_reporting_line_cannot_go_round_in_a_circle(organization):
    top = MembershipFactory(organization=organization)
    middle = MembershipFactory(organization=organization, manager=top)
    bottom = MembershipFactory(organization=organization, manager=middle)
    top.manager = bottom
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "cannot go round in a circle" in error.value.message_dict["manager"][0]
    top.manager = top
    with pytest.raises(ValidationError):
        top.full_clean()


def test_the_database_refuses_reporting_to_oneself(organization):
    membership = MembershipFactory(organization=organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(manager=membership)


def test_a_manager_must_be_an_active_member_of_the_same_organization(
    organization, other_organization
):
    person = MembershipFactory(organization=organization)
    person.manager = MembershipFactory(organization=other_organization)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "another organization" in error.value.message_dict["manager"][0]
    former = MembershipFactory(organization=organization)
    former.deactivate()
    person.manager = former
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "has left" in error.value.message_dict["manager"][0]


def test_chains_read_both_ways_in_one_query(organization, django_assert_num_queries):
    top = MembershipFactory(organization=organization)
    middle = MembershipFactory(organization=organization, manager=top)
    bottom = MembershipFactory(organization=organization, manager=middle)
    aside = MembershipFactory(organization=organization, manager=top)
    with django_assert_num_queries(1):
        assert set(Membership.objects.chain_above(bottom)) == {middle, top}
    heads = Membership.objects.filter(pk=top.pk)
    with django_assert_num_queries(1):
        assert set(Membership.objects.reporting_to(heads)) == {middle, bottom, aside}


def test_leaving_keeps_every_row_and_moves_reports_up(organization, servers):
    top = MembershipFactory(organization=organization, level=Membership.Level.ADMIN)
    leaver = MembershipFactory(organization=organization, level="manager", manager=top)
    report = MembershipFactory(organization=organization, manager=leaver)
    ObservationFactory(organization=organization, ability=servers, observer=leaver, subject=report)
    ObservationFactory(organization=organization, ability=servers, observer=report, subject=leaver)
    AchievementFactory(membership=leaver, milestone=servers.milestones.get(level=1))
    conversation = ConversationFactory(ability=servers, started_by=leaver)
    MessageFactory(conversation=conversation, author=leaver)
    counts = (Observation.objects.count(), Achievement.objects.count(), Message.objects.count())

    leaver.deactivate()

    assert (Observation.objects.count(), Achievement.objects.count(), Message.objects.count()) == (
        counts
    )
    leaver.refresh_from_db()
    report.refresh_from_db()
    assert not leaver.active and leaver.deactivated_at
    assert report.manager == top
    assert leaver.manager == top  # kept: who managed them, for the record


def test_the_last_active_admin_cannot_leave(organization):
    only = MembershipFactory(organization=organization, level=Membership.Level.ADMIN)
    assert only.is_last_admin()
    with pytest.raises(ValidationError, match="at least one active admin"):
        only.deactivate()
    second = MembershipFactory(organization=organization, level=Membership.Level.ADMIN)
    assert not only.is_last_admin()
    only.deactivate()
    assert second.is_last_admin()


def test_django_admin_access_follows_the_admin_level(organization):
    person = MembershipFactory(organization=organization, level=Membership.Level.MEMBER)
    assert not person.user.is_staff
    person.level = Membership.Level.ADMIN
    person.save()
    assert person.user.is_staff
    MembershipFactory(organization=organization, level=Membership.Level.ADMIN)
    person.deactivate()
    person.user.refresh_from_db()
    assert not person.user.is_staff
