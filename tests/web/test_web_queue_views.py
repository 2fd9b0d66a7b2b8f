"""The queue page over HTTP: rows, filters, pagination links, bad arguments."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask.testing import FlaskClient

from models import Mention, User

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
MENTION_LINK = re.compile(r'href="/mentions/(\d+)"')


def test_root_redirects_to_queue(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/queue"


def test_queue_shows_mention_summary(client: FlaskClient, logged_in: Callable[[str], User],
                                     make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    make_mention(status="needs_reply", network="googleplay", author="Dana", language="en", sentiment="negative",
                 confidence=0.87, topics=["delivery", "refund"], rating=2, text="Late <b>again</b>. " + "x" * 400)
    html = client.get("/queue").get_data(as_text=True)
    assert "Google Play" in html and "Dana" in html
    assert re.search(r'<span class="chip chip-negative"[^>]*>Negative 87%</span>', html)  # sentiment chip
    assert '<span class="chip">delivery</span><span class="chip">refund</span>' in html  # topic chips
    assert 'aria-label="2 out of 5 stars"' in html
    assert "Late &lt;b&gt;again&lt;/b&gt;." in html and "<b>again" not in html
    assert "x" * 300 not in html  # the excerpt is truncated


def test_queue_filters_over_http(client: FlaskClient, logged_in: Callable[[str], User],
                                 make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    wanted = make_mention(status="needs_reply", network="reddit", sentiment="negative")
    make_mention(status="needs_reply", network="x", sentiment="negative")
    html = client.get("/queue?network=reddit&sentiment=negative").get_data(as_text=True)
    assert MENTION_LINK.findall(html) == [str(wanted.id)]


def test_queue_filters_questions_with_a_chip(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    asks = make_mention(status="needs_reply", question=True, text="Do you ship to Korea?")
    make_mention(status="needs_reply", question=False, text="Arrived broken")
    html = client.get("/queue?question=yes").get_data(as_text=True)
    assert MENTION_LINK.findall(html) == [str(asks.id)]
    assert '<option value="yes" selected>Yes</option>' in html.replace("  ", " ")
    assert "Question: yes" in html  # the chip that drops it
    response = client.get("/queue?question=maybe")
    assert response.status_code == 400 and "question must be yes or no" in response.get_data(as_text=True)


def test_queue_rejects_unknown_filter_values(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    for query in ("tab=all", "network=<script>", "sentiment=furious", "language=english!", "after=garbage",
                  "since=2026-02-01&until=2026-01-01", "rating=0", "question=maybe",
                  "assignee=999999", "q=" + "x" * 201):
        response = client.get(f"/queue?{query}")
        assert response.status_code == 400, query
        assert "<script>" not in response.get_data(as_text=True)


def test_queue_pages_through_links(client: FlaskClient, logged_in: Callable[[str], User],
                                   make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    created = [make_mention(status="needs_reply", network="x", created_at=START + timedelta(seconds=n))
               for n in range(60)]
    first = client.get("/queue?network=x").get_data(as_text=True)
    first_ids = MENTION_LINK.findall(first)
    older = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert older, "no link to the next page"
    next_url = older.group(1).replace("&amp;", "&")
    assert "network=x" in next_url and "after=" in next_url
    second_ids = MENTION_LINK.findall(client.get(next_url).get_data(as_text=True))
    assert len(first_ids) == 50 and len(second_ids) == 10
    assert first_ids + second_ids == [str(m.id) for m in reversed(created)]
