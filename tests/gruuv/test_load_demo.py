import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from abilities.models import Ability
from health.badges import badges, with_health
from milestones.models import Achievement, Example, Milestone, Requirement
from observations.models import Conversation, Message, Observation
from organizations.models import Membership, Organization, Role, User
from tests.reference.seed import SEED_PAGES, read_seed

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    Organization, Role, Membership, User, Ability, Milestone, Example, Requirement,
    Achievement, Observation, Conversation, Message,
]  # fmt: skip


def snapshot() -> dict:
    """Every row of every model, to prove that a second run changes nothing."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in ALL_MODELS}
    rows["roles held"] = list(Membership.roles.through.objects.order_by("pk").values())
    return rows


@pytest.mark.parametrize(("org_slug", "ability_slug"), list(SEED_PAGES))
def test_demo_ability_matches_its_seed_page(demo, org_slug, ability_slug):
    seed = read_seed(SEED_PAGES[(org_slug, ability_slug)])
    ability = with_health(Ability.objects).get(organization__slug=org_slug, slug=ability_slug)
    uses_miles = ability.organization.uses_miles

    assert [ability.summary, *filter(None, [ability.description])] == seed.description
    milestones = list(ability.milestones.order_by("level"))
    assert [m.level for m in milestones] == [m.level for m in seed.milestones] == [1, 2, 3, 4, 5]
    for milestone, expected in zip(milestones, seed.milestones, strict=True):
        miles_line = f"({milestone.miles_phrase})" if uses_miles else None
        assert miles_line == expected.miles_line
        assert [t for t in (milestone.summary, milestone.description) if t] == expected.texts
        examples = [(e.behaviour, e.example_task) for e in milestone.examples.all()]
        assert examples == expected.examples
    assert [str(badge) for badge in badges(ability)] == seed.health
    requirements = ability.requirements.select_related("role").order_by("role__name")
    assert [str(requirement) for requirement in requirements] == seed.requirements


def test_the_demo_tells_a_story_on_its_own_abilities_and_leaves_the_seeds_alone(demo):
    medium, lessonly = (Organization.objects.get(slug=s) for s in ("medium", "lessonly"))
    story = {"incident-response", "mentoring"}
    assert set(medium.abilities.values_list("slug", flat=True)) == story | {"servers"}
    assert {o.ability.slug for o in Observation.objects.all()} == story
    privacies = set(Observation.objects.values_list("privacy", flat=True))
    assert len(privacies) == 5  # observations at several privacy levels
    assert {a.milestone.ability.slug for a in Achievement.objects.all()} == story
    (conversation,) = Conversation.objects.all()
    assert conversation.ability.slug in story and conversation.messages.count() == 2
    assert not Observation.objects.filter(organization=lessonly).exists()
    assert medium.uses_miles and not lessonly.uses_miles
    assert medium.roles.count() == 1
    assert lessonly.roles.count() == 6


def test_loading_again_leaves_the_story_as_it_is(demo):
    call_command("load_demo", stdout=StringIO())
    assert Observation.objects.count() == 5 and Conversation.objects.count() == 1


def test_demo_people_and_their_access(demo):
    expected = {
        "medium-admin": ("medium", "admin", True),
        "medium-manager": ("medium", "manager", False),
        "medium-member": ("medium", "member", False),
        "lessonly-admin": ("lessonly", "admin", True),
        "lessonly-member": ("lessonly", "member", False),
    }
    for username, (org, level, staff) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("gruuv-demo")
        assert user.is_staff is staff
        assert not user.is_superuser
        assert [(m.organization.slug, m.level) for m in user.memberships.all()] == [(org, level)]
        assert f"{username:<16} gruuv-demo" in demo


def test_a_second_run_changes_nothing(demo, settings):
    before = snapshot()
    with time_machine.travel(datetime.timedelta(days=3)):
        call_command("load_demo", stdout=StringIO())
    assert snapshot() == before


def test_reset_restores_the_seed_after_edits(demo):
    milestone = Milestone.objects.get(ability__slug="servers", level=3)
    milestone.summary = "Edited while trying the demo"
    milestone.save()
    call_command("load_demo", "--reset", stdout=StringIO())
    servers = with_health(Ability.objects).get(slug="servers")
    assert servers.milestones.get(level=3).summary.startswith("Designs standalone systems")
    assert str(badges(servers)[3]) == "⛔️ Last updated: almost 5 years ago"
    assert Organization.objects.count() == 2


@pytest.mark.parametrize(
    "today",
    [
        datetime.datetime(2026, 3, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2028, 2, 29, 0, 1, tzinfo=datetime.UTC),
        datetime.datetime(2030, 12, 31, 12, 0, tzinfo=datetime.UTC),
    ],
)
def test_ages_read_right_on_any_day(settings, today):
    settings.DEBUG = True
    with time_machine.travel(today, tick=False):
        call_command("load_demo", stdout=StringIO())
        seeds = Ability.objects.filter(slug__in=["servers", "infrastructure"])
        ages = {a.slug: str(badges(a)[3]) for a in with_health(seeds)}
    assert ages == {
        "servers": "⛔️ Last updated: almost 5 years ago",
        "infrastructure": "⛔️ Last updated: about 5 years ago",
    }


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert not Organization.objects.exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert Organization.objects.count() == 2


def test_seed_reader_reads_every_section():
    servers = read_seed(SEED_PAGES[("medium", "servers")])
    infrastructure = read_seed(SEED_PAGES[("lessonly", "infrastructure")])
    assert [len(m.examples) for m in servers.milestones] == [3, 3, 3, 3, 3]
    assert [len(m.examples) for m in infrastructure.milestones] == [1, 3, 3, 1, 1]
    assert len(servers.health) == len(infrastructure.health) == 5
    assert servers.requirements == ["Builders must be milestone 1+"]
    assert len(infrastructure.requirements) == 6


def test_the_demo_member_reports_to_the_demo_manager(demo):
    member = Membership.objects.get(user__username="medium-member")
    assert member.manager.user.username == "medium-manager"
    assert Membership.objects.get(user__username="medium-admin").user.is_staff
    assert not Membership.objects.get(user__username="medium-manager").user.is_staff
