"""The privacy rule (who reads an observation), at the QuerySet where it lives."""

import pytest
from django.contrib.auth.models import AnonymousUser

from observations.models import Observation
from organizations.models import Membership
from tests.factories import MembershipFactory, ObservationFactory

pytestmark = pytest.mark.django_db

P = Observation.Privacy
READERS = {
    P.OBSERVER_ONLY: {"observer"},
    P.OBSERVED_ONLY: {"observer", "subject"},
    P.MANAGERS_ONLY: {"observer", "manager", "admin"},
    P.OBSERVED_AND_MANAGERS: {"observer", "subject", "manager", "admin"},
    P.PUBLIC_TO_COMPANY: {"observer", "subject", "manager", "admin", "member"},
    P.PUBLIC_TO_WORLD: {
        "observer",
        "subject",
        "manager",
        "admin",
        "member",
        "outsider",
        "other manager",
        "anonymous",
    },
}


@pytest.fixture
def people(organization, other_organization):
    observer = MembershipFactory(organization=organization, level=Membership.Level.MEMBER)
    return {
        "observer": observer,
        "subject": MembershipFactory(organization=organization),
        "manager": MembershipFactory(organization=organization, level=Membership.Level.MANAGER),
        "admin": MembershipFactory(organization=organization, level=Membership.Level.ADMIN),
        "member": MembershipFactory(organization=organization),
        "outsider": MembershipFactory(organization=other_organization),
        "other manager": MembershipFactory(
            organization=other_organization, level=Membership.Level.MANAGER
        ),
    }


@pytest.mark.parametrize("privacy", P.values)
def test_each_privacy_level_is_read_by_exactly_its_readers(privacy, people, organization):
    observation = ObservationFactory(
        organization=organization,
        observer=people["observer"],
        subject=people["subject"],
        privacy=privacy,
    )
    viewers = {name: membership.user for name, membership in people.items()}
    viewers["anonymous"] = AnonymousUser()
    readers = {
        name
        for name, user in viewers.items()
        if Observation.objects.visible_to(user).filter(pk=observation.pk).exists()
    }
    assert readers == READERS[privacy]


def test_a_manager_elsewhere_reads_nothing_private_here(people, organization):
    # The outsider manages another organization, and is a plain member here.
    MembershipFactory(organization=organization, user=people["other manager"].user)
    observation = ObservationFactory(organization=organization, privacy=P.MANAGERS_ONLY)
    visible = Observation.objects.visible_to(people["other manager"].user)
    assert not visible.filter(pk=observation.pk).exists()
