"""Each channel against a real server started by the test: payload shapes, signatures, and failure mapping."""

from __future__ import annotations

import email
import time
from email import policy
from pathlib import Path
from typing import Any

import pytest

from alerts.channels import CHANNELS, check_config, load_channel
from alerts.channels.errors import Broken, Rejected, Transient
from alerts.channels.render import safe_link, slack_payload
from alerts.channels.webhook import sign, verify
from alerts.message import AlertMessage
from settings import Settings
from tests.alerts.test_channels_support import (
    Answer,
    Receiver,
    SmtpServer,
    closed_port,
    running_smtp,
    sample_message,
    self_signed_cert,
)

DELIVERY = "6f1c2b1e-0000-4000-8000-000000000001"
SECRET = "s3cret-for-the-receiver-only"


@pytest.fixture()
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"alert_http_timeout_seconds": 0.5})


def test_message_survives_its_json_round_trip() -> None:
    message = sample_message()
    assert AlertMessage.from_json(message.to_json()) == message


def test_slack_gets_text_and_blocks_with_the_evidence(receiver: Receiver, fast: Settings) -> None:
    receipt = load_channel("slack", {"url": receiver.url()}, fast).send(sample_message(), DELIVERY)
    assert receipt == "slack: ok"
    [request] = receiver.received
    payload = request.json()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-earful-delivery"] == DELIVERY
    assert "42 observed vs 6.5 expected" in payload["text"]
    types = [block["type"] for block in payload["blocks"]]
    assert types[0] == "header" and "actions" in types and types[-1] == "context"
    assert DELIVERY in payload["blocks"][-1]["elements"][0]["text"]
    rendered = str(payload)
    assert "<!channel>" not in rendered and "&lt;!channel&gt;" in rendered  # hostile text cannot ping a channel


def test_teams_gets_an_adaptive_card_in_the_message_envelope(receiver: Receiver, fast: Settings) -> None:
    receiver.script(Answer(202, b""))
    assert load_channel("teams", {"url": receiver.url()}, fast).send(sample_message(), DELIVERY) == "teams: HTTP 202"
    payload = receiver.received[0].json()
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["actions"][0] == {"type": "Action.OpenUrl", "title": "Open in Earful",
                                  "url": "https://earful.example/queue?from=2026-12-03T10:00"}
    assert any(fact["title"] == "Top topics" for block in card["body"] if block["type"] == "FactSet"
               for fact in block["facts"])


def test_webhook_is_signed_over_timestamp_and_body(receiver: Receiver, fast: Settings) -> None:
    load_channel("webhook", {"url": receiver.url(), "secret": SECRET}, fast).send(sample_message(), DELIVERY)
    [request] = receiver.received
    timestamp, signature = request.headers["x-earful-timestamp"], request.headers["x-earful-signature"]
    assert signature.startswith("sha256=") and abs(int(timestamp) - time.time()) < 60
    assert verify(SECRET, timestamp, request.body, signature)
    assert not verify("another-secret-entirely", timestamp, request.body, signature)
    assert not verify(SECRET, timestamp, request.body + b" ", signature)  # tampered body
    assert not verify(SECRET, timestamp, request.body, signature, now=int(timestamp) + 3600)  # replayed later
    body = request.json()
    assert body["delivery_id"] == request.headers["x-earful-delivery"] == DELIVERY
    assert body["event"] == "alert.opened" and body["alert"]["observed"] == 42
    assert sign(SECRET, timestamp, request.body) == signature


