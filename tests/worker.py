"""The real task worker, run in-process: what `manage.py db_worker` does, until the queue has
nothing ready."""

import pytest
from django.core import mail
from django.core.management import call_command


def run_worker() -> None:
    """Run every task that is ready now (and those they enqueue, once ready), then return."""
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )


def sent_mail() -> list:
    """The mail sent so far (Django's test outbox), once the worker has sent what is queued."""
    run_worker()
    return mail.outbox


# A test that runs the worker: in a transaction of its own (the worker closes and opens
# database connections as it runs, which a test wrapped in one transaction cannot allow).
uses_worker = pytest.mark.django_db(transaction=True)
