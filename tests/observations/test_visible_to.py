"""The privacy rule (who reads an observation), at the QuerySet where it lives."""

import pytest
from django.contrib.auth.models import AnonymousUser

from observations.models import Observation
from organizations.models import Membership
from tests.factories import MembershipFactory, ObservationFactory
from tests.privacy import READERS, VIEWERS, P, cast, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organization, other_organization):
    return cast(organization, other_organization)


def readers(observation, people) -> set[str]:
    return {
        name
        for name in VIEWERS
        if Observation.objects.visible_to(people[name].user if people[name] else AnonymousUser())
        .filter(pk=observation.pk)
        .exists()
    }


@pytest.mark.parametrize("privacy", P.values)
def test_each_privacy_level_is_read_by_exactly_its_readers(privacy, people, servers):
    assert readers(record(people, servers, privacy), people) == READERS[privacy]


def test_a_manager_elsewhere_reads_nothing_private_here(people, organization, other_organization):
    # A manager of another organization who is a plain member here.
    elsewhere = MembershipFactory(organization=other_organization, level=Membership.Level.MANAGER)
    MembershipFactory(organization=organization, user=elsewhere.user)
    observation = ObservationFactory(organization=organization, privacy=P.MANAGERS_ONLY)
    assert not Observation.objects.visible_to(elsewhere.user).filter(pk=observation.pk).exists()


@pytest.mark.parametrize("level", Membership.Level.values)
def test_nobody_reads_me_and_managers_observations_about_themselves(organization, level):
    subject = MembershipFactory(organization=organization, level=level)
    about = ObservationFactory(organization=organization, subject=subject, privacy=P.MANAGERS_ONLY)
    assert not Observation.objects.visible_to(subject.user).filter(pk=about.pk).exists()


def test_a_deeper_chain_still_reads_and_a_move_changes_who_does(organization, servers):
    top = MembershipFactory(organization=organization, level=Membership.Level.MANAGER)
    line = [top]
    for _ in range(6):
        line.append(MembershipFactory(organization=organization, manager=line[-1]))
    about = ObservationFactory(organization=organization, subject=line[-1], privacy=P.MANAGERS_ONLY)
    assert Observation.objects.visible_to(top.user).filter(pk=about.pk).exists()
    line[3].manager = None
    line[3].save()
    assert not Observation.objects.visible_to(top.user).filter(pk=about.pk).exists()
    assert Observation.objects.visible_to(line[3].user).filter(pk=about.pk).exists()


def test_a_managers_reports_still_read_after_their_report_leaves(people, servers):
    observation = record(people, servers, P.OBSERVED_AND_MANAGERS)
    people["subject"].deactivate()
    assert readers(observation, people) == {"observer", "manager", "manager's manager", "admin"}