def test_email_goes_out_as_text_and_html_with_the_delivery_id(smtp_server: SmtpServer, settings: Settings) -> None:
    configured = _smtp(settings, smtp_server)
    channel = load_channel("email", {"to": ["oncall@example.com", "lead@example.com"]}, configured)
    assert channel.send(sample_message(), DELIVERY) == "email: sent to 2"
    [envelope] = smtp_server.mailbox.messages
    assert envelope.mail_from == "alerts@example.com"
    assert sorted(envelope.rcpt_tos) == ["lead@example.com", "oncall@example.com"]
    parsed: Any = email.message_from_bytes(envelope.original_content or b"", policy=policy.default)
    assert parsed["Message-ID"] == f"<{DELIVERY}@earful.alerts>" and parsed["X-Earful-Delivery"] == DELIVERY
    assert parsed["Subject"] == "[Earful] Alert: Negative mentions spiking: delivery"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "42 observed vs 6.5 expected" in text and "<script>" in text
    assert "<script>" not in html and "&lt;script&gt;" in html  # hostile mention text escaped in HTML


def test_email_to_a_refused_address_is_permanent(smtp_server: SmtpServer, settings: Settings) -> None:
    channel = load_channel("email", {"to": "bad@example.com"}, _smtp(settings, smtp_server))
    with pytest.raises(Broken, match="550"):
        channel.send(sample_message(), DELIVERY)
    assert smtp_server.mailbox.messages == []


def test_email_with_one_good_address_is_sent_and_notes_the_refused_one(smtp_server: SmtpServer,
                                                                       settings: Settings) -> None:
    channel = load_channel("email", {"to": "bad@example.com, ok@example.com"}, _smtp(settings, smtp_server))
    assert channel.send(sample_message(), DELIVERY) == "email: sent; refused bad@example.com (550)"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_tls(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, security: str) -> None:
    cert = self_signed_cert(tmp_path)
    with running_smtp(tls=security, cert=cert) as server:
        configured = _smtp(settings, server).model_copy(update={"smtp_security": security})
        channel = load_channel("email", {"to": "oncall@example.com"}, configured)
        with pytest.raises(Broken, match="cannot be used"):  # an untrusted certificate is a configuration fault
            channel.send(sample_message(), DELIVERY)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # now the client trusts it
        assert channel.send(sample_message(), DELIVERY) == "email: sent to 1"
        assert len(server.mailbox.messages) == 1


def test_plain_smtp_to_a_server_that_requires_starttls_is_refused(settings: Settings, tmp_path: Path) -> None:
    with running_smtp(tls="starttls", cert=self_signed_cert(tmp_path)) as server:
        channel = load_channel("email", {"to": "oncall@example.com"}, _smtp(settings, server))
        with pytest.raises(Broken, match="530"):
            channel.send(sample_message(), DELIVERY)


def test_smtp_server_down_is_transient(settings: Settings) -> None:
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": closed_port(),
                                             "smtp_security": "none", "smtp_from": "alerts@example.com"})
    with pytest.raises(Transient) as caught:
        load_channel("email", {"to": "oncall@example.com"}, configured).send(sample_message(), DELIVERY)
    assert not caught.value.maybe_received


@pytest.mark.parametrize(("answer", "expected", "maybe_received", "retry_after"), [
    (Answer(500, b"oops"), Transient, True, None),
    (Answer(503, b"busy"), Transient, True, None),
    (Answer(429, b"slow down", {"Retry-After": "7"}), Transient, False, 7.0),
    (Answer(401, b"invalid_token"), Broken, None, None),
    (Answer(403, b"action_prohibited"), Broken, None, None),
    (Answer(404, b"no_service"), Broken, None, None),
    (Answer(410, b"channel_is_archived"), Broken, None, None),
    (Answer(400, b"invalid_payload"), Rejected, None, None),
])
def test_http_answers_are_sorted_into_retry_disable_or_reject(receiver: Receiver, fast: Settings, answer: Answer,
                                                              expected: type[Exception], maybe_received: bool | None,
                                                              retry_after: float | None) -> None:
    receiver.script(answer)
    with pytest.raises(expected) as caught:
        load_channel("slack", {"url": receiver.url()}, fast).send(sample_message(), DELIVERY)
    assert str(answer.status) in str(caught.value)
    assert "/hook" not in str(caught.value)  # the secret part of a webhook URL never reaches the page
    if isinstance(caught.value, Transient):
        assert caught.value.maybe_received is maybe_received
        assert caught.value.retry_after == retry_after


