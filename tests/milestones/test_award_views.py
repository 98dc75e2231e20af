import pytest
from django.test import Client
from django.urls import reverse

from milestones.models import Achievement
from tests.factories import AchievementFactory, MembershipFactory, ability_with_ladder
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "progress"}


@pytest.fixture
def servers(organization):
    return ability_with_ladder(organization=organization, name="Servers", slug="servers")


@pytest.fixture
def person(organization):
    return MembershipFactory(organization=organization, user__username="grace")


@pytest.fixture
def manager(organization):
    return MembershipFactory(organization=organization, level="manager")


def award_url(person) -> str:
    return reverse("award_milestone", args=[person.organization.slug, person.user.username])


def revoke_url(achievement) -> str:
    person = achievement.membership
    return reverse(
        "revoke_milestone", args=[person.organization.slug, person.user.username, achievement.pk]
    )


def test_manager_awards_a_milestone_and_the_journey_follows(client, manager, person, servers):
    client.force_login(manager.user)
    milestone = servers.milestones.get(level=3)
    response = client.post(
        award_url(person), {"milestone": milestone.pk, "note": "Textshots"}, **HTMX
    )
    assert response.status_code == 200
    achievement = Achievement.objects.get()
    assert (achievement.membership, achievement.milestone, achievement.awarded_by) == (
        person, milestone, manager,
    )  # fmt: skip
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="progress">')
    assert "<strong>6</strong> miles" in body
    ability_page = client.get(reverse("ability", args=[servers.organization.slug, "servers"]))
    assert "✅ 1 person has achieved a milestone on this ability" in text_lines(ability_page)


def test_award_without_javascript_redirects_back(client, manager, person, servers):
    client.force_login(manager.user)
    response = client.post(award_url(person), {"milestone": servers.milestones.get(level=1).pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[person.organization.slug, "grace"])


def test_awarding_twice_is_refused_with_a_message(client, manager, person, servers):
    milestone = servers.milestones.get(level=2)
    AchievementFactory(membership=person, milestone=milestone)
    client.force_login(manager.user)
    response = client.post(award_url(person), {"milestone": milestone.pk}, **HTMX)
    assert response.status_code == 422
    assert "has already achieved Servers milestone 2" in response.content.decode()
    assert Achievement.objects.count() == 1


def test_a_milestone_of_another_organization_is_refused(
    client, manager, person, other_organization
):
    foreign = ability_with_ladder(organization=other_organization).milestones.first()
    client.force_login(manager.user)
    response = client.post(award_url(person), {"milestone": foreign.pk}, **HTMX)
    assert response.status_code == 422
    assert not Achievement.objects.exists()


def test_manager_revokes_an_achievement(client, manager, person, servers):
    achievement = AchievementFactory(membership=person, milestone=servers.milestones.get(level=2))
    client.force_login(manager.user)
    response = client.post(revoke_url(achievement), **HTMX)
    assert response.status_code == 200
    assert not Achievement.objects.exists()
    assert "No milestone achieved yet." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("self", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_other_managers_award_and_revoke(
    client, organization, other_organization, person, servers, who, status
):
    achievement = AchievementFactory(membership=person, milestone=servers.milestones.get(level=1))
    users = {
        "member": MembershipFactory(organization=organization).user,
        "self": person.user,
        "outsider": MembershipFactory(organization=other_organization, level="admin").user,
    }
    if who == "self":
        person.level = "admin"
        person.save()
    if who in users:
        client.force_login(users[who])
    milestone = servers.milestones.get(level=2)
    assert client.post(award_url(person), {"milestone": milestone.pk}, **HTMX).status_code == status
    assert client.post(revoke_url(achievement), **HTMX).status_code == status
    assert list(Achievement.objects.all()) == [achievement]


def test_revoking_someone_elses_achievement_through_another_person_is_404(
    client, manager, person, servers, organization
):
    other = MembershipFactory(organization=organization)
    achievement = AchievementFactory(membership=other, milestone=servers.milestones.get(level=1))
    client.force_login(manager.user)
    url = reverse("revoke_milestone", args=[organization.slug, "grace", achievement.pk])
    assert client.post(url, **HTMX).status_code == 404
    assert Achievement.objects.exists()


def test_award_needs_a_post(client, manager, person):
    client.force_login(manager.user)
    assert client.get(award_url(person)).status_code == 405


def test_csrf_is_enforced_on_award(manager, person, servers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager.user)
    milestone = servers.milestones.get(level=1)
    assert client.post(award_url(person), {"milestone": milestone.pk}, **HTMX).status_code == 403
    assert not Achievement.objects.exists()


def test_members_see_no_award_form(client, person, servers, organization):
    client.force_login(MembershipFactory(organization=organization).user)
    page = client.get(reverse("person", args=[organization.slug, "grace"])).content.decode()
    assert "Award a milestone" not in page
