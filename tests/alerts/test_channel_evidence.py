"""Every channel's message carries the whole evidence: observed vs expected with p-value and score, topics,
networks, phrases, examples, the queue link, the trend and the delivery id; e-mail shows the chart inline."""

from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from email import policy
from typing import Any

import pytest

from alerts import chart
from alerts.channels import load_channel
from alerts.message import AlertMessage, Example
from settings import Settings
from tests.alerts.test_channels_support import Answer, Receiver, SmtpServer

DELIVERY = "0d3c2b1e-0000-4000-8000-0000000000aa"
START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
LINK = "https://earful.example/queue?since=2026-11-20&until=2026-11-20&sentiment=negative"


def _message() -> AlertMessage:
    points = tuple(((START + timedelta(minutes=5 * (i - 12))).isoformat(), 9.0 if i >= 12 else 1.0, 1.5)
                   for i in range(24))
    return AlertMessage(
        title="Negative mentions spiking", series="negative mentions", observed=54, expected=9.0, p_value=3e-12,
        score=7.25, window_start=START, window_end=START + timedelta(hours=1), alert_id=3,
        top_topics=(("delivery", 40),), top_networks=(("x", 30), ("reddit", 9)), phrases=("配送遅延", "late delivery"),
        examples=(Example("Late <b>again</b> & no tracking", "x", "ann"), Example("배송 지연", "x", "kim"),
                  Example("配送が遅延しています", "reddit", "sato")),
        link=LINK, chart=points)


EVIDENCE = ("54 observed vs 9.0 expected", "p = 3e-12", "score 7.25", "delivery (40)", "reddit (9)", "配送遅延",
            "late delivery", "배송 지연", "▁▁▁▁▁▁▁▁▁▁▁▁████████████", DELIVERY)


@pytest.mark.parametrize("kind", ["slack", "teams"])
def test_chat_messages_carry_the_whole_evidence(receiver: Receiver, settings: Settings, kind: str) -> None:
    receiver.script(Answer(200, b"ok"))
    load_channel(kind, {"url": receiver.url()}, settings).send(_message(), DELIVERY)
    [request] = receiver.received
    shown = str(request.json()).replace("\\\\", "")  # Teams backslash-escapes its markdown: "\\(40\\)"
    for part in EVIDENCE:
        assert part in shown, (kind, part)
    assert LINK in shown
    if kind == "slack":  # mrkdwn treats <...> as links and mentions; an Adaptive Card shows HTML as text
        assert "<b>" not in shown and "&lt;b&gt;" in shown


def test_the_webhook_carries_the_evidence_as_data(receiver: Receiver, settings: Settings) -> None:
    load_channel("webhook", {"url": receiver.url(), "secret": "x" * 32}, settings).send(_message(), DELIVERY)
    body = receiver.received[0].json()
    alert = body["alert"]
    assert body["delivery_id"] == DELIVERY and "54 observed vs 9.0 expected, p = 3e-12, score 7.25" in body["summary"]
    assert alert["top_topics"] == [["delivery", 40]] and alert["top_networks"][1] == ["reddit", 9]
    assert alert["phrases"] == ["配送遅延", "late delivery"] and alert["link"] == LINK
    assert alert["examples"][0]["text"] == "Late <b>again</b> & no tracking"  # data: the receiver escapes it
    assert alert["chart"][12] == [START.isoformat(), 9.0, 1.5] and len(alert["chart"]) == 24


def test_email_shows_the_chart_inline_as_png(smtp_server: SmtpServer, settings: Settings) -> None:
    parsed = _send_email(smtp_server, settings)
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    for part in EVIDENCE:
        assert part in text, part
    assert "Late &lt;b&gt;again&lt;/b&gt; &amp; no tracking" in html and LINK.replace("&", "&amp;") in html
    [image] = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html and 'alt="Chart of negative mentions' in html
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"


def test_email_attaches_the_svg_where_png_cannot_be_drawn(smtp_server: SmtpServer, settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "png", lambda svg: None)  # as on a host without cairo
    parsed = _send_email(smtp_server, settings)
    [svg] = [part for part in parsed.walk() if part.get_content_type() == "image/svg+xml"]
    assert svg.get_filename() == "spike.svg" and b'role="img"' in svg.get_content()
    assert "cid:" not in parsed.get_body(("html",)).get_content()


def test_a_message_without_a_chart_sends_no_image(smtp_server: SmtpServer, settings: Settings) -> None:
    parsed = _send_email(smtp_server, settings, message=AlertMessage(title="t", series="s", observed=1, expected=1))
    assert not [part for part in parsed.walk() if part.get_content_maintype() == "image"]


def _send_email(server: SmtpServer, settings: Settings, *, message: AlertMessage | None = None) -> Any:
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": server.port,
                                             "smtp_security": "none", "smtp_from": "alerts@example.com"})
    load_channel("email", {"to": ["oncall@example.com"]}, configured).send(message or _message(), DELIVERY)
    [envelope] = server.mailbox.messages
    return email.message_from_bytes(envelope.original_content or b"", policy=policy.default)
