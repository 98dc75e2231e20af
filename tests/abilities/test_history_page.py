import datetime

import pytest
from django.urls import reverse

from abilities.models import Ability
from milestones.models import Milestone
from tests.admin_forms import admin_form_data
from tests.factories import ExampleFactory, MembershipFactory, ability_with_ladder
from tests.pages import text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def servers(organization):
    ability = ability_with_ladder(organization=organization, name="Servers", slug="servers")
    ExampleFactory(milestone=ability.milestones.get(level=1), behaviour="Adds endpoints")
    return ability


def history_url(ability) -> str:
    return reverse("ability_history", args=[ability.organization.slug, ability.slug])


def test_an_admin_edit_shows_as_a_diff_and_moves_last_updated(client, admin, servers):
    long_ago = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    Ability.objects.filter(pk=servers.pk).update(updated_at=long_ago)
    client.force_login(admin.user)
    change_url = reverse(
        "admin:milestones_milestone_change", args=[servers.milestones.get(level=3).pk]
    )
    data = admin_form_data(client.get(change_url))
    data["summary"] = "Designs standalone systems of moderate complexity"
    assert client.post(change_url, data).status_code == 302

    response = client.get(history_url(servers))
    assert response.status_code == 200
    newest = response.context["changes"][0]
    assert (newest.subject, newest.kind, newest.who) == (
        "Milestone 3", "changed", admin.user.username,
    )  # fmt: skip
    # Seconds after the ladder was made, but by someone else: an entry of its own.
    assert entries(response)[0] == ("Milestone 3 changed", ["Milestone 3 changed"])
    page = response.content.decode()
    # A word diff: "of" stayed, the rest was replaced.
    assert "<del>Summary</del> <ins>Designs standalone systems</ins> <span>of</span>" in page
    assert "<del>milestone 3</del> <ins>moderate complexity</ins>" in page
    servers.refresh_from_db()
    assert servers.updated_at == Milestone.history.latest().history_date
    ability_page = text_lines(client.get(reverse("ability", args=["medium", "servers"])))
    assert "✅ Last updated: less than a minute ago" in ability_page


def test_changes_are_listed_newest_first_with_what_was_added(client, servers):
    servers.summary = "A better summary"
    servers.save()
    changes = client.get(history_url(servers)).context["changes"]
    assert changes[0].subject == "Ability"
    assert changes[0].kind == "changed"
    assert [f.label for f in changes[0].fields] == ["Summary"]
    kinds = {(c.subject, c.kind) for c in changes}
    assert ("Example in milestone 1", "added") in kinds
    assert ("Milestone 5", "added") in kinds
    assert [c.when for c in changes] == sorted((c.when for c in changes), reverse=True)


def test_deletions_are_in_the_history_too(client, servers):
    servers.milestones.get(level=1).examples.get().delete()
    changes = client.get(history_url(servers)).context["changes"]
    assert (changes[0].subject, changes[0].kind) == ("Example in milestone 1", "removed")


def test_resaving_without_a_change_records_nothing(client, servers):
    before = len(client.get(history_url(servers)).context["changes"])
    Ability.objects.get(pk=servers.pk).save()
    Milestone.objects.get(ability=servers, level=2).save()
    assert len(client.get(history_url(servers)).context["changes"]) == before


def test_history_is_for_readers_of_the_framework(client, servers, other_organization):
    assert client.get(history_url(servers)).status_code == 200  # public organization
    servers.organization.is_public = False
    servers.organization.save()
    assert client.get(history_url(servers)).status_code == 404
    client.force_login(MembershipFactory(organization=other_organization).user)
    assert client.get(history_url(servers)).status_code == 404
    client.force_login(MembershipFactory(organization=servers.organization).user)
    assert client.get(history_url(servers)).status_code == 200
    assert client.get(reverse("ability_history", args=["medium", "nothing"])).status_code == 404


@pytest.mark.parametrize("edits", [1, 30])
def test_history_page_query_budget_is_fixed(client, servers, edits, django_assert_num_queries):
    for n in range(edits):
        milestone = Milestone.objects.get(ability=servers, level=1 + n % 5)
        milestone.summary = f"Edit {n}"
        milestone.save()
        ExampleFactory(milestone=milestone)
    # 1 organization, 2 ability, 3 milestone history, 4 example history, 5 ability history
    with django_assert_num_queries(5):
        response = client.get(history_url(servers))
    summaries = [c for c in response.context["changes"] if c.subject == "Milestone 1"]
    assert any(f.label == "Summary" for change in summaries for f in change.fields)


