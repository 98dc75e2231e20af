"""Shared fixtures: the organizations, the personas every permission test uses, and helpers.

Personas, one definition each: `admin`, `manager`, `member` and `subject` belong to Medium
(`organization`), and `subject` reports to `manager`; `outsider` is an admin of Lessonly
(`other_organization`), so being an admin elsewhere grants nothing here; `anonymous` is
nobody signed in. `sign_in(persona)` signs a persona in by name, so a test can be
parametrized over them.
"""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command

from organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, ability_with_ladder
from tests.htmx import Htmx

PERSONAS = ("admin", "manager", "member", "subject", "outsider", "anonymous")


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
def servers(organization):
    """Medium's "Servers", with a ladder of five milestones."""
    return ability_with_ladder(organization=organization, name="Servers", slug="servers")


@pytest.fixture
def admin(organization) -> Membership:
    return staff_admin_of(organization)


@pytest.fixture
def manager(organization) -> Membership:
    return MembershipFactory(
        organization=organization, level=Membership.Level.MANAGER, user__username="margaret"
    )


@pytest.fixture
def member(organization) -> Membership:
    return MembershipFactory(organization=organization, user__username="ada")


@pytest.fixture
def subject(organization, manager) -> Membership:
    """A plain member who reports to `manager`, whom others observe and award."""
    return MembershipFactory(organization=organization, user__username="grace", manager=manager)


@pytest.fixture
def outsider(other_organization) -> Membership:
    return staff_admin_of(other_organization)


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def sign_in(request, client):
    """`sign_in("manager")` signs that persona in (nobody for "anonymous") and returns them."""

    def sign_in_as(persona: str) -> Membership | None:
        membership = request.getfixturevalue(persona)
        if membership is not None:
            client.force_login(membership.user)
        return membership

    return sign_in_as


@pytest.fixture
def htmx(client) -> Htmx:
    return Htmx(client)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: a page kept by one test is not another's, nor are
    one test's requests counted against another's rate limits."""
    for name in django_settings.CACHES:
        caches[name].clear()


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
