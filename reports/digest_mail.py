"""A digest's email: the period's report as a PDF attachment, its headline figures in the body, sent through the
SMTP settings with the alert channels' email code (alerts.channels.smtp), whose error sorting says what a retry
can fix. The Message-ID is the same for every try of one digest and period, so a resend is one message."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from html import escape
from urllib.parse import urlencode

from sqlmodel import Session

from alerts.channels.errors import Transient
from alerts.channels.smtp import classify, send_email
from models.report_digest import ReportDigest
from reports.digest_delivery import Sender, SendFailed
from reports.digest_periods import Period
from reports.pdf import PdfUnavailable, render_pdf
from reports.presentation import ReportView
from reports.request import ReportChoices, for_dates, parse_filters
from reports.service import about_lines, absolute_links, file_stem, make_report
from reports.table import Kind, change_text, display
from settings import Settings


def digest_sender(session: Session, settings: Settings, *, now: datetime | None = None) -> Sender:
    def send(digest: ReportDigest, period: Period) -> str:
        if not settings.smtp_host or not settings.smtp_from:
            raise SendFailed("email is not configured: set SMTP_HOST and SMTP_FROM")
        view = digest_report(session, digest, period, settings, now=now)
        try:
            pdf = render_pdf(view, links=absolute_links(settings), paper=digest.paper)
        except PdfUnavailable as error:
            raise SendFailed(str(error)) from None
        email = compose(view, digest, period, pdf, sender=settings.smtp_from, public_url=settings.public_url)
        try:
            refused = send_email(settings, email)
        except (smtplib.SMTPException, OSError) as error:
            failure = classify(error)
            raise SendFailed(str(failure), permanent=not isinstance(failure, Transient)) from error
        note = f"sent to {len(digest.recipients) - len(refused)} of {len(digest.recipients)}"
        if refused:
            note += "; refused " + ", ".join(f"{address} ({code})" for address, (code, _) in refused.items())
        return note

    return send


def digest_report(session: Session, digest: ReportDigest, period: Period, settings: Settings, *,
                  now: datetime | None = None) -> ReportView:
    filters = parse_filters(digest.filters, ReportChoices())
    request = for_dates(period.first, period.last, settings.workspace_timezone, filters=filters)
    return make_report(session, request, settings, now=now)


def compose(view: ReportView, digest: ReportDigest, period: Period, pdf: bytes, *, sender: str,
            public_url: str = "") -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = f"{view.brand} reputation report: {period.label()} ({digest.name})"
    email["From"] = sender
    email["To"] = ", ".join(digest.recipients)
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = f"<digest-{digest.id}-{period.key}@earful.reports>"
    email["X-Earful-Digest"] = f"{digest.id}:{period.key}"
    lines = headline_lines(view)
    link = _report_link(public_url, view)
    text = "\n".join([*about_lines(view), "", *lines, "", *([f"Open the report: {link}"] if link else []),
                      "The full report is attached as a PDF."])
    email.set_content(text)
    email.add_alternative(_html(view, lines, link), subtype="html")
    email.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{file_stem(view)}.pdf")
    return email


def headline_lines(view: ReportView) -> list[str]:
    """"Mentions: 1,561 (+461 (+42%) vs 1,100)", one line per headline figure."""
    lines = []
    for name, kind, current, previous in view.headline.rows:
        value_kind = Kind(kind)
        lines.append(f"{name}: {display(current, value_kind)} ({change_text(current, previous, value_kind)} vs "
                     f"{display(previous, value_kind)})")
    movements = [m for m in view.report.changes.movements if m.beyond_noise]
    if movements:
        lines.append("Beyond noise: " + "; ".join(f"{m.name} {m.previous:g} → {m.current:g}" for m in movements))
    return lines


def _report_link(public_url: str, view: ReportView) -> str | None:
    base = public_url.rstrip("/")
    if not base.startswith(("https://", "http://")):
        return None
    return f"{base}/reports?{urlencode(view.report.request.url_args())}"


def _html(view: ReportView, lines: list[str], link: str | None) -> str:
    about = "".join(f"<p>{escape(line)}</p>" for line in about_lines(view))
    figures = "".join(f"<li>{escape(line)}</li>" for line in lines)
    opener = f'<p><a href="{escape(link)}">Open the report</a></p>' if link else ""
    return f"<html><body>{about}<ul>{figures}</ul>{opener}<p>The full report is attached as a PDF.</p></body></html>"
