"""One AlertMessage, rendered for each channel: plain text and HTML (email), Slack blocks, a Teams Adaptive Card,
and the signed webhook's JSON. Mention text is hostile (rule 7): bounded, escaped for each format, and only
http(s) links are ever rendered."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from alerts.chart import message_points, sparkline
from alerts.message import MAX_EXAMPLE, MAX_ITEMS, MAX_TITLE, AlertMessage, Example

SCHEMA_VERSION = 1
STATE_WORDS = {"opened": "Alert", "updated": "Alert update", "resolved": "Resolved"}


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_link(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def subject(message: AlertMessage) -> str:
    return clip(f"[Earful] {STATE_WORDS.get(message.state, 'Alert')}: {message.title}", MAX_TITLE + 20)


def p_text(p_value: float, score: float | None) -> str:
    """A p-value as people read it; past a float's range (it underflowed to 0) the score still says how small."""
    if p_value == 0.0 and score is not None:
        return f"p ≈ 1e-{score:.0f}"
    return f"p = {p_value:.2g}"


def evidence(message: AlertMessage) -> str:
    """The one line every channel leads with: observed vs expected, and how unlikely that is."""
    parts = [f"{message.series}: {message.observed:g} observed vs {message.expected:.1f} expected"]
    if message.p_value is not None:
        parts.append(p_text(message.p_value, message.score))
    if message.score is not None:
        parts.append(f"score {message.score:.2f}")
    if message.window_start and message.window_end:
        parts.append(f"{message.window_start:%Y-%m-%d %H:%M}–{message.window_end:%H:%M} UTC")
    return ", ".join(parts)


def _pairs(pairs: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{clip(name, 60)} ({count})" for name, count in pairs[:MAX_ITEMS])


def _details(message: AlertMessage) -> list[tuple[str, str]]:
    rows = [("Top topics", _pairs(message.top_topics)), ("Networks", _pairs(message.top_networks)),
            ("Phrases", ", ".join(f"“{clip(p, 60)}”" for p in message.phrases[:MAX_ITEMS])),
            ("Trend", sparkline(message_points(message.chart)))]
    return [(label, value) for label, value in rows if value]


def _examples(message: AlertMessage) -> tuple[Example, ...]:
    return message.examples[:3]


def _example_line(example: Example) -> str:
    who = " ".join(part for part in (example.network, f"@{example.author}" if example.author else "") if part)
    return f"{who}: {clip(example.text, MAX_EXAMPLE)}" if who else clip(example.text, MAX_EXAMPLE)


def plain_text(message: AlertMessage, delivery_id: str) -> str:
    lines = [clip(message.title, MAX_TITLE), "", evidence(message)]
    lines += [f"{label}: {value}" for label, value in _details(message)]
    if message.examples:
        lines += ["", "Examples:"] + [f"- {_example_line(example)}" for example in _examples(message)]
    if link := safe_link(message.link):
        lines += ["", f"Open in Earful: {link}"]
    lines += ["", f"Delivery {delivery_id}"]
    return "\n".join(lines) + "\n"


def html_body(message: AlertMessage, delivery_id: str, *, chart_cid: str | None = None) -> str:
    """`chart_cid`: the Content-ID of the chart image attached to the e-mail, shown under the evidence."""
    esc = html.escape
    rows = "".join(f"<tr><th align='left'>{esc(label)}</th><td>{esc(value)}</td></tr>"
                   for label, value in _details(message))
    examples = "".join(f"<li>{esc(_example_line(example))}</li>" for example in _examples(message))
    link = safe_link(message.link)
    chart = (f"<p><img src=\"cid:{esc(chart_cid, quote=True)}\" width=\"480\" height=\"160\" "
             f"alt=\"{esc(chart_alt(message), quote=True)}\"></p>") if chart_cid else ""
    return (f"<h2>{esc(clip(message.title, MAX_TITLE))}</h2><p>{esc(evidence(message))}</p>" + chart
            + (f"<table>{rows}</table>" if rows else "")
            + (f"<h3>Examples</h3><ul>{examples}</ul>" if examples else "")
            + (f"<p><a href=\"{esc(link, quote=True)}\">Open in Earful</a></p>" if link else "")
            + f"<p style='color:#888'>Delivery {esc(delivery_id)}</p>")


def chart_alt(message: AlertMessage) -> str:
    return f"Chart of {message.series}, the spike window shaded: {evidence(message)}"


def _mrkdwn(text: str) -> str:
    # Slack's documented escaping: only &, < and > are control characters in mrkdwn.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: AlertMessage, delivery_id: str) -> dict[str, Any]:
    """Slack incoming webhook: `text` is the notification fallback, `blocks` the layout (Block Kit)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(subject(message), 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(evidence(message))}},
    ]
    if details := _details(message):
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*{label}*\n{_mrkdwn(value)}"} for label, value in details]})
    for example in _examples(message):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "> " + _mrkdwn(_example_line(example))}})
    if link := safe_link(message.link):
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open in Earful"}, "url": link}]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"delivery {delivery_id}"}]})
    return {"text": _mrkdwn(f"{subject(message)} — {evidence(message)}"), "blocks": blocks}


def teams_payload(message: AlertMessage, delivery_id: str) -> dict[str, Any]:
    """Teams incoming webhook (Workflows): an Adaptive Card in the "message" attachments envelope. Mention text
    has its markdown escaped, so the only link in the card is ours."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True, "text": clip(subject(message), 170)},
        {"type": "TextBlock", "wrap": True, "text": _teams_text(evidence(message))},
    ]
    if details := _details(message):
        body.append({"type": "FactSet", "facts": [{"title": label, "value": _teams_text(value)}
                                                 for label, value in details]})
    for example in _examples(message):
        body.append({"type": "TextBlock", "wrap": True, "isSubtle": True, "text": _teams_text(_example_line(example))})
    body.append({"type": "TextBlock", "isSubtle": True, "size": "Small", "text": f"delivery {delivery_id}"})
    card: dict[str, Any] = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                            "version": "1.4", "body": body}
    if link := safe_link(message.link):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Earful", "url": link}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def _teams_text(text: str) -> str:
    # TextBlock renders a markdown subset; backslash-escape its control characters so a mention cannot add links.
    for char in "\\[]()*_`#>":
        text = text.replace(char, "\\" + char)
    return text


def webhook_json(message: AlertMessage, delivery_id: str) -> dict[str, Any]:
    data = message.to_json()
    data["link"] = safe_link(message.link)
    for example in data["examples"]:
        example["url"] = safe_link(example.get("url"))
    return {"schema": SCHEMA_VERSION, "delivery_id": delivery_id, "event": f"alert.{message.state}",
            "subject": subject(message), "summary": evidence(message), "alert": data}
