"""Celery task for report digests. Thin: beat calls it every few minutes; the delivery rows hold the schedule and
the retries (reports.digest_delivery), so a lost task delays a digest by one beat and never drops it."""

from __future__ import annotations

from celery import shared_task

from models.business_hours import parse_timezone
from reports.digest_delivery import send_due
from reports.digest_mail import digest_sender
from settings import get_settings
from worker import worker_session_factory


@shared_task(name="earful.send_report_digests")
def send_report_digests() -> list[str]:
    settings = get_settings()
    with worker_session_factory()() as session:
        outcomes = send_due(session, digest_sender(session, settings), zone=parse_timezone(settings.workspace_timezone))
    return [f"{outcome.digest} {outcome.period}: {outcome.status}" for outcome in outcomes]
