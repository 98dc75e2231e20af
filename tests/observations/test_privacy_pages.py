"""Each privacy level × each kind of viewer, on every page and partial that shows observations."""

import pytest
from django.urls import reverse

from observations.models import Observation
from organizations.models import Membership
from tests.factories import MembershipFactory, ObservationFactory, ability_with_ladder

pytestmark = pytest.mark.django_db

P = Observation.Privacy
READERS = {
    P.OBSERVER_ONLY: {"observer"},
    P.OBSERVED_ONLY: {"observer", "subject"},
    P.MANAGERS_ONLY: {"observer", "manager", "admin"},
    P.OBSERVED_AND_MANAGERS: {"observer", "subject", "manager", "admin"},
    P.PUBLIC_TO_COMPANY: {"observer", "subject", "manager", "admin", "other member"},
    P.PUBLIC_TO_WORLD: {
        "observer", "subject", "manager", "admin", "other member", "outsider", "anonymous",
    },
}  # fmt: skip
VIEWERS = ["observer", "subject", "other member", "manager", "admin", "outsider", "anonymous"]
MEMBERS = {"observer", "subject", "other member", "manager", "admin"}
STORY = "Untangled the deploy pipeline under pressure"


@pytest.fixture
def scene(organization, other_organization):
    levels = {
        "observer": Membership.Level.MANAGER,
        "subject": Membership.Level.MEMBER,
        "other member": Membership.Level.MEMBER,
        "manager": Membership.Level.MANAGER,
        "admin": Membership.Level.ADMIN,
    }
    people = {
        name: MembershipFactory(organization=organization, level=level)
        for name, level in levels.items()
    }
    people["outsider"] = MembershipFactory(
        organization=other_organization, level=Membership.Level.ADMIN
    )
    ability = ability_with_ladder(organization=organization, slug="servers", name="Servers")
    return people, ability


def view_as(client, people, viewer):
    if viewer != "anonymous":
        client.force_login(people[viewer].user)


def record(scene, privacy):
    people, ability = scene
    return ObservationFactory(
        organization=ability.organization,
        ability=ability,
        observer=people["observer"],
        subject=people["subject"],
        privacy=privacy,
        story=STORY,
    )


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("privacy", P.values)
def test_ability_page(client, scene, privacy, viewer):
    people, ability = scene
    record(scene, privacy)
    view_as(client, people, viewer)
    page = client.get(reverse("ability", args=[ability.organization.slug, ability.slug]))
    assert page.status_code == 200
    assert (STORY in page.content.decode()) == (viewer in READERS[privacy])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("privacy", P.values)
def test_ability_page_observations_partial(htmx, client, scene, privacy, viewer):
    people, ability = scene
    record(scene, privacy)
    view_as(client, people, viewer)
    response = htmx.get(
        reverse("ability", args=[ability.organization.slug, ability.slug]), target="observations"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="observations"')
    assert (STORY in body) == (viewer in READERS[privacy])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("privacy", P.values)
def test_person_page(client, scene, privacy, viewer):
    people, ability = scene
    record(scene, privacy)
    view_as(client, people, viewer)
    url = reverse("person", args=[ability.organization.slug, people["subject"].user.username])
    response = client.get(url)
    if viewer == "anonymous":
        assert response.status_code == 302  # to sign in
    elif viewer not in MEMBERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert (STORY in response.content.decode()) == (viewer in READERS[privacy])


@pytest.mark.parametrize("privacy", P.values)
def test_health_counts_every_privacy_without_showing_content(client, scene, privacy):
    _, ability = scene
    record(scene, privacy)
    page = client.get(reverse("ability", args=[ability.organization.slug, ability.slug]))
    assert "✅ Has been referenced in 1 observation" in page.content.decode()
