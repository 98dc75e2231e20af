import pytest

from organizations.models import Membership
from tests.factories import AbilityFactory, MembershipFactory, OrganizationFactory
from tests.pages import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_and_private():
    public = OrganizationFactory(name="Medium", slug="medium")
    private = OrganizationFactory(name="Hidden Co", slug="hidden", is_public=False)
    AbilityFactory(organization=public, name="Servers", slug="servers")
    AbilityFactory(organization=private, name="Secrets", slug="secrets")
    return public, private


def test_anonymous_sees_public_organizations_not_their_contents(client, public_and_private):
    page = html_of(client.get("/"))
    assert 'href="/medium/">Medium</a>' in page
    assert "1 ability" in page
    assert "Servers" not in page
    assert "Hidden Co" not in page
    assert "Secrets" not in page
    assert 'href="/signup/"' in page


def test_members_also_see_their_private_organization(client, public_and_private):
    _, private = public_and_private
    client.force_login(MembershipFactory(organization=private, level=Membership.Level.MEMBER).user)
    page = html_of(client.get("/"))
    assert 'href="/hidden/">Hidden Co</a>' in page
    assert "private" in page


def test_outsiders_do_not_see_a_private_organization(client, public_and_private):
    client.force_login(MembershipFactory().user)
    assert "Hidden Co" not in html_of(client.get("/"))


@pytest.mark.parametrize("count", [3, 60])
def test_home_page_queries_do_not_grow_with_organizations(client, django_assert_num_queries, count):
    for _ in range(count):
        organization = OrganizationFactory()
        AbilityFactory(organization=organization)
    # 1: how many organizations, 2: a page of them with their ability counts
    with django_assert_num_queries(2):
        response = client.get("/")
    assert len(response.context["organizations"]) == min(count, 50)


def test_the_second_home_page_holds_what_the_first_does_not(client):
    for n in range(60):
        OrganizationFactory(name=f"Org {n:02}", slug=f"org-{n:02}")
    first = {o.slug for o in client.get("/").context["organizations"]}
    second = {o.slug for o in client.get("/?page=2").context["organizations"]}
    assert len(first) == 50 and len(second) == 10 and not first & second
