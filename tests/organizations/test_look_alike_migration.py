"""The migration that makes addresses and emails unique in any case reports the look-alikes a
database already has, and stops, instead of failing on a bare constraint error."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("organizations", "0006_reporting_lines")]
AFTER = [("organizations", "0008_pending_signups")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """Every app's newest migration: the schema the rest of the suite expects back."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_look_alikes_are_listed_and_the_migration_stops():
    old = migrate(BEFORE)
    try:
        Organization = old.get_model("organizations", "Organization")
        User = old.get_model("organizations", "User")
        Organization.objects.create(name="Medium", slug="medium")
        Organization.objects.create(name="Squatter", slug="MEDIUM")
        Organization.objects.create(name="Loud", slug="Loud")  # alone: lowered, not refused
        User.objects.create(username="ada", email="ada@example.com")
        User.objects.create(username="ada2", email="ADA@example.com")
        with pytest.raises(RuntimeError) as error:
            migrate(AFTER)
        assert "organization addresses MEDIUM, medium differ only in case" in str(error.value)
        assert "accounts ada, ada2 share the email ada@example.com" in str(error.value)
        Organization.objects.filter(slug="MEDIUM").update(slug="medium-squatter")
        User.objects.filter(username="ada2").update(email="ada2@example.com")
        new = migrate(AFTER)
        slugs = set(new.get_model("organizations", "Organization").objects.values_list("slug"))
        assert slugs == {("medium",), ("medium-squatter",), ("loud",)}
    finally:
        # Back to the newest schema, not to AFTER: a later migration's columns (a person's
        # version) must be there for the tests this worker runs next.
        migrate(latest())
