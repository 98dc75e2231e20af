"""Mail goes through the task queue: queued in the request's transaction, sent by the real
worker, once per key, retried with backoff, then recorded as failed; at most so many per
organization per hour."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from outbox.models import Message
from outbox.sending import post
from tests.smtp import closed_port, mailer_settings, smtp_server
from tests.worker import run_worker, uses_worker

pytestmark = pytest.mark.django_db


def letter(to="ada@example.com", subject="Hello") -> mail.EmailMultiAlternatives:
    message = mail.EmailMultiAlternatives(subject=subject, body="Plain words.", to=[to])
    message.attach_alternative("<p>Plain words.</p>", "text/html")
    return message


@uses_worker
def test_a_queued_message_is_sent_by_the_worker_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(letter(), key="hello:1")
        post(letter(), key="hello:1")  # the same key: queued once
    assert mail.outbox == []  # nothing sent by the request
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"
    row = Message.objects.get()
    assert row.state == Message.State.SENT and row.sent_at and row.attempts == 1
    assert row.text == row.html == ""  # the text is not kept once sent
    run_worker()
    assert len(mail.outbox) == 1


@uses_worker
def test_a_rolled_back_request_sends_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        post(letter(), key="hello:2")
        raise RuntimeError("the request failed after queueing")
    run_worker()
    assert mail.outbox == [] and not Message.objects.exists()


@uses_worker
def test_a_real_smtp_server_receives_it(settings):
    with smtp_server() as server:
        settings.MAILERS = mailer_settings(server.port)
        post(letter(subject="Over the wire"), key="wire:1")
        run_worker()
    (received,) = server.received
    assert b"Subject: Over the wire" in received
    assert Message.objects.get().state == Message.State.SENT


@uses_worker
def test_a_refusing_server_is_retried_with_backoff_then_recorded_as_failed(settings):
    settings.MAILERS = mailer_settings(closed_port())
    post(letter(), key="down:1")
    run_worker()
    row = Message.objects.get()
    assert row.state == Message.State.QUEUED and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    delays = [row.next_attempt_at - timezone.now()]
    for _ in settings.MAIL_RETRY_DELAYS:
        run_worker()  # not yet due: nothing happens
        assert Message.objects.get().attempts == row.attempts
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            run_worker()
        row = Message.objects.get()
        if row.next_attempt_at and row.state == Message.State.QUEUED:
            delays.append(row.next_attempt_at - timezone.now())
    assert row.state == Message.State.FAILED and row.failed_at
    assert row.attempts == len(settings.MAIL_RETRY_DELAYS) + 1
    assert row.text == "" and "ConnectionRefusedError" in row.last_error
    assert mail.outbox == []


@uses_worker
def test_a_server_that_refuses_then_recovers_sends_it_once(settings):
    settings.MAILERS = mailer_settings(closed_port())
    post(letter(), key="flaky:1")
    run_worker()
    row = Message.objects.get()
    with smtp_server() as server:
        settings.MAILERS = mailer_settings(server.port)
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            run_worker()
            run_worker()
    assert len(server.received) == 1
    row = Message.objects.get()
    assert row.state == Message.State.SENT and row.attempts == 2


@uses_worker
def test_an_organization_sends_at_most_so_many_an_hour(settings, organization):
    settings.MAIL_PER_ORGANIZATION_PER_HOUR = 3
    for number in range(5):
        post(letter(to=f"p{number}@example.com"), key=f"flood:{number}", organization=organization)
    post(letter(to="other@example.com"), key="flood:none")  # no organization: not counted
    run_worker()
    assert len(mail.outbox) == 4
    waiting = Message.objects.filter(state=Message.State.QUEUED)
    assert waiting.count() == 2
    later = waiting.first().next_attempt_at
    assert timedelta(minutes=59) < later - timezone.now() <= timedelta(hours=1)
    with time_machine.travel(later + timedelta(seconds=1)):
        run_worker()
    assert len(mail.outbox) == 6
    assert not Message.objects.filter(state=Message.State.QUEUED).exists()


@uses_worker
def test_a_message_whose_task_was_lost_is_found_by_the_sweep(settings):
    from django_tasks_db.models import DBTaskResult

    from outbox.sending import requeue_lost

    post(letter(), key="lost:1")
    DBTaskResult.objects.all().delete()  # the queue lost it
    run_worker()
    assert mail.outbox == []
    assert requeue_lost() == 0  # too early to call it lost
    with time_machine.travel(timezone.now() + settings.MAIL_LOST_AFTER + timedelta(minutes=1)):
        assert requeue_lost() == 1
        run_worker()
    assert len(mail.outbox) == 1
    assert requeue_lost() == 0