def test_refused_connection_is_transient_and_certainly_not_received(fast: Settings) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    with pytest.raises(Transient, match="could not connect") as caught:
        load_channel("webhook", {"url": url, "secret": SECRET}, fast).send(sample_message(), DELIVERY)
    assert not caught.value.maybe_received


def test_a_server_slower_than_the_timeout_may_have_received_it(receiver: Receiver, fast: Settings) -> None:
    receiver.script(Answer(200, b"ok", delay=1.5))
    started = time.monotonic()
    with pytest.raises(Transient, match="no answer") as caught:
        load_channel("teams", {"url": receiver.url()}, fast).send(sample_message(), DELIVERY)
    assert caught.value.maybe_received
    assert time.monotonic() - started < 1.4


def test_a_slow_receiver_within_the_timeout_is_fine(receiver: Receiver, fast: Settings) -> None:
    receiver.script(Answer(200, b"ok", delay=0.3))
    assert load_channel("slack", {"url": receiver.url()}, fast).send(sample_message(), DELIVERY) == "slack: ok"


@pytest.mark.parametrize("status", [200, 503])
def test_a_receiver_trickling_its_answer_cannot_hold_the_worker(receiver: Receiver, fast: Settings,
                                                                status: int) -> None:
    # Each byte arrives well within the read timeout, so only the overall bound on the answer stops this.
    receiver.script(Answer(status, b"x" * 200, trickle=0.1))
    started = time.monotonic()
    channel = load_channel("webhook", {"url": receiver.url(), "secret": SECRET}, fast)
    if status == 200:
        assert channel.send(sample_message(), DELIVERY) == "webhook: HTTP 200"
    else:
        with pytest.raises(Transient, match="HTTP 503 x"):
            channel.send(sample_message(), DELIVERY)
    assert time.monotonic() - started < 3


def test_registry_and_config_checks(settings: Settings) -> None:
    assert set(CHANNELS) == {"email", "slack", "teams", "webhook"}
    with pytest.raises(ValueError, match="unknown alert channel"):
        check_config("pager", {}, settings)
    with pytest.raises(ValueError, match="http"):
        check_config("slack", {"url": "javascript:alert(1)"}, settings)
    with pytest.raises(ValueError, match="secret"):
        check_config("webhook", {"url": "https://hooks.example/x", "secret": "short"}, settings)
    with pytest.raises(ValueError, match="SMTP_HOST"):
        check_config("email", {"to": "a@example.com"}, settings)
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_from": "alerts@example.com"})
    assert check_config("email", {"to": "A <a@example.com>; b@example.com"}, configured) == {
        "to": ["a@example.com", "b@example.com"]}
    with pytest.raises(ValueError, match="SMTP_FROM"):
        Settings(smtp_host="smtp.example.com")


def test_a_p_value_past_a_float_s_range_is_written_from_the_score() -> None:
    from alerts.channels.render import evidence

    assert "p = 1.2e-09" in evidence(sample_message())
    assert "p ≈ 1e-412, score 412.30" in evidence(sample_message(p_value=0.0, score=412.3))


def test_only_web_links_are_rendered() -> None:
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("https://earful.example/q") == "https://earful.example/q"
    payload = slack_payload(sample_message(link="javascript:alert(1)"), DELIVERY)
    assert "actions" not in [block["type"] for block in payload["blocks"]]


def _smtp(settings: Settings, server: SmtpServer) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_security": "none",
                                       "smtp_from": "alerts@example.com", "smtp_timeout_seconds": 5.0})


def test_the_webhook_json_drops_example_links_that_are_not_web_links() -> None:
    from alerts.channels.render import webhook_json
    from alerts.message import Example

    message = sample_message(examples=(Example("hi", "x", "ann", "javascript:alert(1)"),
                                       Example("ho", "x", "bob", "https://x.com/bob/status/1")))
    urls = [example["url"] for example in webhook_json(message, DELIVERY)["alert"]["examples"]]
    assert urls == [None, "https://x.com/bob/status/1"]
