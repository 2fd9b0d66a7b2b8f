"""Queue friction a newcomer meets: the tab it opens on, the networks it offers, the bulk actions per tab."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session

from inbox.queue.filters import QueueFilters
from inbox.queue.queries import TabCount, known_sources, opening_tab
from inbox.queue.tabs import QueueTab
from listener.demo import load_demo_source
from models import Mention, Reply, ReplyStatus, User
from models.base import utcnow

MENTION_LINK = re.compile(r'href="/mentions/(\d+)"')
TITLE = re.compile(r"<title>(.*?) · Earful</title>")
BULK_BUTTONS = re.compile(r'<button type="submit" name="action" value="(\w+)"')


def _with_reply(make_mention: Callable[..., Mention], db_session: Session, status: ReplyStatus,
                **fields: object) -> Mention:
    mention = make_mention(status="needs_reply", **fields)
    db_session.add(Reply(mention_id=mention.id, text="Sorry about that, we are on it.", status=status.value))
    db_session.flush()
    return mention


def test_the_queue_opens_on_the_first_tab_that_has_work(client: FlaskClient, logged_in: Callable[[str], User],
                                                       make_mention: Callable[..., Mention],
                                                       db_session: Session) -> None:
    logged_in("agent")
    waiting = _with_reply(make_mention, db_session, ReplyStatus.draft)
    make_mention(status="replied")
    html = client.get("/queue").get_data(as_text=True)
    assert TITLE.search(html).group(1) == "Awaiting approval"  # type: ignore[union-attr]
    assert MENTION_LINK.findall(html) == [str(waiting.id)]
    assert 'name="tab" value="awaiting"' in html  # the filters keep the tab it opened on
    chosen = client.get("/queue?tab=needs_reply").get_data(as_text=True)
    assert TITLE.search(chosen).group(1) == "Needs reply" and MENTION_LINK.findall(chosen) == []  # type: ignore[union-attr]


def test_the_opening_tab_follows_the_filters_and_falls_back_to_needs_reply(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    assert opening_tab(db_session, QueueFilters()) is QueueTab.needs_reply
    _with_reply(make_mention, db_session, ReplyStatus.manual, network="reddit")
    assert opening_tab(db_session, QueueFilters()) is QueueTab.manual
    assert opening_tab(db_session, QueueFilters(network="x")) is QueueTab.needs_reply
    make_mention(status="needs_reply", network="reddit")
    assert opening_tab(db_session, QueueFilters()) is QueueTab.needs_reply
    remembered = {tab: TabCount(0) for tab in QueueTab} | {QueueTab.approved: TabCount(3)}
    assert opening_tab(db_session, QueueFilters(), remembered) is QueueTab.approved


def test_the_network_filter_offers_no_label_of_a_many_network_source(
        client: FlaskClient, logged_in: Callable[[str], User], db_session: Session,
        make_source: Callable[..., object]) -> None:
    load_demo_source(db_session, now=utcnow(), speed=60.0)  # a replay source labelled "mixed"
    make_source(name="From a newer release", collector="bluesky_search", network="bluesky")
    networks, _sources = known_sources(db_session)
    assert "mixed" not in networks and {"x", "appstore", "bluesky"} <= set(networks)
    logged_in("viewer")
    html = client.get("/queue").get_data(as_text=True)
    assert 'value="mixed"' not in html and 'value="bluesky"' in html
    assert client.get("/queue?network=mixed").status_code == 400


def test_the_bulk_bar_offers_only_what_the_tab_allows(client: FlaskClient, logged_in: Callable[[str], User],
                                                     make_mention: Callable[..., Mention],
                                                     db_session: Session) -> None:
    logged_in("approver")
    for status in (ReplyStatus.draft, ReplyStatus.manual, ReplyStatus.approved):
        _with_reply(make_mention, db_session, status)
    make_mention(status="needs_reply")
    make_mention(status="replied")
    offered = {tab: BULK_BUTTONS.findall(client.get(f"/queue?tab={tab}").get_data(as_text=True))
               for tab in ("needs_reply", "awaiting", "approved", "manual", "posted")}
    assert offered == {"needs_reply": ["assign", "ignore"], "awaiting": ["assign", "ignore", "approve"],
                       "approved": ["assign"], "manual": ["assign"], "posted": []}
    assert 'name="mention"' not in client.get("/queue?tab=posted").get_data(as_text=True)  # nothing to select
