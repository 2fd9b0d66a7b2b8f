"""The inbox's URL for a mention opened beside the list (/queue?...&open=N): a card pushes it as it opens in the
pane, and the server shows the same list with the same mention open from it, so a reload, a new tab, a shared link
and back/forward all land where the person was. Hostile or unknown ids are refused or explained, never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import Session, select

from models import AuditEvent, Mention, Reply, User

BODY = {"HX-Request": "true", "HX-Target": "queue-body"}
PANE = {"HX-Request": "true", "HX-Target": "detail-pane"}


@contextmanager
def recorded_statements(db_session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db_session.get_bind().engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement))  # the tests' own, numbered

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_card_pushes_the_list_url_with_the_mention_open(client: FlaskClient, logged_in: Callable[[str], User],
                                                          make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft(language="en")
    html = client.get("/queue?tab=awaiting&language=en&sort=negative").get_data(as_text=True)
    href = f"/mentions/{reply.mention_id}"
    pushed = f"/queue?tab=awaiting&amp;language=en&amp;sort=negative&amp;open={reply.mention_id}"
    assert f'href="{href}" hx-get="{href}"' in html  # still a real link for no-JS and narrow screens
    assert f'hx-target="#detail-pane" hx-push-url="{pushed}"' in html
    # The opening tab, chosen by the server when the URL names none, is written into the pushed URL.
    assert f'hx-push-url="/queue?tab=awaiting&amp;open={reply.mention_id}"' in client.get("/queue").get_data(
        as_text=True)


def test_the_url_shows_the_list_with_the_mention_open_beside_it(client: FlaskClient, db_session: Session,
                                                                 logged_in: Callable[[str], User],
                                                                 make_draft: Callable[..., Reply]) -> None:
    me = logged_in("approver")
    opened, other = make_draft(text="Sorry, a new kettle ships today."), make_draft()
    response = client.get(f"/queue?tab=awaiting&open={opened.mention_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="mention-{other.mention_id}"' in html and 'id="queue-filters"' in html  # the list
    pane = html.split('id="detail-pane"', 1)[1]
    assert f'data-open-mention="{opened.mention_id}"' in pane and 'id="approve-button"' in pane
    assert "Sorry, a new kettle ships today." in pane and 'id="reply-text"' in pane
    assert html.count("<title>") == 1 and f"<title>Mention {opened.mention_id} · Earful</title>" in html
    assert f'<li class="mention-card is-open" id="mention-{opened.mention_id}"' in html
    assert f'<li class="mention-card" id="mention-{other.mention_id}"' in html
    assert 'class="inbox has-open"' in html
    views = select(AuditEvent).where(AuditEvent.action == "mention.viewed", AuditEvent.actor_id == me.id)
    assert [view.mention_id for view in db_session.exec(views)] == [opened.mention_id]  # as the pane's request


def test_a_mention_outside_the_list_still_opens(client: FlaskClient, logged_in: Callable[[str], User],
                                                make_draft: Callable[..., Reply],
                                                make_mention: Callable[..., Mention]) -> None:
    """The pane keeps what was opened while the list changes (another tab, a filter), so its URL may name a
    mention the list does not hold; anyone who may open the mention page may open it here."""
    logged_in("agent")
    elsewhere = make_mention(status="ignored", text="Ignored last week.")
    make_draft()
    response = client.get(f"/queue?tab=awaiting&open={elsewhere.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-open-mention="{elsewhere.id}"' in html
    assert "Ignored last week." in html.split('id="detail-pane"', 1)[1]
    assert f'id="mention-{elsewhere.id}"' not in html  # not a card: the list is the tab's


def test_a_missing_mention_shows_the_list_with_a_notice(client: FlaskClient, logged_in: Callable[[str], User],
                                                        make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    response = client.get("/queue?tab=awaiting&open=987654321")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "There is no mention 987654321" in html and 'role="alert"' in html
    assert f'id="mention-{reply.mention_id}"' in html and "data-open-mention" not in html
    assert "<title>Awaiting approval · Earful</title>" in html
    assert 'class="inbox has-open"' in html  # a narrow screen shows the pane (and its notice) above the list


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "1.0", "1e3", " 7", "7 ", "７", "²", "0x10", "1,2",
                                 str(2**63), "9" * 400, "<script>alert(1)</script>", "1;DROP TABLE mention",
                                 "1%00", "1\x00"])
def test_anything_but_an_id_is_refused(client: FlaskClient, logged_in: Callable[[str], User], raw: str) -> None:
    logged_in("agent")
    for headers in ({}, BODY):  # a list change that carries the open mention is checked the same way
        response = client.get("/queue", query_string={"tab": "awaiting", "open": raw}, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, raw
        assert "open must be the id of a mention" in html and "<script>alert" not in html


def test_an_empty_open_is_the_plain_list(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    response = client.get("/queue?tab=awaiting&open=")
    assert response.status_code == 200 and "data-open-mention" not in response.get_data(as_text=True)


def test_a_list_change_carrying_the_open_mention_reads_nothing_more(client: FlaskClient, db_session: Session,
                                                                    logged_in: Callable[[str], User],
                                                                    make_draft: Callable[..., Reply]) -> None:
    """htmx adds open=N to a tab, filter or page change so the URL it pushes keeps the pane; the server only marks
    the card and does not read the mention again (the pane already shows it)."""
    logged_in("agent")
    opened = make_draft()
    client.get("/queue?tab=awaiting")  # the counts are remembered after the first page
    with recorded_statements(db_session) as statements:
        client.get("/queue?tab=awaiting", headers=BODY)
        plain = list(statements)
        statements.clear()
        response = client.get(f"/queue?tab=awaiting&open={opened.mention_id}", headers=BODY)
        carrying = list(statements)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "data-open-mention" not in html
    assert f'<li class="mention-card is-open" id="mention-{opened.mention_id}"' in html
    assert 'aria-current="true"' in html
    assert carrying == plain


def test_opening_from_the_url_costs_no_more_than_the_panes_own_request(client: FlaskClient, db_session: Session,
                                                                       logged_in: Callable[[str], User],
                                                                       make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    opened = make_draft()
    for _ in range(2):  # the counts remembered, the view recorded (a view is written once a minute)
        client.get(f"/queue?tab=awaiting&open={opened.mention_id}")
    with recorded_statements(db_session) as statements:
        client.get("/queue?tab=awaiting")
        plain = list(statements)
        statements.clear()
        client.get(f"/mentions/{opened.mention_id}", headers=PANE)
        pane = list(statements)
        statements.clear()
        client.get(f"/queue?tab=awaiting&open={opened.mention_id}")
        together = list(statements)
    # The pane's request also loads the signed-in user; the page with the mention open does that once.
    assert len(plain) < len(together) <= len(plain) + len(pane)
