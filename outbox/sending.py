"""Queueing mail: `post` in a request, the `deliver` task in the worker.

A request never talks to the mail server: it writes the message's row and the task that sends
it in its own transaction. A slow or refusing server then holds the worker, never a request; a
request that fails after queueing (its transaction rolled back) sends nothing. With the
database's queue (django-tasks-db) the task's row is written in that same transaction, so it
commits or rolls back with the message: nothing is lost between a commit and an enqueue. A queue
elsewhere (Redis) is enqueued once the transaction commits (`transaction.on_commit`), and the
sweep (`requeue_lost`) finds a message whose task was lost.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from outbox.models import Message

# How long to wait after each failed attempt; the attempt after the last delay is the last one.
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in settings.MAIL_RETRY_DELAYS)
HOUR = timedelta(hours=1)
LOST_AT_ONCE = 1000  # re-queued per sweep: a sweep's work is bounded


def post(message: mail.EmailMessage, key: str, organization=None) -> Message | None:
    """Queue `message` to each of its recipients, once per `key` (and recipient): the row and
    its task are written in the caller's transaction (`enqueue_with_transaction`). Returns the
    (first) row queued now, or None when the key was queued before."""
    message.message()  # builds the headers now: a bad one fails the caller, not the worker
    html = next(
        (content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"),
        "",
    )
    queued = []
    with transaction.atomic():
        for number, to in enumerate(message.to):
            row, created = Message.objects.get_or_create(
                key=key if number == 0 else f"{key}:{number}",
                defaults={
                    "organization": organization,
                    "to": to,
                    "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
                    "subject": message.subject,
                    "text": message.body,
                    "html": html,
                    "headers": dict(message.extra_headers),
                },
            )
            if created:
                queued.append(row)
                enqueue_with_transaction(row.pk)
    return queued[0] if queued else None


@task
def deliver(message_id: int) -> str:
    """Send one queued message, or retry it later, or record that it failed."""
    return deliver_now(message_id)


def enqueue(message_id: int, when=None) -> None:
    (deliver.using(run_after=when) if when else deliver).enqueue(message_id)


def enqueue_with_transaction(message_id: int, when=None) -> None:
    """Enqueue as part of the current transaction: in it when the queue is in the same
    database, once it commits otherwise."""
    if isinstance(deliver.get_backend(), DatabaseBackend):
        enqueue(message_id, when)
    else:
        transaction.on_commit(partial(enqueue, message_id, when))


def retry_after(attempts: int) -> timedelta | None:
    """How long to wait before the next attempt, after `attempts` failed ones; None: no more."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


def hourly_wait(message: Message, now) -> timedelta | None:
    """How long `message` must wait for its organization to be under the hourly limit; None
    when it may go now. Mail of no organization (sign-ups, resets) has limits of its own."""
    if message.organization_id is None:
        return None
    window = Message.objects.filter(
        organization_id=message.organization_id, sent_at__gt=now - HOUR
    ).order_by("-sent_at")
    limit = settings.MAIL_PER_ORGANIZATION_PER_HOUR
    # The limit-th newest sent in the hour: once it is an hour old, one more may go.
    oldest_counted = window.values_list("sent_at", flat=True)[limit - 1 : limit].first()
    if oldest_counted is None:
        return None
    return oldest_counted + HOUR - now


def deliver_now(message_id: int) -> str:
    """Send one queued message: what the task does. Returns what happened, for its result."""
    now = timezone.now()
    with transaction.atomic():
        # Locked while it is sent: a task run twice (a retry and a sweep) sends it once.
        row = Message.objects.select_for_update().filter(pk=message_id).first()
        if row is None or row.state != Message.State.QUEUED:
            return "already done"
        if row.next_attempt_at and row.next_attempt_at > now:
            return "not yet"  # an early duplicate; the one enqueued for that time sends it
        if (wait := hourly_wait(row, now)) is not None:
            row.next_attempt_at = now + wait
            row.save(update_fields=["next_attempt_at"])
            enqueue_with_transaction(row.pk, row.next_attempt_at)
            return "held by the hourly limit"
        try:
            row.email().send()
        except Exception as error:  # whatever the mailer raised: recorded, retried
            return _failed(row, error, now)
        row.state, row.sent_at, row.attempts = Message.State.SENT, now, row.attempts + 1
        row.text = row.html = ""
        row.save()
        return "sent"


def _failed(row: Message, error: Exception, now) -> str:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    delay = retry_after(row.attempts)
    if delay is None:
        row.state, row.failed_at, row.text, row.html = Message.State.FAILED, now, "", ""
        row.save()
        return "failed"
    row.next_attempt_at = now + delay
    row.save()
    enqueue_with_transaction(row.pk, row.next_attempt_at)
    return f"attempt {row.attempts} failed; again at {row.next_attempt_at.isoformat()}"


def requeue_lost(now=None) -> int:
    """Enqueue again every queued message whose time has long passed: its task was lost (a
    crash between the commit and the enqueue, a pruned queue). Sent once all the same."""
    now = now or timezone.now()
    late = now - settings.MAIL_LOST_AFTER
    lost = list(
        Message.objects.filter(state=Message.State.QUEUED)
        .filter(Q(next_attempt_at__lt=late) | Q(next_attempt_at__isnull=True, created_at__lt=late))
        .values_list("pk", flat=True)[:LOST_AT_ONCE]
    )
    for message_id in lost:
        enqueue(message_id)
    return len(lost)
