"""Email over SMTP with the standard library (STARTTLS, implicit TLS, or plain for a local relay).

The Message-ID and an X-Earful-Delivery header carry the delivery id, so a resend after an unknown outcome is the
same message to mail filters and threading clients.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from alerts import chart
from alerts.channels.errors import Broken, ChannelError, Rejected, Transient
from alerts.channels.render import chart_alt, html_body, plain_text, subject
from alerts.message import AlertMessage
from settings import Settings

MAX_RECIPIENTS = 50


@dataclass(frozen=True)
class EmailChannel:
    recipients: tuple[str, ...]
    settings: Settings

    def send(self, message: AlertMessage, delivery_id: str) -> str:
        email = compose(message, delivery_id, sender=self.settings.smtp_from or "", recipients=self.recipients)
        try:
            refused = send_email(self.settings, email)
        except (smtplib.SMTPException, OSError) as error:
            raise classify(error) from error
        if refused:
            return "email: sent; refused " + ", ".join(f"{addr} ({code})" for addr, (code, _) in refused.items())
        return f"email: sent to {len(self.recipients)}"



def send_email(s: Settings, email: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """Send through the SMTP settings; returns the recipients the server refused (alerts and report digests)."""
    host, port, timeout = s.smtp_host or "", s.smtp_port, s.smtp_timeout_seconds
    context = ssl.create_default_context()
    smtp = (smtplib.SMTP_SSL(host, port, timeout=timeout, context=context) if s.smtp_security == "ssl"
            else smtplib.SMTP(host, port, timeout=timeout))
    with smtp:
        if s.smtp_security == "starttls":
            smtp.starttls(context=context)
        if s.smtp_username:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            smtp.login(s.smtp_username, password)
        return smtp.send_message(email)


def compose(message: AlertMessage, delivery_id: str, *, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = subject(message)
    email["From"] = sender
    email["To"] = ", ".join(recipients)
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = f"<{delivery_id}@earful.alerts>"
    email["X-Earful-Delivery"] = delivery_id
    email.set_content(plain_text(message, delivery_id))
    svg = _chart_svg(message)
    image = chart.png(svg) if svg else None
    cid = f"chart.{delivery_id}@earful.alerts"
    email.add_alternative(html_body(message, delivery_id, chart_cid=cid if image else None), subtype="html")
    if image:
        # Inline PNG in multipart/related: mail clients show PNG, few show SVG (and Gmail strips it).
        html_part = email.get_body(("html",))
        assert html_part is not None  # added just above
        html_part.add_related(image, maintype="image", subtype="png", cid=f"<{cid}>", filename="spike.png")
    elif svg:
        email.add_attachment(svg.encode("utf-8"), maintype="image", subtype="svg+xml", filename="spike.svg")
    return email


def _chart_svg(message: AlertMessage) -> str | None:
    points = chart.message_points(message.chart)
    if not points or message.window_start is None or message.window_end is None:
        return None
    return str(chart.spike_chart(points, message.window_start, message.window_end, title=chart_alt(message)))


def classify(error: BaseException) -> ChannelError:
    """SMTP reply codes: 4xx is "try later", 5xx is "never"; a refused address or login disables the channel."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(f"{addr}: {code} {reply.decode(errors='replace')}"
                           for addr, (code, reply) in error.recipients.items())
        if codes and all(code >= 500 for code in codes):
            return Broken(f"recipients refused: {detail}")
        return Transient(f"recipients deferred: {detail}")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Broken(f"SMTP login refused: {error.smtp_code} {_reply(error)}")
    if isinstance(error, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return Broken(f"SMTP server cannot be used as configured: {error}")
    if isinstance(error, smtplib.SMTPResponseException):
        message = f"SMTP {error.smtp_code} {_reply(error)}"
        if 400 <= error.smtp_code < 500:
            return Transient(message)
        return Broken(message) if isinstance(error, smtplib.SMTPSenderRefused) else Rejected(message)
    if isinstance(error, smtplib.SMTPConnectError | ConnectionRefusedError):
        return Transient(f"SMTP server unreachable: {error}")
    # Disconnected or timed out somewhere in the dialogue, possibly after the message was accepted.
    return Transient(f"SMTP: {type(error).__name__}: {error}", maybe_received=True)


def _reply(error: smtplib.SMTPResponseException) -> str:
    reply = error.smtp_error
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def check_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    if not settings.smtp_host:
        raise ValueError("email alerts need SMTP_HOST (and SMTP_FROM) in the settings")
    raw = config.get("to") or []
    items = [raw] if isinstance(raw, str) else list(raw)
    recipients = []
    for item in items:
        for part in str(item).replace(";", ",").split(","):
            _, address = parseaddr(part.strip())
            if address:
                if "@" not in address or any(c in address for c in "\r\n"):
                    raise ValueError(f"not an email address: {address!r}")
                recipients.append(address)
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise ValueError(f"give between 1 and {MAX_RECIPIENTS} recipient addresses")
    return {"to": recipients}


def build(config: dict[str, Any], settings: Settings) -> EmailChannel:
    return EmailChannel(tuple(check_config(config, settings)["to"]), settings)
