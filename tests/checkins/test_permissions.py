"""Who reads and acts on a check-in: its person, their management chain and the admins; to
anyone else it does not exist (a 404), whether they ask for the page, a partial or an action.
Journeys open to all members change nothing here. Query budgets are fixed."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.timezone import now

from checkins.models import CheckIn
from checkins.workflow import (
    Proposal,
    finalize,
    open_check_in,
    open_round,
    save_proposal,
)
from tests.factories import ObservationFactory, RequirementFactory, RoleFactory
from tests.htmx import Htmx, answer
from tests.privacy import VIEWERS, cast

pytestmark = pytest.mark.django_db
READERS = {"subject", "manager", "manager's manager", "admin"}


@pytest.fixture
def people(organization, other_organization):
    return cast(organization, other_organization)


@pytest.fixture
def under_way(people, servers):
    return open_check_in(people["subject"], people["manager"], [servers])


@pytest.fixture
def finalized(people, servers, under_way):
    item = under_way.items.get()
    save_proposal(under_way, "person", people["subject"], {item.pk: Proposal(2)}, submit=True)
    save_proposal(under_way, "manager", people["manager"], {item.pk: Proposal(2)}, submit=True)
    finalize(CheckIn.objects.get(pk=under_way.pk), people["manager"], {item.pk: 2})
    return under_way


def expected(viewer: str, readable=200):
    if viewer == "anonymous":
        return "sign-in"
    return readable if viewer in READERS else 404


def sign_in(client, people, viewer):
    if people[viewer] is not None:
        client.force_login(people[viewer].user)


@pytest.mark.parametrize("as_htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_person_their_chain_and_admins_read_a_check_in(
    client, people, finalized, viewer, as_htmx
):
    sign_in(client, people, viewer)
    fetch = Htmx(client).get if as_htmx else client.get
    for name in ("check_in", "check_in_export"):
        address = reverse(name, args=["medium", finalized.pk])
        assert answer(fetch(address)) == expected(viewer), (name, viewer)
    history = reverse("check_ins", args=["medium"]) + "?person=" + people["subject"].user.username
    assert answer(fetch(history)) == expected(viewer), ("history", viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_journeys_open_to_all_do_not_open_check_ins(client, people, under_way, viewer):
    organization = people["subject"].organization
    organization.members_see_journeys = True
    organization.save()
    sign_in(client, people, viewer)
    response = client.get(reverse("check_in", args=["medium", under_way.pk]))
    assert answer(response) == expected(viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_acting_on_a_check_in(client, people, under_way, viewer):
    """Proposing: the person, or the manager side; anyone else finds nothing, and nothing
    changes."""
    sign_in(client, people, viewer)
    item = under_way.items.get()
    response = client.post(
        reverse("check_in_propose", args=["medium", under_way.pk]),
        {"action": "submit", f"level-{item.pk}": 3},
    )
    assert answer(response) == expected(viewer, readable=302)
    item.refresh_from_db()
    proposed = {item.person_level, item.manager_level} - {None}
    assert proposed == ({3} if viewer in READERS else set())
    # Finalizing: never the person, never before both handed in; refused or not found.
    response = client.post(
        reverse("check_in_finalize", args=["medium", under_way.pk]), {f"agreed-{item.pk}": 3}
    )
    refused = 403 if viewer == "subject" else 302
    assert answer(response) == expected(viewer, readable=refused)
    assert not CheckIn.objects.filter(pk=under_way.pk, finalized_at__isnull=False).exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_acknowledging_is_the_person_s(client, people, finalized, viewer):
    sign_in(client, people, viewer)
    response = client.post(reverse("check_in_acknowledge", args=["medium", finalized.pk]), {})
    readable = 302 if viewer == "subject" else 403
    assert answer(response) == expected(viewer, readable=readable)
    finalized.refresh_from_db()
    assert (finalized.acknowledged_at is not None) == (viewer == "subject")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_opening_one_for_someone(client, people, viewer):
    """The person and their chain and admins open one; other members are refused (they know
    the person exists), outsiders find no organization."""
    sign_in(client, people, viewer)
    address = (
        reverse("check_in_new", args=["medium"]) + "?person=" + people["subject"].user.username
    )
    response = client.get(address)
    known = {"observer", "other manager", "member"}
    assert answer(response) == (403 if viewer in known else expected(viewer))


def test_a_check_in_of_another_organization_is_not_found(
    client, people, under_way, other_organization
):
    client.force_login(people["outsider"].user)
    assert client.get(reverse("check_in", args=["lessonly", under_way.pk])).status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_rounds_are_for_admins_and_managers(client, people, servers, viewer):
    organization = people["subject"].organization
    round, _, _ = open_round(
        organization, people["admin"], "Spring", "2030-01-01", "everyone",
        organization.memberships.active(), "Everyone",
    )  # fmt: skip
    sign_in(client, people, viewer)
    page = client.get(reverse("check_in_round", args=["medium", round.pk]))
    # The admin's round: other managers do not follow it (404), plain members are refused.
    want = {"admin": 200, "subject": 403, "member": 403, "anonymous": "sign-in", "outsider": 404,
            "former member": 404}.get(viewer, 404)  # fmt: skip
    assert answer(page) == want
    new = client.get(reverse("check_in_round_new", args=["medium"]))
    managers = {"admin", "manager", "manager's manager", "other manager", "observer"}
    want = 200 if viewer in managers else {"subject": 403, "member": 403}.get(viewer)
    assert answer(new) == (want or expected(viewer))


# Query budgets: the same with one ability and with thirty, with no evidence and with plenty.


def _grow(organization, people, abilities, observations_each):
    from tests.factories import ability_with_ladder

    made = [
        ability_with_ladder(organization=organization, name=f"Ability {n}", slug=f"ability-{n}")
        for n in range(abilities)
    ]
    for ability in made:
        for _ in range(observations_each):
            ObservationFactory(
                organization=organization, subject=people["subject"],
                observer=people["manager"], ability=ability,
            )  # fmt: skip
    return made


@pytest.mark.parametrize("size", [(1, 0), (30, 8)], ids=["small", "large"])
def test_the_check_in_page_s_queries_do_not_grow(
    client, people, organization, size, django_assert_num_queries
):
    abilities = _grow(organization, people, *size)
    check_in = open_check_in(people["subject"], people["manager"], abilities)
    item = check_in.items.first()
    save_proposal(check_in, "person", people["subject"], {item.pk: Proposal(1)}, submit=False)
    client.force_login(people["manager"].user)
    address = reverse("check_in", args=["medium", check_in.pk])
    client.get(address)  # the session's first read
    with django_assert_num_queries(9):
        assert client.get(address).status_code == 200


@pytest.mark.parametrize("count", [1, 30], ids=["one", "many"])
def test_the_check_ins_list_s_queries_do_not_grow(
    client, people, organization, servers, count, django_assert_num_queries
):
    role = RoleFactory(organization=organization)
    RequirementFactory(role=role, ability=servers, level=1)
    for _ in range(count):
        open_round(
            organization, people["admin"], "Round", "2030-01-01", "everyone",
            organization.memberships.active().exclude(pk=people["subject"].pk), "Everyone",
        )  # fmt: skip
        CheckIn.objects.filter(finalized_at__isnull=True).update(
            person_submitted_at=now(), manager_submitted_at=now(), finalized_at=now()
        )
    client.force_login(people["admin"].user)
    address = reverse("check_ins", args=["medium"])
    client.get(address)  # the session's first read
    cache.clear()  # nothing kept: every list is read
    with django_assert_num_queries(6):
        assert client.get(address).status_code == 200
    with django_assert_num_queries(4):  # what is under way and the rounds, kept
        assert client.get(address).status_code == 200


@pytest.mark.parametrize("size", [(1, 0), (60, 3)], ids=["small", "large"])
def test_the_forms_queries_do_not_grow(
    client, people, organization, size, django_assert_num_queries
):
    """Opening a check-in offers at most forty abilities; a round's form at most 200 roles."""
    abilities = _grow(organization, people, *size)
    role = RoleFactory(organization=organization)
    people["subject"].roles.add(role)
    for ability in abilities:
        RequirementFactory(role=role, ability=ability, level=1)
    client.force_login(people["subject"].user)
    address = reverse("check_in_new", args=["medium"])
    client.get(address)
    with django_assert_num_queries(6):
        assert client.get(address).status_code == 200
    client.force_login(people["admin"].user)
    address = reverse("check_in_round_new", args=["medium"])
    client.get(address)
    with django_assert_num_queries(4):
        assert client.get(address).status_code == 200
