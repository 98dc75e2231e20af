"""Trigram indexes for finding people by any part of a name or address (PostgreSQL only).

The people suggestions match `icontains` on four columns, which Django writes as
`UPPER(column::text) LIKE UPPER(%s)`; without these, every keystroke reads every user
(7 ms at 10,000 people; 1 ms with them, docs/performance.md). SQLite has no trigram indexes
and needs none at the sizes it serves.
"""

from django.db import migrations

COLUMNS = ("username", "email", "first_name", "last_name")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS user_{column}_trigram ON organizations_user "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS user_{column}_trigram")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_user_by_name")]

    operations = [migrations.RunPython(create, drop)]
