import logging

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organizations.models import User

logger = logging.getLogger("backoffice.admin.organizations")


class Command(BaseCommand):
    help = (
        "Erase a person for a data-protection request: their name, email, username and password "
        "go; their observations, achievements and messages stay, as a former member's."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The person's username or email.")
        parser.add_argument(
            "--yes", action="store_true", help="Erase without asking (cannot be undone)."
        )

    def handle(self, *args, username: str, yes: bool, **options):
        people = list(User.objects.filter(username=username)) or list(
            User.objects.filter(email__iexact=username)
        )
        if len(people) != 1:
            raise CommandError(f"No one has the username or email “{username}”.")
        (person,) = people
        was = f"{person.username} <{person.email}>" if person.email else person.username
        if not yes:
            answer = input(f"Erase {was}? This cannot be undone. Type “erase” to go on: ")
            if answer.strip() != "erase":
                raise CommandError("Nothing was erased.")
        try:
            person.erase()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        logger.warning("erase_person erased the person %s (now %s)", was, person)
        self.stdout.write(self.style.SUCCESS(f"Erased {was}; their evidence stays."))
