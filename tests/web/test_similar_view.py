"""The mention page's "replies to similar mentions": stored vectors compared on request, fetched after the page."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from models import Mention, Reply, User
from responder.drafting.similar import index_round
from tests.responder.test_similar import WordsEncoder

HTMX = {"HX-Request": "true", "HX-Target": "similar-replies"}


def test_similar_replies_beside_the_draft(client: FlaskClient, db_session: Session,
                                          session_factory: sessionmaker[Session], logged_in: Callable[[str], User],
                                          make_mention: Callable[..., Mention],
                                          make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    old = make_mention(text="my order is two weeks late and nobody answers me", network="reddit")
    db_session.add(Reply(mention_id=old.id, text="So sorry <b>Sam</b>, we'll chase it.", status="posted"))
    db_session.flush()
    draft = make_draft(text="Sorry!", network="x")  # its mention: "My order is two weeks late and nobody answers."
    page = client.get(f"/mentions/{draft.mention_id}").get_data(as_text=True)
    assert f'hx-get="/mentions/{draft.mention_id}/similar"' in page
    waiting = client.get(f"/mentions/{draft.mention_id}/similar", headers=HTMX).get_data(as_text=True)
    assert "Not compared yet" in waiting

    index_round(session_factory, WordsEncoder())  # what the worker's task does
    fragment = client.get(f"/mentions/{draft.mention_id}/similar", headers=HTMX).get_data(as_text=True)
    assert "So sorry &lt;b&gt;Sam&lt;/b&gt;, we&#39;ll chase it." in fragment
    assert f'href="/mentions/{old.id}"' in fragment and "<html" not in fragment

    full = client.get(f"/mentions/{draft.mention_id}/similar").get_data(as_text=True)
    assert "<html" in full and "So sorry" in full  # without JavaScript, a page of its own
    assert client.get("/mentions/999999/similar").status_code == 404


def test_no_similar_reply_says_so(client: FlaskClient, session_factory: sessionmaker[Session],
                                  logged_in: Callable[[str], User], make_draft: Callable[..., Reply]) -> None:
    logged_in("viewer")
    draft = make_draft()
    index_round(session_factory, WordsEncoder())
    html = client.get(f"/mentions/{draft.mention_id}/similar", headers=HTMX).get_data(as_text=True)
    assert "No approved reply to a similar mention yet." in html
