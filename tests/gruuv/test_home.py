import pytest

from organizations.models import Membership
from tests.factories import AbilityFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_and_private():
    public = OrganizationFactory(name="Medium", slug="medium")
    private = OrganizationFactory(name="Hidden Co", slug="hidden", is_public=False)
    AbilityFactory(organization=public, name="Servers", slug="servers")
    AbilityFactory(organization=private, name="Secrets", slug="secrets")
    return public, private


def test_anonymous_sees_public_organizations_and_their_abilities(client, public_and_private):
    page = client.get("/").content.decode()
    assert "Medium" in page
    assert 'href="/medium/abilities/servers/"' in page
    assert "Hidden Co" not in page
    assert "Secrets" not in page
    assert 'href="/signup/"' in page


def test_members_also_see_their_private_organization(client, public_and_private):
    _, private = public_and_private
    client.force_login(MembershipFactory(organization=private, level=Membership.Level.MEMBER).user)
    page = client.get("/").content.decode()
    assert "Hidden Co" in page
    assert 'href="/hidden/abilities/secrets/"' in page


def test_outsiders_do_not_see_a_private_organization(client, public_and_private):
    client.force_login(MembershipFactory().user)
    assert "Hidden Co" not in client.get("/").content.decode()


def test_home_page_queries_do_not_grow_with_organizations(client, django_assert_num_queries):
    for _ in range(10):
        organization = OrganizationFactory()
        for _ in range(3):
            AbilityFactory(organization=organization)
    # 1: organizations, 2: their abilities (prefetched)
    with django_assert_num_queries(2):
        response = client.get("/")
    assert response.content.decode().count("/abilities/") == 30
