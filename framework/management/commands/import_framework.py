import sys

from django.core.management.base import BaseCommand, CommandError

from framework.format import FORMATS, FrameworkError, file_format
from framework.importing import read
from framework.limits import MOST_BYTES
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Make an organization's framework match a YAML, JSON or CSV file (created or updated by "
        "slug, in one transaction). CSV files update only the abilities they list."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="the organization's slug")
        parser.add_argument("file", help="a .yaml, .json or .csv file, or - for stdin")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file's name")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would change and write nothing"
        )

    def handle(self, *args, organization: str, file: str, dry_run: bool, **options):
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization “{organization}”.")
        fmt = options["format"] or file_format(file)
        # One character past the limit is enough to refuse: a huge file is never read whole.
        try:
            if file == "-":
                text = sys.stdin.read(MOST_BYTES + 1)
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read(MOST_BYTES + 1)
        except UnicodeDecodeError as error:
            raise CommandError("The file was refused; it is not UTF-8 text.") from error
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            changes = read(found, text, fmt).run(dry_run=dry_run)
        except FrameworkError as error:
            raise CommandError(
                "The file was refused; nothing was written:\n" + "\n".join(error.errors)
            ) from error
        for change in changes:
            self.stdout.write(change)
        if not changes:
            self.stdout.write(f"{found.name}: already matches the file; nothing to change.")
        else:
            verb = "would be made" if dry_run else "made"
            self.stdout.write(f"{found.name}: {len(changes)} change(s) {verb}.")
