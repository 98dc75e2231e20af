"""Opening a check-in round for everyone at the grown size: how long it takes and how many
queries, inside a transaction that is rolled back, so the grown database stays as it was.

    uv run python bench/rounds.py    # after `make bench`, on BENCH_DATABASE_URL's `_grown` copy

At ×100 the grown Medium has 10,000 people, 1,000 of them with a check-in under way already
(grow_demo's round), so the round opens about 9,000 check-ins; each gets its abilities when
first opened.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import GROWN_DATABASE_URL, QueryCounter, env


def main() -> None:
    os.environ.update(env(GROWN_DATABASE_URL))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from checkins.workflow import open_round
    from organizations.models import Organization

    organization = Organization.objects.get(slug="medium")
    admin = organization.memberships.get(user__username="medium-admin")
    people = organization.memberships.active().exclude(pk=admin.pk)
    due = timezone.localdate() + timedelta(days=14)
    queries = QueryCounter()
    with transaction.atomic():
        start = time.perf_counter()
        with connection.execute_wrapper(queries):
            _, opened, joined = open_round(
                organization, admin, "Timed", due, "everyone", people, "Everyone"
            )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(
        f"| a round for everyone ({people.count():,} people) | {opened:,} check-ins opened, "
        f"{joined:,} joined | {queries.count} queries | {seconds:.1f} s |"
    )


if __name__ == "__main__":
    main()
