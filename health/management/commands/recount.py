from django.core.management.base import BaseCommand

from freshness.table import CHECK_INS, moved, organization_changed
from health.counts import recount_all
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Rebuild every ability's stored health counts from the rows they count, and move every "
        "organization's people and check-ins versions (the kept lists). Run it after a bulk "
        "load or a restore, which bypass the code that keeps them."
    )

    def handle(self, *args, **options) -> None:
        wrong = recount_all()
        organization_changed(Organization.objects.values("pk"))
        moved(CHECK_INS, Organization.objects.values("pk"))
        self.stdout.write(
            f"Recounted every ability; {wrong} had stored counts that differed from their rows."
        )
