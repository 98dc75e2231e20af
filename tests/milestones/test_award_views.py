import pytest
from django.test import Client
from django.urls import reverse

from milestones.models import Achievement
from tests.factories import AchievementFactory, MembershipFactory, ability_with_ladder
from tests.htmx import Htmx, answer
from tests.pages import award_choice as chosen
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


def award_url(person) -> str:
    return reverse("award_milestone", args=[person.organization.slug, person.user.username])


def revoke_url(achievement) -> str:
    person = achievement.membership
    return reverse(
        "revoke_milestone", args=[person.organization.slug, person.user.username, achievement.pk]
    )


def test_manager_awards_a_milestone_and_the_journey_follows(
    htmx, client, manager, subject, servers
):
    client.force_login(manager.user)
    milestone = servers.milestones.get(level=3)
    response = htmx.post(
        award_url(subject), {**chosen(milestone), "note": "Textshots"}, target="progress"
    )
    assert response.status_code == 200
    achievement = Achievement.objects.get()
    assert (achievement.membership, achievement.milestone, achievement.awarded_by) == (
        subject, milestone, manager,
    )  # fmt: skip
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="progress">')
    assert "<strong>10</strong> miles" in body  # milestone 3: 1 + 3 + 6
    ability_page = client.get(reverse("ability", args=[servers.organization.slug, "servers"]))
    assert "✅ 1 person has achieved a milestone on this ability" in text_lines(ability_page)


def test_award_without_javascript_redirects_back(client, manager, subject, servers):
    client.force_login(manager.user)
    response = client.post(award_url(subject), {**chosen(servers.milestones.get(level=1))})
    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[subject.organization.slug, "grace"])


def test_awarding_twice_is_refused_with_a_message(htmx, client, manager, subject, servers):
    milestone = servers.milestones.get(level=2)
    AchievementFactory(membership=subject, milestone=milestone)
    client.force_login(manager.user)
    response = htmx.post(award_url(subject), {**chosen(milestone)}, target="progress")
    assert response.status_code == 422
    assert "has already achieved Servers milestone 2" in response.content.decode()
    assert Achievement.objects.count() == 1


def test_a_milestone_of_another_organization_is_refused(
    htmx, client, manager, subject, other_organization
):
    foreign = ability_with_ladder(organization=other_organization).milestones.first()
    client.force_login(manager.user)
    response = htmx.post(award_url(subject), {**chosen(foreign)}, target="progress")
    assert response.status_code == 422
    assert not Achievement.objects.exists()


def test_manager_revokes_an_achievement(htmx, client, manager, subject, servers):
    achievement = AchievementFactory(membership=subject, milestone=servers.milestones.get(level=2))
    client.force_login(manager.user)
    response = htmx.post(revoke_url(achievement), target="progress")
    assert response.status_code == 200
    assert not Achievement.objects.exists()
    assert "No milestone achieved yet." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 403), ("subject", 403), ("outsider", 404), ("anonymous", "sign-in")],
)
def test_only_other_managers_award_and_revoke(htmx, sign_in, subject, servers, who, expected):
    achievement = AchievementFactory(membership=subject, milestone=servers.milestones.get(level=1))
    if who == "subject":  # an admin, but of their own milestones
        subject.level = "admin"
        subject.save()
    sign_in(who)
    milestone = servers.milestones.get(level=2)
    assert answer(htmx.post(award_url(subject), {**chosen(milestone)})) == expected
    assert answer(htmx.post(revoke_url(achievement))) == expected
    assert list(Achievement.objects.all()) == [achievement]


def test_revoking_someone_elses_achievement_through_another_person_is_404(
    htmx, client, manager, subject, servers, organization
):
    other = MembershipFactory(organization=organization)
    achievement = AchievementFactory(membership=other, milestone=servers.milestones.get(level=1))
    client.force_login(manager.user)
    url = reverse("revoke_milestone", args=[organization.slug, "grace", achievement.pk])
    assert htmx.post(url, target="progress").status_code == 404
    assert Achievement.objects.exists()


def test_award_needs_a_post(client, manager, subject):
    client.force_login(manager.user)
    assert client.get(award_url(subject)).status_code == 405


def test_csrf_is_enforced_on_award(manager, subject, servers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager.user)
    milestone = servers.milestones.get(level=1)
    response = Htmx(client).post(award_url(subject), {**chosen(milestone)}, target="progress")
    assert response.status_code == 403
    assert not Achievement.objects.exists()


def test_members_see_no_award_form(client, member, subject, servers, organization):
    client.force_login(member.user)
    page = html_of(client.get(reverse("person", args=[organization.slug, "grace"])))
    assert "Award a milestone" not in page


def test_a_manager_outside_the_chain_cannot_award_but_the_managers_manager_can(
    client, htmx, organization, manager, subject, servers
):
    milestone = servers.milestones.get(level=1)
    elsewhere = MembershipFactory(organization=organization, level="manager")
    client.force_login(elsewhere.user)
    assert htmx.post(award_url(subject), {**chosen(milestone)}).status_code == 403
    above = MembershipFactory(organization=organization, level="member")
    manager.manager = above
    manager.save()
    client.force_login(above.user)  # a plain member by level, but in the chain
    assert (
        htmx.post(award_url(subject), {**chosen(milestone)}, target="progress").status_code == 200
    )
    assert Achievement.objects.get().awarded_by == above


def test_a_former_member_is_awarded_nothing(client, htmx, admin, subject, servers):
    subject.deactivate()
    client.force_login(admin.user)
    milestone = servers.milestones.get(level=1)
    assert htmx.post(award_url(subject), {**chosen(milestone)}).status_code == 403
    assert not Achievement.objects.exists()
