import pytest
from django.urls import reverse

from tests.factories import AbilityFactory, MembershipFactory, RequirementFactory, RoleFactory
from tests.pages import text_lines

pytestmark = pytest.mark.django_db


def test_role_list_groups_roles_and_positions(client, demo):
    lines = text_lines(client.get(reverse("roles", args=["lessonly"])))
    assert "Positions" in lines
    assert "Roles" in lines
    assert "Back End Architect 1 requirement" in lines
    assert "Incident Remediation Lead 1 requirement" in lines
    assert lines.index("Positions") < lines.index("Back End Architect 1 requirement")


def test_role_page_lists_requirements_by_ability(client, demo):
    response = client.get(reverse("role", args=["lessonly", "incident-remediation-lead"]))
    assert response.status_code == 200
    lines = text_lines(response)
    assert "Infrastructure: Incident Remediation Leads are recommended to be milestone 2+" in lines


def test_role_without_requirements_says_so(client, organization):
    role = RoleFactory(organization=organization, name="Scribe", slug="scribe")
    lines = text_lines(client.get(reverse("role", args=[organization.slug, role.slug])))
    assert "No ability is required of Scribes yet." in lines


def test_unknown_or_foreign_role_is_404(client, organization, other_organization):
    RoleFactory(organization=other_organization, slug="elsewhere")
    assert client.get(reverse("role", args=[organization.slug, "elsewhere"])).status_code == 404
    assert client.get(reverse("role", args=[organization.slug, "nobody"])).status_code == 404


def test_private_organization_roles_are_404_to_outsiders(client, other_organization):
    other_organization.is_public = False
    other_organization.save()
    role = RoleFactory(organization=other_organization)
    role_url = reverse("role", args=[other_organization.slug, role.slug])
    list_url = reverse("roles", args=[other_organization.slug])
    assert client.get(list_url).status_code == 404
    assert client.get(role_url).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(role_url).status_code == 404
    client.force_login(MembershipFactory(organization=other_organization).user)
    assert client.get(role_url).status_code == 200
    assert client.get(list_url).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_role_pages_query_budget_is_fixed(client, organization, django_assert_num_queries, count):
    role = RoleFactory(organization=organization)
    for _ in range(count):
        RequirementFactory(role=role, ability=AbilityFactory(organization=organization))
        RoleFactory(organization=organization)
    # 1 organization, 2 roles with requirement counts
    with django_assert_num_queries(2):
        response = client.get(reverse("roles", args=[organization.slug]))
    assert len(response.context["roles"]) == count + 1
    # 1 organization, 2 role, 3 a page of requirements with abilities
    with django_assert_num_queries(3):
        response = client.get(reverse("role", args=[organization.slug, role.slug]))
    assert len(response.context["requirements"]) == min(count, 20)


@pytest.mark.parametrize("count", [1, 60])
def test_the_role_list_comes_a_page_at_a_time_with_a_fixed_budget(
    client, organization, count, django_assert_num_queries
):
    for n in range(count):
        role = RoleFactory(organization=organization, name=f"Role {n:02}", slug=f"role-{n:02}")
        RequirementFactory(role=role, ability=AbilityFactory(organization=organization))
    url = reverse("roles", args=[organization.slug])
    # 1 organization, 2 a page of roles with their requirement counts
    with django_assert_num_queries(2):
        first = client.get(url)
    shown = {role.slug for role in first.context["roles"]}
    assert len(shown) == min(count, 50)
    if count > 50:
        assert 'href="?page=2"' in first.content.decode()
        older = {role.slug for role in client.get(url + "?page=2").context["roles"]}
        assert len(older) == count - 50 and not shown & older


def test_a_role_s_requirements_come_a_page_at_a_time_and_all_count(client, organization):
    role = RoleFactory(organization=organization, name="Builder", slug="builder")
    for n in range(25):
        ability = AbilityFactory(organization=organization, name=f"Ability {n:02}")
        ability.milestones.create(level=1)
        RequirementFactory(role=role, ability=ability, level=1)
    holder = MembershipFactory(organization=organization)
    holder.roles.add(role)
    for ability in organization.abilities.order_by("name")[:22]:  # 20 shown first, 2 later
        holder.achievements.create(milestone=ability.milestones.get())
    client.force_login(holder.user)
    url = reverse("role", args=[organization.slug, "builder"])
    first = client.get(url)
    shown = {r.ability.name for r in first.context["requirements"]}
    assert len(shown) == 20 and 'href="?requirements=2"' in first.content.decode()
    second = client.get(url + "?requirements=2")
    later = {r.ability.name for r in second.context["requirements"]}
    assert len(later) == 5 and not shown & later
    # The table's columns are the page's requirements; the total counts all 25.
    ((_, checks, met),) = second.context["holders"]
    assert [check.met for check in checks] == [True, True, False, False, False]
    assert met == 22
    lines = text_lines(second)
    assert "Requirements met" in lines and "22 of 25" in lines
