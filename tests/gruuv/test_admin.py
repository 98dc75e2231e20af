"""Django admin, scoped: an organization's admins see and edit only their own organization."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from abilities.models import Ability
from milestones.models import Example, Milestone
from observations.models import Observation
from organizations.models import Membership, Organization
from tests.admin_forms import admin_form_data
from tests.factories import (
    AbilityFactory,
    ExampleFactory,
    MembershipFactory,
    ObservationFactory,
    RoleFactory,
    UserFactory,
    ability_with_ladder,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def servers(organization):
    ability = ability_with_ladder(organization=organization, name="Servers", slug="servers")
    ExampleFactory(milestone=ability.milestones.get(level=1), behaviour="Adds endpoints")
    return ability


@pytest.fixture
def infrastructure(other_organization):
    return ability_with_ladder(
        organization=other_organization, name="Infrastructure", slug="infrastructure"
    )


@pytest.fixture
def medium_admin(client, admin):
    client.force_login(admin.user)
    return client


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_ability_list_shows_only_own_organization(medium_admin, servers, infrastructure):
    response = medium_admin.get(changelist_url(Ability))
    assert response.status_code == 200
    names = [ability.name for ability in response.context["cl"].result_list]
    assert names == ["Servers"]


def test_ability_list_shows_health_icons_in_fixed_queries(
    medium_admin, organization, django_assert_max_num_queries
):
    for _ in range(30):
        ability_with_ladder(organization=organization)
    # session, user, admin organizations, count, filtered count, abilities with health, filter
    # choices, and the savepoint around the list (two statements inside a test's transaction):
    # a fixed handful however many abilities there are.
    with django_assert_max_num_queries(12):
        response = medium_admin.get(changelist_url(Ability))
    assert response.content.decode().count('title="Associated with no roles"') == 30


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_organizations_ability_is_a_404(medium_admin, infrastructure, view):
    url = reverse(f"admin:abilities_ability_{view}", args=[infrastructure.pk])
    assert medium_admin.get(url).status_code == 404


def test_another_organizations_milestone_and_role_are_404(medium_admin, infrastructure):
    assert medium_admin.get(change_url(infrastructure.milestones.first())).status_code == 404
    role = RoleFactory(organization=infrastructure.organization)
    assert medium_admin.get(change_url(role)).status_code == 404


def test_own_ability_change_page_shows_its_ladder(medium_admin, servers):
    response = medium_admin.get(change_url(servers))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 5
    assert "Associated with no roles" in response.content.decode()


def test_foreign_key_choices_are_scoped(medium_admin, organization, servers, infrastructure):
    response = medium_admin.get(reverse("admin:abilities_ability_add"))
    choices = response.context["adminform"].form.fields["organization"].queryset
    assert list(choices) == [organization]

    role = RoleFactory(organization=organization)
    response = medium_admin.get(change_url(role))
    requirement_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(requirement_form.fields["ability"].queryset) == [servers]


def test_creating_an_ability_in_another_organization_is_refused(medium_admin, other_organization):
    response = medium_admin.get(reverse("admin:abilities_ability_add"))
    data = admin_form_data(response) | {
        "organization": other_organization.pk,
        "name": "Smuggled",
        "slug": "smuggled",
        "summary": "Should not land",
    }
    response = medium_admin.post(reverse("admin:abilities_ability_add"), data)
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Ability.objects.filter(slug="smuggled").exists()


def test_editing_a_milestone_inline_saves_and_moves_last_updated(medium_admin, servers):
    Ability.objects.filter(pk=servers.pk).update(
        updated_at=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    )
    response = medium_admin.get(change_url(servers))
    data = admin_form_data(response)
    data["milestones-2-summary"] = "Designs standalone systems"
    response = medium_admin.post(change_url(servers), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Milestone.objects.get(ability=servers, level=3).summary == "Designs standalone systems"
    assert Ability.objects.get(pk=servers.pk).updated_at.year > 2021


def test_resaving_an_unchanged_ability_keeps_last_updated(medium_admin, servers):
    long_ago = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    Ability.objects.filter(pk=servers.pk).update(updated_at=long_ago)
    response = medium_admin.get(change_url(servers))
    response = medium_admin.post(change_url(servers), admin_form_data(response))
    assert response.status_code == 302
    assert Ability.objects.get(pk=servers.pk).updated_at == long_ago


def test_examples_are_edited_inline_on_the_milestone(medium_admin, servers):
    milestone = servers.milestones.get(level=1)
    response = medium_admin.get(change_url(milestone))
    data = admin_form_data(response)
    data["examples-0-example_task"] = "Added IFTTT trigger"
    response = medium_admin.post(change_url(milestone), data)
    assert response.status_code == 302
    assert Example.objects.get(milestone=milestone).example_task == "Added IFTTT trigger"


def test_examples_are_edited_on_the_ability_page(medium_admin, servers):
    """One save of the ability changes, moves, adds and deletes examples across its ladder."""
    first = servers.milestones.get(level=1)
    doomed = ExampleFactory(milestone=first, behaviour="Goes away")
    moving = ExampleFactory(milestone=first, behaviour="Generalizes code when appropriate")
    response = medium_admin.get(change_url(servers))
    data = admin_form_data(response)
    rows = {data[f"examples-{i}-behaviour"]: i for i in range(3)}
    assert data["examples-INITIAL_FORMS"] == 3
    assert [data[f"examples-{i}-level"] for i in range(3)] == [1, 1, 1]
    data[f"examples-{rows['Adds endpoints']}-example_task"] = "Added IFTTT trigger"
    data[f"examples-{rows['Goes away']}-DELETE"] = "on"
    data[f"examples-{rows['Generalizes code when appropriate']}-level"] = 2
    data["examples-TOTAL_FORMS"] = 4
    data["examples-3-level"] = 5
    data["examples-3-behaviour"] = "Designs transformational projects"

    response = medium_admin.post(change_url(servers), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(first.examples.values_list("behaviour", "example_task")) == [
        ("Adds endpoints", "Added IFTTT trigger")
    ]
    assert not Example.objects.filter(pk=doomed.pk).exists()
    moving.refresh_from_db()
    assert (moving.milestone.level, moving.position) == (2, 1)
    added = Example.objects.get(milestone__ability=servers, milestone__level=5)
    assert (added.behaviour, added.position) == ("Designs transformational projects", 1)


def test_a_new_ability_is_written_with_its_ladder_and_examples_in_one_save(
    medium_admin, organization
):
    response = medium_admin.get(reverse("admin:abilities_ability_add"))
    data = admin_form_data(response) | {
        "organization": organization.pk,
        "name": "Mentoring",
        "slug": "mentoring",
        "summary": "Helps others grow",
        "milestones-0-summary": "Helps a colleague",
        "milestones-2-summary": "Runs a mentoring programme",
        "examples-TOTAL_FORMS": 2,
        "examples-0-level": 3,
        "examples-0-behaviour": "Pairs with new starters",
        "examples-1-level": 1,
        "examples-1-behaviour": "Answers questions kindly",
    }
    response = medium_admin.post(reverse("admin:abilities_ability_add"), data)
    assert response.status_code == 302, response.context["errors"]
    ability = Ability.objects.get(slug="mentoring")
    assert list(
        Example.objects.filter(milestone__ability=ability).values_list(
            "milestone__level", "milestone__summary", "behaviour"
        )
    ) == [
        (1, "Helps a colleague", "Answers questions kindly"),
        (3, "Runs a mentoring programme", "Pairs with new starters"),
    ]


def test_an_example_row_without_its_milestone_says_so(medium_admin, servers):
    response = medium_admin.get(change_url(servers))
    data = admin_form_data(response) | {
        "examples-TOTAL_FORMS": 2,
        "examples-1-behaviour": "Orphan",
    }
    response = medium_admin.post(change_url(servers), data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.errors[1] == {
        "level": ["This field is required."]
    }
    assert not Example.objects.filter(behaviour="Orphan").exists()


def test_another_organizations_example_cannot_be_edited_from_an_ability_page(
    medium_admin, servers, infrastructure
):
    foreign = ExampleFactory(milestone=infrastructure.milestones.get(level=1), behaviour="Theirs")
    response = medium_admin.get(change_url(servers))
    for field, value in [("behaviour", "Overwritten"), ("DELETE", "on")]:
        data = admin_form_data(response) | {
            "examples-0-id": foreign.pk,
            f"examples-0-{field}": value,
        }

        answer = medium_admin.post(change_url(servers), data)

        assert answer.status_code == 200  # the form again, with the error above the rows
        assert "no longer one of this ability" in answer.content.decode()
        foreign.refresh_from_db()
        assert (foreign.behaviour, foreign.milestone.ability) == ("Theirs", infrastructure)


def test_the_ability_page_s_queries_do_not_grow_with_its_examples(medium_admin, servers):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert medium_admin.get(change_url(servers)).status_code == 200
        return len(captured)

    few = queries()
    for milestone in servers.milestones.all():
        ExampleFactory.create_batch(12, milestone=milestone)
    assert queries() == few
    assert few <= 25


def test_deleting_an_ability_with_observations_is_refused_with_a_message(medium_admin, servers):
    ObservationFactory(organization=servers.organization, ability=servers)
    url = reverse("admin:abilities_ability_delete", args=[servers.pk])
    response = medium_admin.get(url)
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    medium_admin.post(url, {"post": "yes"})
    assert Ability.objects.filter(pk=servers.pk).exists()


def test_deleting_an_ability_without_evidence_works(medium_admin, servers):
    response = medium_admin.post(
        reverse("admin:abilities_ability_delete", args=[servers.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Ability.objects.filter(pk=servers.pk).exists()


def test_organization_admin_edits_own_organization_but_cannot_add_or_delete(
    medium_admin, organization, other_organization
):
    response = medium_admin.get(changelist_url(Organization))
    assert list(response.context["cl"].result_list) == [organization]
    assert medium_admin.get(change_url(organization)).status_code == 200
    assert medium_admin.get(change_url(other_organization)).status_code == 404
    assert medium_admin.get(reverse("admin:organizations_organization_add")).status_code == 403


def test_memberships_are_scoped_and_roles_must_be_the_organizations_own(
    medium_admin, admin, organization, outsider
):
    member = MembershipFactory(organization=organization)
    response = medium_admin.get(changelist_url(Membership))
    assert set(response.context["cl"].result_list) == {admin, member}
    assert medium_admin.get(change_url(outsider)).status_code == 404

    response = medium_admin.get(change_url(member))
    form = response.context["adminform"].form
    assert set(form.fields["user"].queryset) == {admin.user, member.user}
    assert set(form.fields["organization"].queryset) == {organization}


def test_roles_of_another_organization_are_refused_on_a_membership(organization):
    from backoffice.admin.organizations import MembershipForm

    member = MembershipFactory(organization=organization)
    foreign_role = RoleFactory()
    form = MembershipForm(
        instance=member,
        data={
            "organization": organization.pk,
            "user": member.user.pk,
            "level": "member",
            "roles": [foreign_role.pk],
        },
    )
    assert not form.is_valid()
    assert "another organization" in str(form.errors["roles"])


def test_observations_in_admin_follow_the_privacy_rule(medium_admin, organization):
    private = ObservationFactory(
        organization=organization, privacy=Observation.Privacy.OBSERVER_ONLY
    )
    for_managers = ObservationFactory(
        organization=organization, privacy=Observation.Privacy.MANAGERS_ONLY
    )
    ObservationFactory(privacy=Observation.Privacy.PUBLIC_TO_WORLD)  # another organization's
    response = medium_admin.get(changelist_url(Observation))
    assert list(response.context["cl"].result_list) == [for_managers]
    assert medium_admin.get(change_url(private)).status_code == 404
    # Read-only for organization admins: observers edit their own in the app.
    assert medium_admin.get(change_url(for_managers)).context["has_change_permission"] is False


def test_lessonly_admin_sees_only_lessonly(client, outsider, servers, infrastructure):
    client.force_login(outsider.user)
    response = client.get(changelist_url(Ability))
    assert [a.name for a in response.context["cl"].result_list] == ["Infrastructure"]
    assert client.get(change_url(servers)).status_code == 404


def test_staff_without_an_admin_membership_sees_no_organization(client, organization, servers):
    manager = MembershipFactory(organization=organization, level=Membership.Level.MANAGER)
    manager.user.is_staff = True
    manager.user.save()
    client.force_login(manager.user)
    assert client.get(changelist_url(Ability)).status_code == 403
    assert client.get(change_url(servers)).status_code in {403, 404}


def test_members_who_are_not_staff_are_sent_to_the_admin_login(client, organization):
    client.force_login(MembershipFactory(organization=organization).user)
    response = client.get(changelist_url(Ability))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_sees_every_organization(client, servers, infrastructure):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(changelist_url(Ability))
    assert {a.name for a in response.context["cl"].result_list} == {"Servers", "Infrastructure"}


def test_view_on_site_reveals_nothing_outside_ones_organizations(
    client, admin, organization, other_organization
):
    private = AbilityFactory(organization=other_organization, slug="secret-plans")
    other_organization.is_public = False
    other_organization.save()
    own = AbilityFactory(organization=organization, slug="servers")
    client.force_login(admin.user)
    kind = ContentType.objects.get_for_model(Ability).pk
    assert client.get(f"/admin/r/{kind}/{private.pk}/").status_code == 404
    assert client.get(f"/admin/r/{kind}/nonsense/").status_code == 404
    # Spellings of the same number that are not plain digits reach no unscoped view either.
    for spelling in (f"+{kind}", f"%20{kind}", f"{kind}%20", f"0{kind}", "nonsense", "9" * 30):
        response = client.get(f"/admin/r/{spelling}/{private.pk}/")
        assert response.status_code == 404, spelling
    assert client.get(f"/admin/r/{kind}/+{private.pk}/").status_code == 404
    assert client.get(f"/admin/r/{kind}/{own.pk}/")["Location"].endswith(
        "/medium/abilities/servers/"
    )


def test_the_add_ability_form_starts_with_the_organization_and_five_levels(client, admin):
    client.force_login(admin.user)
    url = reverse("admin:abilities_ability_add") + f"?organization={admin.organization.pk}"
    response = client.get(url)
    assert response.context["adminform"].form["organization"].value() == str(admin.organization.pk)
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form["level"].value() for form in formset.forms] == [1, 2, 3, 4, 5]
    # The one-line summary is as wide as admin's text areas, so its sentence can be read.
    summary = r'<input [^>]*name="summary"[^>]*class="vLargeTextField"'
    assert re.search(summary, response.content.decode())


@pytest.mark.parametrize(
    "query",
    [
        "story__regex=%5B",  # "[": no pattern
        "observed_on__year=2147483648",
        "observed_on__year=99999&observed_on__month=1",
    ],
)
def test_a_lookup_the_database_cannot_answer_is_admin_s_invalid_lookup(
    medium_admin, organization, servers, query
):
    ObservationFactory(organization=organization, ability=servers)
    url = reverse("admin:observations_observation_changelist")
    response = medium_admin.get(f"{url}?{query}")
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    assert medium_admin.get(url).status_code == 200  # the request's transaction is intact


# The patterns that are no pattern, and the odd values the fuzz suite sends, on every text field
# of every list admin shows.
NO_PATTERNS = ["[", "(", ")", "*", "+", "?", "a{2,1}", "\\", "(?P<", "[z-a]", "x" * 2000]
ODD_VALUES = ["", "%", "\r\nSet-Cookie: a=b", "' OR 1=1 --", "\U0001f600", "9" * 40]


def _text_lookups():
    from django.contrib import admin as django_admin
    from django.db import models

    for model, model_admin in sorted(
        django_admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                for lookup in ("regex", "iregex"):
                    yield model, model_admin, f"{field.name}__{lookup}"


@pytest.mark.parametrize("value", NO_PATTERNS + ODD_VALUES)
def test_every_changelist_answers_every_pattern_lookup_without_a_500(organization, servers, value):
    """An operator sees every list; each text field × regex/iregex × value is a list or admin's
    invalid-lookup redirect, on SQLite (Python's patterns) and PostgreSQL (its own) alike (or a
    400 where admin refuses the lookup itself, as on passwords)."""
    from urllib.parse import urlencode

    from django.test import Client

    client = Client(raise_request_exception=False)
    operator = UserFactory(is_staff=True, is_superuser=True)
    ObservationFactory(organization=organization, ability=servers)
    client.force_login(operator)
    asked = 0
    for model, _, lookup in _text_lookups():
        url = changelist_url(model)
        response = client.get(f"{url}?{urlencode({lookup: value})}")
        assert response.status_code in (200, 302, 400), (model._meta.label, lookup, value)
        if response.status_code == 302:
            assert response["Location"] == f"{url}?e=1"
        asked += 1
    assert asked > 40  # every registered list was asked, not none
