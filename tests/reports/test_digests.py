"""Report digests end to end: due periods, the email a real SMTP server (aiosmtpd on loopback) receives with
the PDF attached and the headline figures in the body, failures kept and retried with back-off, never lost."""

from __future__ import annotations

import email
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, User
from models.report_digest import DigestFrequency, ReportDigest, ReportDigestDelivery
from reports.digest_delivery import FIRST_BACKOFF, MAX_ATTEMPTS, backoff, retry_now, send_due
from reports.digest_mail import digest_sender
from reports.digest_periods import Period, last_complete_period
from reports.digest_store import DigestInvalid, create, parse_recipients, set_enabled, update, validate
from settings import Settings
from tests.alerts.test_channels_support import SmtpServer, closed_port, running_smtp

ZONE = ZoneInfo("Europe/Paris")
# Monday 7 December 2026, 08:00 in Paris: last week (Mon 30 Nov - Sun 6 Dec) is complete.
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=timezone.utc)


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


def _smtp(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                                       "smtp_from": "reports@example.com", "smtp_timeout_seconds": 5.0,
                                       "workspace_timezone": "Europe/Paris",
                                       "public_url": "https://earful.example"})


@pytest.fixture()
def digest(db_session: Session, make_user: Callable[..., User]) -> ReportDigest:
    made = ReportDigest(name="Weekly review", frequency="weekly", recipients=["lead@example.com", "cm@example.com"],
                        filters={"network": "x"}, created_by_id=make_user(role="admin").id,
                        created_at=NOW - timedelta(days=30))
    db_session.add(made)
    db_session.flush()
    return made


@pytest.fixture()
def last_week(make_mention: Callable[..., Mention]) -> None:
    for day in range(30, 37):
        when = datetime(2026, 11, 1, 10, tzinfo=timezone.utc) + timedelta(days=day - 1)
        make_mention(created_at=when, complaint=0.9, topics=["delivery"], sentiment="negative")
    make_mention(created_at=datetime(2026, 12, 2, 10, tzinfo=timezone.utc), network="reddit")


def _deliveries(session: Session) -> list[ReportDigestDelivery]:
    return list(session.exec(select(ReportDigestDelivery).order_by(col(ReportDigestDelivery.id))))


def _parsed(server: SmtpServer, index: int = -1) -> Message:
    return email.message_from_bytes(server.mailbox.messages[index].content)  # type: ignore[arg-type]


def test_the_periods_are_last_week_and_last_month_in_the_workspace_zone() -> None:
    assert last_complete_period(DigestFrequency.weekly, NOW, ZONE) == Period(date(2026, 11, 30), date(2026, 12, 6))
    sunday_night_utc = datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)  # already Monday in Paris
    assert last_complete_period(DigestFrequency.weekly, sunday_night_utc, ZONE).first == date(2026, 11, 30)
    assert last_complete_period(DigestFrequency.weekly, sunday_night_utc, ZoneInfo("UTC")).first == date(2026, 11, 23)
    month = last_complete_period(DigestFrequency.monthly, NOW, ZONE)
    assert month == Period(date(2026, 11, 1), date(2026, 11, 30)) and month.label() == "November 2026"
    january = last_complete_period(DigestFrequency.monthly, datetime(2027, 1, 3, tzinfo=timezone.utc), ZONE)
    assert january == Period(date(2026, 12, 1), date(2026, 12, 31))


def test_a_due_digest_arrives_with_the_pdf_and_the_headline(db_session: Session, settings: Settings,
                                                            smtp_server: SmtpServer, digest: ReportDigest,
                                                            last_week: None) -> None:
    configured = _smtp(settings, smtp_server.port)
    outcomes = send_due(db_session, digest_sender(db_session, configured, now=NOW), zone=ZONE, now=NOW)
    assert [outcome.status for outcome in outcomes] == ["sent"]
    envelope = smtp_server.mailbox.messages[0]
    assert sorted(envelope.rcpt_tos) == ["cm@example.com", "lead@example.com"]
    message = _parsed(smtp_server)
    assert message["Subject"] == "Lumo Home reputation report: 2026-11-30 to 2026-12-06 (Weekly review)"
    assert message["Message-ID"] == f"<digest-{digest.id}-2026-11-30@earful.reports>"
    body = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True)
    text = body.decode()  # type: ignore[union-attr]
    assert "Mentions: 7 (+7 vs 0)" in text and "Filters: Network: x" in text
    assert "https://earful.example/reports?range=custom&since=2026-11-30&until=2026-12-06&network=x" in text
    attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert attachment.get_filename() == "earful-report-2026-11-30-to-2026-12-07.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF")  # type: ignore[union-attr]
    (delivery,) = _deliveries(db_session)
    assert (delivery.status, delivery.attempts, delivery.period) == ("sent", 1, "2026-11-30")
    db_session.refresh(digest)
    assert digest.last_sent_period == "2026-11-30"
    assert send_due(db_session, digest_sender(db_session, configured, now=NOW), zone=ZONE,
                    now=NOW + timedelta(hours=1)) == []
    assert len(smtp_server.mailbox.messages) == 1  # the period is sent once


