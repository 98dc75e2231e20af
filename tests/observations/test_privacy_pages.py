"""Each privacy level × each kind of viewer, on every page and partial that shows observations."""

import pytest
from django.urls import reverse

from tests.privacy import MEMBERS, READERS, STORY, VIEWERS, P, cast
from tests.privacy import record as record_observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(organization, other_organization, servers):
    return cast(organization, other_organization), servers


def view_as(client, people, viewer):
    if people[viewer] is not None:
        client.force_login(people[viewer].user)


def record(scene, privacy):
    people, ability = scene
    return record_observation(people, ability, privacy)


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


@pytest.mark.parametrize("viewer", ["manager", "manager's manager", "other manager", "admin"])
@pytest.mark.parametrize("privacy", P.values)
def test_my_team_dates_only_observations_the_viewer_may_read(client, scene, privacy, viewer):
    people, _ = scene
    record(scene, privacy)
    view_as(client, people, viewer)
    rows = client.get(reverse("my_team", args=["medium"])).context["rows"]
    subject = [row for row in rows if row["person"] == people["subject"]]
    if viewer in {"manager", "manager's manager"}:
        (row,) = subject
        assert (row["last_observed"] is not None) == (viewer in READERS[privacy])
    else:
        assert subject == []  # not their report: not on their team at all
