from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from framework.export import dump, export_framework
from organizations.models import Organization


class Command(BaseCommand):
    help = "Write an organization's framework as YAML (or JSON) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="the organization's slug")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", "-o", help="a file to write (default: stdout)")

    def handle(self, *args, organization: str, format: str, output: str | None, **options):
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization “{organization}”.")
        text = dump(export_framework(found), format)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {found.name}'s framework to {output}.")
        else:
            self.stdout.write(text, ending="")
