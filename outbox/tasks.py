"""The outbox's periodic task, found by the scheduler (`manage.py crontask`); the task that
sends a message is `outbox.sending.deliver`."""

from crontask import cron
from django.tasks import task

from outbox import sending


@cron("*/10 * * * *")
@task
def requeue_lost() -> int:
    """Every ten minutes: queued messages whose task was lost are enqueued again."""
    return sending.requeue_lost()
