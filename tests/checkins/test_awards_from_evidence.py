"""Awards from evidence (#23, point 4): from an observation at milestone N, award N in one step;
the award form offers the gaps first and says what each milestone asks; an award lists what it
rests on; evidence an award or a check-in rests on is not deleted."""

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from checkins.models import Grounds
from checkins.workflow import Proposal, finalize, open_check_in, save_proposal
from milestones.models import Achievement
from observations.models import Observation
from tests.factories import (
    AchievementFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
)
from tests.htmx import Htmx
from tests.pages import text_lines

pytestmark = pytest.mark.django_db
PERSON = "/medium/people/grace/"


@pytest.fixture
def seen_at_2(organization, subject, manager, servers):
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=1))
    return ObservationFactory(
        organization=organization, subject=subject, observer=manager, ability=servers, level=2,
        story="Ran the failover drill alone", privacy=Observation.Privacy.OBSERVED_AND_MANAGERS,
    )  # fmt: skip


def award_url(observation):
    return reverse("observation_award", args=["medium", observation.pk])


def test_a_manager_awards_from_an_observation_in_one_step(client, manager, subject, seen_at_2):
    client.force_login(manager.user)
    assert "Award milestone 2 from this observation" in text_lines(client.get(PERSON))
    response = client.post(award_url(seen_at_2), {"next": PERSON})
    assert response.status_code == 302 and response.url == PERSON
    achievement = Achievement.objects.get(membership=subject, milestone__level=2)
    assert achievement.awarded_by == manager
    assert list(
        Grounds.objects.filter(achievement=achievement).values_list("observation", flat=True)
    ) == [seen_at_2.pk]
    page = client.get(PERSON).content.decode()
    assert "Award milestone 2 from this observation" not in page  # held now
    assert f'href="#observation-{seen_at_2.pk}">observation 1</a>' in page
    # Twice: told, nothing more.
    client.post(award_url(seen_at_2))
    assert Achievement.objects.filter(membership=subject, milestone__level=2).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("subject", 403), ("member", 404), ("outsider", 404), ("anonymous", 302)],
)
def test_only_the_chain_and_admins_award_from_an_observation(
    client, sign_in, seen_at_2, subject, persona, status
):
    sign_in(persona)
    response = client.post(award_url(seen_at_2))
    assert response.status_code == status
    assert not Achievement.objects.filter(membership=subject, milestone__level=2).exists()
    if persona == "subject":
        assert "Award milestone 2" not in client.get(PERSON).content.decode()


def test_an_admin_awards_too(client, admin, subject, seen_at_2):
    client.force_login(admin.user)
    assert client.post(award_url(seen_at_2)).status_code == 302
    assert Achievement.objects.filter(membership=subject, milestone__level=2).exists()


def test_the_award_form_offers_the_gaps_first(client, organization, manager, subject, servers):
    role = RoleFactory(organization=organization, name="Engineer", slug="engineer")
    subject.roles.add(role)
    RequirementFactory(role=role, ability=servers, level=2)
    client.force_login(manager.user)
    page = client.get(PERSON).content.decode()
    assert "Their roles ask more of: Servers. Or type any." in page
    assert '<option value="Servers"></option>' in page
    # Choosing the ability and the milestone says what it asks.
    asks = reverse("award_asks", args=["medium", "grace"])
    assert 'data-hx-get="' + asks + '"' in page
    said = Htmx(client).get(asks, {"ability": "Servers", "level": "2"}).content.decode()
    assert "Servers, milestone 2</strong> asks: Summary of milestone 2" in said
    assert Htmx(client).get(asks, {"ability": "Nothing", "level": "2"}).content.decode() == ""
    assert Htmx(client).get(asks, {"ability": "Servers", "level": "x"}).content.decode() == ""
    # Only for those who award.
    client.force_login(subject.user)
    assert Htmx(client).get(asks, {"ability": "Servers", "level": "2"}).status_code == 403


def test_evidence_an_award_rests_on_stays(client, manager, seen_at_2):
    client.force_login(manager.user)
    client.post(award_url(seen_at_2))
    delete = reverse("observation_delete", args=["medium", seen_at_2.pk])
    assert "A check-in or an award rests on this observation" in client.get(delete).content.decode()
    client.post(delete)
    assert Observation.objects.filter(pk=seen_at_2.pk).exists()
    with pytest.raises(RestrictedError):
        Observation.objects.filter(pk=seen_at_2.pk).delete()


def test_a_cited_observation_stays(client, manager, subject, servers, seen_at_2):
    check_in = open_check_in(subject, manager, [servers])
    item = check_in.items.get()
    save_proposal(check_in, "manager", manager, {item.pk: Proposal(2, cited=[seen_at_2.pk])}, False)
    client.force_login(manager.user)
    client.post(reverse("observation_delete", args=["medium", seen_at_2.pk]))
    assert Observation.objects.filter(pk=seen_at_2.pk).exists()


def test_an_award_from_a_check_in_links_it_for_its_readers(
    client, organization, manager, subject, member, servers, seen_at_2
):
    check_in = open_check_in(subject, manager, [servers])
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(3)}, submit=True)
    save_proposal(check_in, "manager", manager, {item.pk: Proposal(3, cited=[seen_at_2.pk])}, True)
    finalize(check_in, manager, {item.pk: 3})
    client.force_login(subject.user)
    page = client.get(PERSON).content.decode()
    link = f'href="/medium/check-ins/{check_in.pk}/">a check-in</a>'
    assert link in page and f'href="#observation-{seen_at_2.pk}"' in page
    # A colleague who sees journeys sees the award, not what it rests on.
    organization.members_see_journeys = True
    organization.save()
    client.force_login(member.user)
    page = client.get(PERSON).content.decode()
    assert "Servers milestone 3" in page and "a check-in</a>" not in page
    assert f"#observation-{seen_at_2.pk}" not in page
