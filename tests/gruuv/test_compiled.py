"""`kit.compiled`: a QuerySet compiled once gives what the ORM gives, for any values, safely."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kit.compiled import Compiled
from observations.models import Observation
from organizations.access import MEMBERSHIPS
from organizations.models import Membership
from tests.factories import MembershipFactory, ObservationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_the_rows_and_their_related_rows_are_the_orm_s(organization, other_organization, manager):
    MembershipFactory(organization=other_organization, user=manager.user)
    MembershipFactory(organization=OrganizationFactory(), user=manager.user, active=False)
    expected = list(
        Membership.objects.active()
        .filter(user=manager.user)
        .select_related("organization")
        .order_by("organization__name", "organization__pk")
    )
    with CaptureQueriesContext(connection) as queries:
        found = MEMBERSHIPS(manager.user.username)
        # The organizations came in the same query, converted (a datetime, not text).
        organizations = [membership.organization for membership in found]
    assert len(queries) == 1
    assert [fields(m) for m in found] == [fields(m) for m in expected]
    assert [fields(o) for o in organizations] == [fields(m.organization) for m in expected]
    assert all(hasattr(o.created_at, "tzinfo") for o in organizations)


def test_each_call_runs_with_its_own_values(organization, manager, member):
    assert [m.pk for m in MEMBERSHIPS(manager.user.username)] == [manager.pk]
    assert [m.pk for m in MEMBERSHIPS(member.user.username)] == [member.pk]
    assert MEMBERSHIPS("nobody") == []


def test_a_value_is_a_parameter_never_sql(organization, manager):
    assert MEMBERSHIPS("x' OR '1'='1") == []
    assert MEMBERSHIPS('margaret" --') == []


def test_a_key_that_points_nowhere_is_none(organization, manager, subject, servers):
    observation = ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers
    )
    Observation.objects.filter(pk=observation.pk).update(observer=None)
    story = Compiled(
        lambda story: Observation.objects.filter(story=story), "story", related=["observer"]
    )
    (found,) = story(observation.story)
    assert found.observer is None


def test_a_mark_that_is_not_a_lookup_s_value_is_refused(organization):
    unused = Compiled(lambda slug: Membership.objects.all(), "slug")
    with pytest.raises(ValueError, match="are not lookups' values"):
        unused("medium")
