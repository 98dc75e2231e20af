"""Sections kept per reader are never another reader's: what one may read, the next may not."""

import pytest

from observations.models import Observation
from tests.factories import MembershipFactory, ObservationFactory

pytestmark = pytest.mark.django_db

SECRET = "Only the chain reads this."


@pytest.fixture
def managers_only(organization, manager, subject, servers):
    return ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers,
        story=SECRET, privacy=Observation.Privacy.MANAGERS_ONLY,
    )  # fmt: skip


@pytest.mark.parametrize("page", ["/medium/abilities/servers/", "/medium/people/{subject}/"])
def test_one_reader_s_kept_section_is_not_served_to_the_next(
    client, organization, manager, subject, managers_only, page
):
    url = page.format(subject=subject.user.username)
    client.force_login(manager.user)
    assert SECRET in client.get(url).content.decode()
    assert SECRET in client.get(url).content.decode()  # from the cache now
    colleague = MembershipFactory(organization=organization)
    client.force_login(colleague.user)
    assert SECRET not in client.get(url).content.decode()


def test_a_new_observation_shows_at_once_on_the_kept_pages(
    client, organization, manager, subject, servers
):
    pages = ["/medium/abilities/servers/", f"/medium/people/{subject.user.username}/"]
    client.force_login(manager.user)
    for url in pages:
        client.get(url)  # kept
    ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers,
        story="Fresh news.", privacy=Observation.Privacy.OBSERVED_AND_MANAGERS,
    )  # fmt: skip
    for url in pages:
        assert "Fresh news." in client.get(url).content.decode(), url
