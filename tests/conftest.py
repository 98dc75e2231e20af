from io import StringIO

import pytest
from django.core.management import call_command

from organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Medium", slug="medium")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Lessonly", slug="lessonly")


def staff_admin_of(organization) -> Membership:
    """An admin of the organization who may use Django admin, as sign-up makes them."""
    return MembershipFactory(
        organization=organization, level=Membership.Level.ADMIN, user__is_staff=True
    )


@pytest.fixture
def admin_membership(organization):
    return staff_admin_of(organization)


@pytest.fixture
def other_admin_membership(other_organization):
    return staff_admin_of(other_organization)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the tests only need it to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db, settings):
    """The demo organizations, people and seed abilities; returns what load_demo printed."""
    settings.DEBUG = True
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()
