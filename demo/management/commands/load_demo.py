from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from abilities.models import Ability
from checkins.models import CheckIn, CheckInItem, Citation, Grounds, Round, ladder_snapshot
from demo.frameworks import (
    DEMO_PASSWORD,
    ORGANIZATIONS,
    STORY_ABILITIES,
    STORY_ACHIEVEMENTS,
    STORY_CHECK_INS,
    STORY_CONVERSATION,
    STORY_OBSERVATIONS,
)
from framework.importing import FrameworkImport
from framework.parse import parse
from kit.timesince import add_months
from milestones.models import Achievement, Example, Milestone
from observations.models import Conversation, Message, Observation
from organizations.models import Membership, Organization, User


class Command(BaseCommand):
    help = "Load the demo organizations Medium and Lessonly with their seed abilities and people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even with DEBUG off."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete the demo organizations and people first, with everything recorded in "
                "them (observations, achievements, conversations), restoring the seed exactly."
            ),
        )

    def handle(self, *args, force: bool, reset: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like production: the demo adds users with a "
                "published password. Run with --force to load it anyway."
            )
        with transaction.atomic():
            if reset:
                self._delete_demo()
            for spec in ORGANIZATIONS:
                self._load_organization(spec)
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in at /accounts/login/ as:"))
        for spec in ORGANIZATIONS:
            for username, level, *_ in spec["people"]:
                self.stdout.write(f"  {username:<16} {DEMO_PASSWORD}   ({level} of {spec['name']})")

    def _delete_demo(self) -> None:
        """Everything in the demo's organizations, evidence first: the database refuses to let
        evidence go as a side effect, so this reset names each kind it removes."""
        demo = Organization.objects.filter(slug__in=[spec["slug"] for spec in ORGANIZATIONS])
        Message.objects.filter(conversation__ability__organization__in=demo).delete()
        Conversation.objects.filter(ability__organization__in=demo).delete()
        Grounds.objects.filter(achievement__membership__organization__in=demo).delete()
        CheckIn.objects.filter(organization__in=demo).delete()
        Round.objects.filter(organization__in=demo).delete()
        Observation.objects.filter(organization__in=demo).delete()
        Achievement.objects.filter(membership__organization__in=demo).delete()
        demo.delete()
        usernames = [person[0] for spec in ORGANIZATIONS for person in spec["people"]]
        User.objects.filter(username__in=usernames).delete()

    def _load_organization(self, spec: dict) -> None:
        organization = Organization.objects.filter(slug=spec["slug"]).first()
        created = organization is None
        if created:
            organization = Organization.objects.create(name=spec["name"], slug=spec["slug"])
            framework = parse(spec["framework"].read_text(encoding="utf-8"))
            FrameworkImport(organization, framework, reason="The demo's framework").run()
            self._age(organization, spec["age_in_months"])
            self.stdout.write(f"Created {organization.name} with its seed framework.")
        else:
            # What people changed while trying the demo is theirs; --reset brings the seed back.
            self.stdout.write(f"{organization.name} is already here; its framework is left as is.")
        for username, level, role_slugs, manager in spec["people"]:
            self._load_person(organization, username, level, role_slugs, manager)
        if created and spec.get("story"):
            self._tell_story(organization)

    def _age(self, organization: Organization, age_in_months: dict[str, int]) -> None:
        """The seed pages were last edited years ago: "Last updated" and the history agree."""
        now = timezone.now()
        for slug, months in age_in_months.items():
            written = add_months(now, -months)
            abilities = organization.abilities.filter(slug=slug)
            abilities.update(updated_at=written, created_at=written)
            milestones = Milestone.objects.filter(ability__in=abilities)
            Ability.history.filter(id__in=abilities.values("pk")).update(history_date=written)
            Milestone.history.filter(ability_id__in=abilities.values("pk")).update(
                history_date=written
            )
            Example.history.filter(milestone_id__in=milestones.values("pk")).update(
                history_date=written
            )

    def _tell_story(self, organization: Organization) -> None:
        """Abilities of the demo's own, with observations at several privacy levels, awards and
        a conversation: what a team a few weeks in would have."""
        people = {m.user.username: m for m in organization.memberships.select_related("user")}
        abilities = {}
        for slug, name, summary, ladder in STORY_ABILITIES:
            ability = Ability.objects.create(
                organization=organization, slug=slug, name=name, summary=summary
            )
            abilities[slug] = ability
            for level, milestone_summary, examples in ladder:
                milestone = Milestone.objects.create(
                    ability=ability, level=level, summary=milestone_summary
                )
                for position, (behaviour, task) in enumerate(examples, start=1):
                    Example.objects.create(
                        milestone=milestone,
                        behaviour=behaviour,
                        example_task=task,
                        position=position,
                    )
        today = timezone.localdate()
        observations = []
        for slug, observer, subject, level, privacy, days, story in STORY_OBSERVATIONS:
            observations.append(
                Observation.objects.create(
                    organization=organization,
                    ability=abilities[slug],
                    observer=people[observer],
                    subject=people[subject],
                    level=level,
                    privacy=privacy,
                    observed_on=today - timedelta(days=days),
                    story=story,
                    # The person observed agreed to show the demo's Public ones publicly.
                    publicly_recognized_at=timezone.now() if privacy == "public_to_world" else None,
                )
            )
        achievements = {}
        for slug, holder, level, awarded_by, days in STORY_ACHIEVEMENTS:
            achievements[slug, level] = Achievement.objects.create(
                membership=people[holder],
                milestone=abilities[slug].milestones.get(level=level),
                awarded_by=people[awarded_by],
                awarded_on=today - timedelta(days=days),
            )
        self._check_ins(people, abilities, observations, achievements)
        slug, topic, messages = STORY_CONVERSATION
        conversation = Conversation.objects.create(
            ability=abilities[slug], topic=topic, started_by=people[messages[0][0]]
        )
        for author, body in messages:
            Message.objects.create(conversation=conversation, author=people[author], body=body)

    def _check_ins(self, people, abilities, observations, achievements) -> None:
        """medium-member's check-ins, as the workflow would have left them on those days; the
        finalized one keeps the ladder as it was and the award it agreed rests on it."""
        person, manager = people["medium-member"], people["medium-manager"]
        now = timezone.now()

        def ago(days):
            return None if days is None else now - timedelta(days=days)

        for spec in STORY_CHECK_INS:
            round = None
            if "round" in spec:
                name, due_in = spec["round"]
                round = Round.objects.create(
                    organization=person.organization, name=name, group=Round.Group.REPORTS,
                    group_label=f"Reports of {manager.user}", manager=manager, opened_by=manager,
                    due_on=timezone.localdate() + timedelta(days=due_in),
                )  # fmt: skip
            check_in = CheckIn.objects.create(
                round=round,
                due_on=round.due_on if round else None,
                organization=person.organization,
                person=person,
                opened_by=manager if round else person,
                created_at=ago(spec["opened"]),
                person_submitted_at=ago(spec.get("person_in")),
                manager_submitted_at=ago(spec.get("manager_in")),
                manager_submitted_by=manager if spec.get("manager_in") is not None else None,
                finalized_at=ago(spec.get("finalized")),
                finalized_by=manager if spec.get("finalized") is not None else None,
                acknowledged_at=ago(spec.get("acknowledged")),
                closing_comment=spec.get("comment", ""),
            )
            for position, item_spec in enumerate(spec["items"]):
                slug, mine, my_note, theirs, their_note, agreed = item_spec
                ability = abilities[slug]
                finalized = spec.get("finalized") is not None
                item = CheckInItem.objects.create(
                    check_in=check_in, ability=ability, position=position,
                    person_level=mine, person_note=my_note,
                    manager_level=theirs, manager_note=their_note, agreed_level=agreed,
                    held_level=0 if finalized else None,
                    snapshot=ladder_snapshot(
                        ability.name, dict(ability.milestones.values_list("level", "summary"))
                    ) if finalized else {},
                )  # fmt: skip
                for number in spec["cited"].get(slug, []):
                    Citation.objects.create(
                        item=item, side="person", observation=observations[number]
                    )
                if finalized and (slug, agreed) in achievements:
                    Grounds.objects.create(
                        achievement=achievements[slug, agreed], check_in=check_in
                    )

    def _load_person(self, organization, username, level, role_slugs, manager) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=level == Membership.Level.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.save()
        reports_to = organization.memberships.filter(user__username=manager).first()
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"level": level, "manager": reports_to}
        )
        if created:
            membership.roles.set(organization.roles.filter(slug__in=role_slugs))
