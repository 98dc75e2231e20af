from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from abilities.models import Ability
from gruuv.demo import DEMO_PASSWORD, ORGANIZATIONS
from gruuv.timesince import add_months
from milestones.models import Example, Milestone, Requirement
from organizations.models import Membership, Organization, Role, User


class Command(BaseCommand):
    help = "Load the demo organizations Medium and Lessonly with their seed abilities and people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even with DEBUG off."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organizations and people first, restoring the seed exactly.",
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
            for username, level, _ in spec["people"]:
                self.stdout.write(f"  {username:<16} {DEMO_PASSWORD}   ({level} of {spec['name']})")

    def _delete_demo(self) -> None:
        Organization.objects.filter(slug__in=[spec["slug"] for spec in ORGANIZATIONS]).delete()
        usernames = [username for spec in ORGANIZATIONS for username, _, _ in spec["people"]]
        User.objects.filter(username__in=usernames).delete()

    def _load_organization(self, spec: dict) -> None:
        organization = Organization.objects.filter(slug=spec["slug"]).first()
        if organization is None:
            organization = Organization.objects.create(
                name=spec["name"], slug=spec["slug"], uses_miles=spec["uses_miles"]
            )
            self._load_framework(organization, spec)
            self.stdout.write(f"Created {organization.name} with its seed framework.")
        else:
            # What people changed while trying the demo is theirs; --reset brings the seed back.
            self.stdout.write(f"{organization.name} is already here; its framework is left as is.")
        for username, level, role_names in spec["people"]:
            self._load_person(organization, username, level, role_names)

    def _load_framework(self, organization: Organization, spec: dict) -> None:
        roles = {
            role["name"]: Role.objects.create(
                organization=organization,
                name=role["name"],
                slug=slugify(role["name"]),
                kind=role["kind"],
            )
            for role in spec["roles"]
        }
        now = timezone.now()
        for ability_spec in spec["abilities"]:
            ability = Ability.objects.create(
                organization=organization,
                name=ability_spec["name"],
                slug=ability_spec["slug"],
                summary=ability_spec["summary"],
                description=ability_spec["description"],
            )
            for level, milestone_spec in enumerate(ability_spec["milestones"], start=1):
                milestone = Milestone.objects.create(
                    ability=ability,
                    level=level,
                    summary=milestone_spec.get("summary", ""),
                    description=milestone_spec.get("description", ""),
                )
                for i, (behaviour, task) in enumerate(milestone_spec["examples"], start=1):
                    Example.objects.create(
                        milestone=milestone, behaviour=behaviour, example_task=task, position=i
                    )
            Requirement.objects.bulk_create(
                Requirement(ability=ability, role=roles[name], level=level, strength=strength)
                for name, level, strength in ability_spec["requirements"]
            )
            # The seed pages were last edited years ago; the demo keeps that age, in "Last
            # updated" and in the history alike.
            written = add_months(now, -ability_spec["age_in_months"])
            Ability.objects.filter(pk=ability.pk).update(updated_at=written, created_at=written)
            Ability.history.filter(id=ability.pk).update(history_date=written)
            Milestone.history.filter(ability_id=ability.pk).update(history_date=written)
            Example.history.filter(milestone_id__in=ability.milestones.values("pk")).update(
                history_date=written
            )

    def _load_person(self, organization, username: str, level: str, role_names) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=level == Membership.Level.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.save()
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"level": level}
        )
        if created:
            membership.roles.set(organization.roles.filter(name__in=role_names))