def test_a_failed_send_is_kept_retried_with_backoff_and_then_sent(db_session: Session, settings: Settings,
                                                                  smtp_server: SmtpServer, digest: ReportDigest,
                                                                  last_week: None) -> None:
    down = _smtp(settings, closed_port())
    (outcome,) = send_due(db_session, digest_sender(db_session, down, now=NOW), zone=ZONE, now=NOW)
    (delivery,) = _deliveries(db_session)
    assert outcome.status == "pending" and delivery.attempts == 1 and "unreachable" in (delivery.last_error or "")
    assert delivery.next_attempt_at == NOW + FIRST_BACKOFF
    up = _smtp(settings, smtp_server.port)
    assert send_due(db_session, digest_sender(db_session, up), zone=ZONE, now=NOW + timedelta(minutes=4)) == []
    later = NOW + timedelta(minutes=6)
    (outcome,) = send_due(db_session, digest_sender(db_session, up, now=later), zone=ZONE, now=later)
    db_session.refresh(delivery)
    assert outcome.status == "sent" and delivery.attempts == 2 and delivery.last_error is None
    assert len(smtp_server.mailbox.messages) == 1


def test_refused_recipients_fail_for_good_and_an_admin_can_send_again(db_session: Session, settings: Settings,
                                                                      smtp_server: SmtpServer,
                                                                      digest: ReportDigest,
                                                                      make_user: Callable[..., User]) -> None:
    digest.recipients = ["bad-one@example.com"]
    db_session.add(digest)
    configured = _smtp(settings, smtp_server.port)
    (outcome,) = send_due(db_session, digest_sender(db_session, configured, now=NOW), zone=ZONE, now=NOW)
    (delivery,) = _deliveries(db_session)
    assert outcome.status == "failed" and "refused" in (delivery.last_error or "")
    actions = db_session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("report_digest.%"))).all()
    assert "report_digest.failed" in actions
    digest.recipients = ["lead@example.com"]
    retry_now(db_session, delivery, actor=make_user(role="admin"))
    db_session.commit()
    later = NOW + timedelta(minutes=1)
    (outcome,) = send_due(db_session, digest_sender(db_session, configured, now=later), zone=ZONE, now=later)
    assert outcome.status == "sent" and smtp_server.mailbox.messages[0].rcpt_tos == ["lead@example.com"]


def test_without_smtp_it_gives_up_after_the_last_attempt_and_says_why(db_session: Session, settings: Settings,
                                                                      digest: ReportDigest) -> None:
    unconfigured = settings.model_copy(update={"smtp_host": None, "smtp_from": None})
    moment = NOW
    for _attempt in range(MAX_ATTEMPTS):
        send_due(db_session, digest_sender(db_session, unconfigured), zone=ZONE, now=moment)
        moment += MAX_BACKOFF_STEP
    (delivery,) = _deliveries(db_session)
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
    assert "SMTP_HOST" in (delivery.last_error or "")
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45)]
    assert backoff(10) == timedelta(hours=6)


MAX_BACKOFF_STEP = timedelta(hours=7)


def test_new_and_disabled_digests_wait(db_session: Session, settings: Settings, digest: ReportDigest,
                                       make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin")
    fresh = ReportDigest(name="Monthly", frequency="monthly", recipients=["a@example.com"], created_at=NOW)
    db_session.add(fresh)
    set_enabled(db_session, digest, False, actor=admin)
    db_session.flush()
    assert send_due(db_session, digest_sender(db_session, settings), zone=ZONE, now=NOW) == []
    assert _deliveries(db_session) == []  # the new one waits for its first whole month


def test_the_form_is_validated_and_changes_are_audited(db_session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin")

    def no_filters(args: dict[str, str]) -> dict[str, str]:
        if args:
            raise ValueError("unknown filter")
        return args

    with pytest.raises(DigestInvalid) as caught:
        validate({"name": "", "frequency": "daily", "recipients": "not-an-address", "filters": "x=1",
                  "paper": "a3"}, no_filters)
    assert set(caught.value.errors) == {"name", "frequency", "recipients", "filters", "paper"}
    assert parse_recipients("a@example.com; B <b@example.com>,\na@example.com") == ["a@example.com", "b@example.com"]
    form = validate({"name": "Monthly", "frequency": "monthly", "recipients": "a@example.com", "filters": "",
                     "paper": "letter", "enabled": "1"}, no_filters)
    digest = create(db_session, form, actor=admin)
    assert not update(db_session, digest, form, actor=admin)
    changed = validate({"name": "Monthly", "frequency": "weekly", "recipients": "a@example.com", "filters": "",
                        "paper": "letter", "enabled": "1"}, no_filters)
    assert update(db_session, digest, changed, actor=admin)
    events = db_session.exec(select(AuditEvent).where(col(AuditEvent.action).like("report_digest.%"))
                             .order_by(col(AuditEvent.id))).all()
    assert [event.action for event in events] == ["report_digest.created", "report_digest.updated"]
    assert events[1].details["changed"] == {"frequency": {"from": "monthly", "to": "weekly"}}


def test_the_beat_sends_digests_on_the_alerts_queue(settings: Settings) -> None:
    from worker import make_celery

    app = make_celery(settings)
    assert app.conf.task_routes["earful.send_report_digests"] == {"queue": "alerts"}
    assert app.conf.beat_schedule["send-report-digests"]["task"] == "earful.send_report_digests"
    import reports.tasks  # noqa: F401  (registers the task name)

    assert "earful.send_report_digests" in app.tasks
