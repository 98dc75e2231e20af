"""Finding one's way: the header marks the current section and names the organization once,
breadcrumbs name the thing, a skip link leads to the content, and the home page greets a
signed-in person instead of selling them a sign-up."""

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, RoleFactory
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


def nav_of(html: str) -> str:
    return re.search(r'<nav class="org-nav".*?</nav>', html, re.S).group(0)


@pytest.mark.parametrize(
    ("page", "current", "kind"),
    [
        ("organization", "Abilities", "page"),
        ("roles", "Roles", "page"),
        ("people", "People", "page"),
        ("team", "Team", "page"),
        ("my_team", "My team", "page"),
    ],
)
def test_the_header_marks_the_current_section(client, admin, servers, page, current, kind):
    client.force_login(admin.user)
    nav = nav_of(html_of(client.get(reverse(page, args=["medium"]))))
    marked = re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', nav)
    assert marked == [(kind, current)]


def test_pages_inside_a_section_mark_it_as_the_current_one(client, admin, servers):
    client.force_login(admin.user)
    RoleFactory(organization=admin.organization, name="Builder", slug="builder")
    for url, section in [
        (reverse("ability", args=["medium", "servers"]), "Abilities"),
        (reverse("role", args=["medium", "builder"]), "Roles"),
        (reverse("person", args=["medium", admin.user.username]), "People"),
        (reverse("organization_settings", args=["medium"]), "Team"),
    ]:
        nav = nav_of(html_of(client.get(url)))
        assert re.findall(r'aria-current="(\w+)">([^<]+)<', nav) == [("true", section)], url


def test_the_organization_is_named_once_and_linked_once(client, servers):
    nav = nav_of(html_of(client.get(reverse("ability", args=["medium", "servers"]))))
    assert nav.count('href="/medium/"') == 1  # "Abilities"; the name itself is no second link
    assert '<span class="org-nav__name">Medium</span>' in nav


def test_breadcrumbs_name_the_thing(client, admin, servers):
    client.force_login(admin.user)
    RoleFactory(organization=admin.organization, name="Builder", slug="builder", kind="role")
    admin.user.first_name, admin.user.last_name = "Ada", "Admin"
    admin.user.save()
    assert "Roles › Builder" in text_lines(client.get(reverse("role", args=["medium", "builder"])))
    ability = text_lines(client.get(reverse("ability", args=["medium", "servers"])))
    assert "Abilities › Servers" in ability
    person = text_lines(client.get(reverse("person", args=["medium", admin.user.username])))
    assert "People › Ada Admin" in person


def test_every_page_starts_with_a_link_to_its_main_content(client, servers):
    html = html_of(client.get(reverse("ability", args=["medium", "servers"])))
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body).group(0)
    assert first_link == '<a class="skip-link" href="#main">Skip to main content</a>'
    assert '<main class="page" id="main" tabindex="-1">' in html


def test_the_home_page_greets_a_signed_in_person_with_their_organizations(client, organization):
    anonymous = text_lines(client.get("/"))
    assert "Sign your team up or sign in" in anonymous
    member = MembershipFactory(organization=organization, user__first_name="Ada")
    client.force_login(member.user)
    html = html_of(client.get("/"))
    lines = text_lines(client.get("/"))
    assert "Sign your team up" not in " ".join(lines)
    assert f"Welcome back, {member.user}" in lines
    assert 'Your organizations: <a href="/medium/">Medium</a>.' in html
    assert '<a href="/signup/">Start another organization</a>' in html


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_no_template_comment_leaks_onto_a_page(client, sign_in, manager, subject, servers, who):
    """Django's {# … #} comments end at the line's end; a two-line one shows as text."""
    sign_in(who)
    pages = ["/", "/medium/", "/medium/abilities/servers/", "/medium/abilities/servers/history/"]
    if who == "manager":
        pages += [
            "/medium/people/",
            f"/medium/people/{subject.user.username}/",
            "/medium/team/mine/",
        ]
    for page in pages:
        html = html_of(client.get(page))
        assert "{#" not in html and "#}" not in html and "{%" not in html, page