def test_a_long_history_comes_a_page_at_a_time(client, servers, django_assert_num_queries):
    for n in range(60):
        servers.summary = f"Summary number {n:02}"
        servers.save()
    url = history_url(servers)
    first = client.get(url)
    newest = [c.fields[0].segments for c in first.context["changes"]]
    assert len(newest) == 50
    assert first.context["changes"][0].fields[0].segments[-1] == ("insert", "59")
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(url + "?page=2")
    older = [c.fields[0].segments for c in second.context["changes"]]
    assert not [segments for segments in older if segments in newest]
    # 60 edits and the ladder's 5 milestones, 1 example and the ability's creation: 67.
    assert len(older) == 17
    assert 'href="?page=1"' in second.content.decode()
    assert "Next" not in text_lines(second)[-1]
    # The same fixed number of queries for any page: 1 organization, 2 ability, 3–5 the
    # newest records of each kind (with the record before each, to tell what changed).
    with django_assert_num_queries(5):
        client.get(url + "?page=2")


def entries(response) -> list[tuple[str, list[str]]]:
    """Each entry's title and its changes' subjects, as listed."""
    return [
        (group.title, [f"{c.subject} {c.kind}" for c in group.changes])
        for group in response.context["changes"].groups
    ]


def test_a_creation_is_one_entry_in_ladder_order_folded_after_the_first_few(client, servers):
    response = client.get(history_url(servers))
    ((title, changes),) = entries(response)
    assert title == "Ability created, with 5 milestones and 1 example"
    assert changes == [
        "Ability added",
        "Milestone 1 added",
        "Example in milestone 1 added",
        "Milestone 2 added",
        "Milestone 3 added",
        "Milestone 4 added",
        "Milestone 5 added",
    ]
    html = response.content.decode()
    shown, folded = html.split('<details class="change__more">')
    assert "Milestone 1</strong> added" in shown and "Milestone 2</strong> added" not in shown
    assert "<summary>4 more changes</summary>" in folded
    assert "Milestone 5</strong> added" in folded


def test_changes_apart_in_time_or_by_someone_else_are_separate_entries(client, admin, servers):
    import time_machine
    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        for level in (2, 1):  # saved out of order, together
            milestone = servers.milestones.get(level=level)
            milestone.summary = f"Sharper summary {level}"
            milestone.save()
    with time_machine.travel(later + datetime.timedelta(minutes=5), tick=False):
        servers.summary = "Newer words"
        servers.save()
    response = client.get(history_url(servers))
    assert [title for title, _ in entries(response)] == [
        "Ability changed",
        "2 milestones changed",
        "Ability created, with 5 milestones and 1 example",
    ]
    assert entries(response)[1][1] == ["Milestone 1 changed", "Milestone 2 changed"]
    titles = [line for line in text_lines(response) if "changed" in line or "created" in line]
    assert titles[0].startswith("Ability changed")


def test_the_folded_changes_continue_the_numbering(client, servers):
    html = client.get(history_url(servers)).content.decode()
    assert '<ol class="change__parts" start="4">' in html.split('<details class="change__more">')[1]


def test_one_save_of_the_ability_s_admin_page_is_one_entry(client, admin, servers):
    """A milestone and examples edited on the ability's admin page, saved at once."""
    import time_machine
    from django.utils import timezone

    client.force_login(admin.user)
    change_url = reverse("admin:abilities_ability_change", args=[servers.pk])
    data = admin_form_data(client.get(change_url))
    level_of = {data[f"milestones-{i}-level"]: i for i in range(5)}
    data[f"milestones-{level_of[2]}-summary"] = "Builds on what is there"
    data["examples-TOTAL_FORMS"] = 3
    data |= {"examples-1-level": 3, "examples-1-behaviour": "Writes playbooks"}
    data |= {"examples-2-level": 2, "examples-2-behaviour": "Generalizes code"}
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=False):
        assert client.post(change_url, data).status_code == 302

    response = client.get(history_url(servers))
    assert entries(response)[0] == (
        "1 milestone and 2 examples changed",
        ["Milestone 2 changed", "Example in milestone 2 added", "Example in milestone 3 added"],
    )
