"""Choosing a person among thousands: typed, suggested as you type, resolved on the server."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from observations.models import Observation
from pages.people_picker import PersonField, label
from tests.factories import MembershipFactory
from tests.htmx import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(organization):
    field = PersonField()
    field.for_organization(organization, organization.memberships.active())
    return field


@pytest.mark.parametrize(
    "typed", ["Grace Hopper (grace)", "grace", "GRACE", "grace@example.com", "grace hopper"]
)
def test_a_person_is_found_by_label_username_email_or_full_name(field, subject, typed):
    subject.user.first_name, subject.user.last_name = "Grace", "Hopper"
    subject.user.email = "grace@example.com"
    subject.user.save()
    assert field.clean(typed) == subject
    assert label(subject) == "Grace Hopper (grace)"


def test_unknown_ambiguous_and_former_people_are_refused_with_a_message(
    field, organization, subject
):
    for _ in range(2):
        MembershipFactory(organization=organization, user__first_name="Sam", user__last_name="Lee")
    with pytest.raises(ValidationError, match="Several people match “Sam Lee”"):
        field.clean("Sam Lee")
    with pytest.raises(ValidationError, match="No one at Medium matches “nobody”"):
        field.clean("nobody")
    subject.deactivate()
    with pytest.raises(ValidationError, match="No one at Medium matches “grace”"):
        field.clean("grace")


def test_without_javascript_a_typo_is_an_error_beside_the_field_and_nothing_is_saved(
    client, manager, servers
):
    client.force_login(manager.user)
    response = client.post(
        reverse("observation_new", args=["medium"]),
        {"subject": "gracie", "ability": servers.pk, "story": "x", "observed_on": "2026-11-01",
         "privacy": "public_to_world"},
    )  # fmt: skip
    assert response.context["form"].errors["subject"] == [
        "No one at Medium matches “gracie”. Type a username or an email."
    ]
    assert not Observation.objects.exists()


def test_suggestions_are_at_most_ten_active_members(client, htmx, manager, organization):
    for n in range(15):
        MembershipFactory(organization=organization, user__username=f"sam-{n:02}")
    MembershipFactory(organization=organization, user__username="sam-left").deactivate()
    client.force_login(manager.user)
    response = htmx.get(reverse("people_search", args=["medium"]), {"subject": "sam"})
    options = response.content.decode().count("<option")
    assert options == 10
    assert "sam-left" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 200), ("manager", 200), ("outsider", 404), ("anonymous", "sign-in")],
)
def test_suggestions_are_for_members(htmx, sign_in, subject, who, expected):
    sign_in(who)
    response = htmx.get(reverse("people_search", args=["medium"]), {"subject": "grace"})
    assert answer(response) == expected
    if expected == 200:
        assert 'value="grace"' in response.content.decode()


@pytest.mark.parametrize("people", [1, 40])
def test_suggestions_have_a_fixed_query_budget(
    client, manager, organization, people, django_assert_num_queries
):
    for n in range(people):
        MembershipFactory(organization=organization, user__username=f"sam-{n:02}")
    client.force_login(manager.user)
    # 1 session, 2 user, 3 their memberships with organizations, 4 up to ten matches
    with django_assert_num_queries(4):
        response = client.get(reverse("people_search", args=["medium"]), {"q": "sam"})
    assert response.content.decode().count("<option") == min(people, 10)
