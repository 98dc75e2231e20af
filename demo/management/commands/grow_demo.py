import random
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from abilities.models import Ability
from checkins.models import CheckIn, CheckInItem, Round, ladder_snapshot
from demo.frameworks import DEMO_PASSWORD
from milestones.models import Achievement, Example, Milestone, Requirement, default_miles
from observations.models import Conversation, Message, Observation
from organizations.models import Membership, Organization, Role, User

BATCH = 5_000


def batched(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = (
        "Grow the demo's Medium for benchmarks: at --scale 100, 1,000 abilities, 10,000 people "
        "(10%% managers, in reporting lines), 40 roles, 1,000,000 observations (and 1,000 more "
        "on Servers and about bench-1 each: the busy cases), 50,000 achievements and 5,000 "
        "conversations. Bulk inserts; refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=100)
        parser.add_argument("--organization", default="medium")
        parser.add_argument("--force", action="store_true", help="even with DEBUG off")

    def handle(self, *args, scale: int, organization: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this adds thousands of made-up people. Use --force.")
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organization “{organization}”: run load_demo first.")
        if org.abilities.filter(slug__startswith="bench-").exists():
            raise CommandError(f"{org} has grown already; run load_demo --reset first.")
        self.random = random.Random(scale)
        counts = {
            "people": 100 * scale,
            "abilities": 10 * scale,
            "roles": max(1, round(0.4 * scale)),
            "observations": 10_000 * scale,
            "achievements": 500 * scale,
            "conversations": 50 * scale,
            "check-ins": 110 * scale,
        }
        with transaction.atomic():
            people = self._people(org, counts["people"])
            roles = self._roles(org, counts["roles"], people)
            abilities = self._abilities(org, counts["abilities"], roles)
        milestones = list(Milestone.objects.filter(ability__organization=org))
        self._observations(org, counts["observations"], people, abilities)
        # The busy case the pages must stand: one ability everyone reads (the demo's Servers)
        # and one person (bench-1) with 1,000 observations each at ×100.
        servers = org.abilities.filter(slug="servers").first()
        busy = 10 * scale
        if servers:
            self._observations(org, busy, people, [servers])
        self._observations(org, busy, people, abilities, subjects=people[1:2])
        counts["observations"] += busy * (2 if servers else 1)
        self._achievements(counts["achievements"], people, milestones)
        self._conversations(counts["conversations"], people, abilities)
        self._check_ins(org, people, abilities, milestones)
        call_command("recount", stdout=self.stdout)  # bulk inserts bypass the stored counts
        if connection.vendor == "postgresql":
            # As autovacuum would soon after a bulk load: planner statistics for the new rows.
            with connection.cursor() as cursor:  # (VACUUM cannot run in a transaction)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{org} grown ×{scale}: " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
            )
        )

    def _people(self, org, count):
        password = make_password(DEMO_PASSWORD)
        users = User.objects.bulk_create(
            User(
                username=f"bench-{i}",
                first_name=f"Person{i}",
                last_name="Bench",
                email=f"bench-{i}@example.com",
                password=password,
            )
            for i in range(count)
        )
        levels = [Membership.Level.MANAGER if i % 10 == 0 else Membership.Level.MEMBER
                  for i in range(count)]  # fmt: skip
        people = Membership.objects.bulk_create(
            Membership(organization=org, user=user, level=level)
            for user, level in zip(users, levels, strict=True)
        )
        # Reporting lines three deep: each person reports to the manager of their ten, who
        # reports to the manager of their hundred, who reports to person 0.
        for i, person in enumerate(people):
            if i % 10:
                person.manager = people[i - i % 10]
            elif i % 100:
                person.manager = people[i - i % 100]
            elif i:
                person.manager = people[0]
        Membership.objects.bulk_update(people, ["manager"], batch_size=BATCH)
        Membership.objects.rebuild_lines(org)  # bulk updates bypass Membership.save
        return people

    def _roles(self, org, count, people):
        roles = Role.objects.bulk_create(
            Role(organization=org, name=f"Bench role {i}", slug=f"bench-role-{i}",
                 kind=Role.Kind.ROLE if i % 2 else Role.Kind.POSITION)
            for i in range(count)
        )  # fmt: skip
        Holding = Membership.roles.through
        Holding.objects.bulk_create(
            (Holding(membership=person, role=roles[i % count]) for i, person in enumerate(people)),
            batch_size=BATCH,
        )
        return roles

    def _abilities(self, org, count, roles):
        now = timezone.now()
        abilities = Ability.objects.bulk_create(
            Ability(
                organization=org,
                name=f"Bench ability {i}",
                slug=f"bench-{i}",
                summary=f"Develops expertise in bench area {i}, one of many",
                description="Why it matters, in a paragraph of text. " * 5,
                updated_at=now - timedelta(days=self.random.randint(0, 900)),
            )
            for i in range(count)
        )
        milestones = Milestone.objects.bulk_create(
            Milestone(ability=ability, level=level, miles=default_miles(level),
                      summary=f"Milestone {level} of {ability.name}")
            for ability in abilities
            for level in range(1, 6)
        )  # fmt: skip
        Example.objects.bulk_create(
            (Example(milestone=milestone, behaviour=f"Behaviour {n}", example_task=f"Task {n}",
                     position=n)
             for milestone in milestones for n in range(1, 4)),
            batch_size=BATCH,
        )  # fmt: skip
        Requirement.objects.bulk_create(
            Requirement(role=role, ability=ability, level=self.random.randint(1, 3))
            for r, role in enumerate(roles)
            for ability in abilities[r :: len(roles)][:25]
        )
        return abilities

    def _observations(self, org, count, people, abilities, subjects=None):
        """`count` observations by the managers among `people`, of `subjects` (anyone)."""
        subjects = subjects or people
        managers = [p for p in people if p.level == Membership.Level.MANAGER]
        privacies = Observation.Privacy.values
        today = timezone.localdate()
        pick, rand = self.random.choice, self.random.randint
        now = timezone.now()
        rows = (
            Observation(
                organization=org,
                observer=pick(managers),
                subject=pick(subjects),
                ability=pick(abilities),
                level=rand(1, 5),
                story="Took the lead when the queue backed up, and wrote it down after.",
                observed_on=today - timedelta(days=rand(0, 700)),
                privacy=privacy,
                # Half of the Public ones agreed to by the person observed, half awaiting it.
                publicly_recognized_at=now
                if privacy == Observation.Privacy.PUBLIC_TO_WORLD and rand(0, 1)
                else None,
            )
            for privacy in (pick(privacies) for _ in range(count))
        )
        for chunk in batched(rows):
            Observation.objects.bulk_create(chunk)

    def _achievements(self, count, people, milestones):
        pairs = set()
        while len(pairs) < count:
            pairs.add((self.random.randrange(len(people)), self.random.randrange(len(milestones))))
        rows = (
            Achievement(membership=people[p], milestone=milestones[m], awarded_by=people[0])
            for p, m in pairs
        )
        for chunk in batched(rows):
            Achievement.objects.bulk_create(chunk)

    def _check_ins(self, org, people, abilities, milestones):
        """One finalized check-in per person on three abilities, and for a tenth of them one
        under way (half handed in by the person), in a round due in two weeks."""
        ladders: dict[int, dict[str, str]] = {}
        for milestone in milestones:
            ladders.setdefault(milestone.ability_id, {})[str(milestone.level)] = milestone.summary
        now, rand = timezone.now(), self.random.randint
        head = people[0]
        round = Round.objects.create(
            organization=org, name="Bench round", group=Round.Group.EVERYONE,
            group_label="Everyone", due_on=timezone.localdate() + timedelta(days=14),
            opened_by=head,
        )  # fmt: skip

        def finalized(person):
            opened = now - timedelta(days=rand(30, 400))
            done = opened + timedelta(days=5)
            return CheckIn(
                organization=org, person=person, opened_by=person, created_at=opened,
                person_submitted_at=done, manager_submitted_at=done, manager_submitted_by=head,
                finalized_at=done, finalized_by=head,
                acknowledged_at=done if rand(0, 1) else None,
            )  # fmt: skip

        def under_way(person, index):
            handed_in = now - timedelta(days=1) if index % 20 == 5 else None
            return CheckIn(
                organization=org, person=person, opened_by=head, round=round,
                due_on=round.due_on, created_at=now - timedelta(days=2),
                person_submitted_at=handed_in,
            )  # fmt: skip

        rows = [finalized(person) for person in people]
        rows += [under_way(person, i) for i, person in enumerate(people) if i % 10 == 5]
        for chunk in batched(rows):
            CheckIn.objects.bulk_create(chunk)
        items = []
        for check_in in rows:
            done = check_in.finalized_at is not None
            for position, ability in enumerate(self.random.sample(abilities, 3)):
                level = rand(1, 5)
                items.append(
                    CheckInItem(
                        check_in_id=check_in.pk, ability=ability, position=position,
                        person_level=level if check_in.person_submitted_at else None,
                        person_note="Where I think I am, and why." if done else "",
                        manager_level=level if done else None,
                        agreed_level=level if done else None,
                        held_level=level - 1 if done else None,
                        snapshot=ladder_snapshot(ability.name, ladders.get(ability.pk, {}))
                        if done
                        else {},
                    )
                )  # fmt: skip
        for chunk in batched(items):
            CheckInItem.objects.bulk_create(chunk)

    def _conversations(self, count, people, abilities):
        conversations = Conversation.objects.bulk_create(
            Conversation(ability=self.random.choice(abilities),
                         started_by=self.random.choice(people), topic=f"Bench topic {i}")
            for i in range(count)
        )  # fmt: skip
        rows = (
            Message(conversation=conversation, author=self.random.choice(people),
                    body=f"Message {n} about it.")
            for conversation in conversations
            for n in range(3)
        )  # fmt: skip
        for chunk in batched(rows):
            Message.objects.bulk_create(chunk)
