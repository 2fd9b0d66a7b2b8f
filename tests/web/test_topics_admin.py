"""The admin page that edits the complaint topics: list, edit (audited), validation keeping the input, roles,
and the relabel form following the active topics."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, Mention, Topic, User
from tests.web.web_helpers import post_form

PRICE_FORM = {"description": "prices, fees and value for money", "active": "1",
              "keywords_en": "expensive\noverpriced\nrip-off", "keywords_ja": "高い", "keywords_ko": "비싸",
              "examples_en": "far too expensive for what it is", "examples_ja": "", "examples_ko": ""}


def _topic(db_session: Session, name: str) -> Topic:
    db_session.expire_all()
    return db_session.exec(select(Topic).where(Topic.name == name)).one()


def test_admin_edits_a_topic_and_it_is_audited(client: FlaskClient, db_session: Session,
                                               logged_in: Callable[[str], User]) -> None:
    admin = logged_in("admin")
    assert 'href="/topics"' in client.get("/queue").get_data(as_text=True)  # the admin navigation
    index = client.get("/topics").get_data(as_text=True)
    assert 'id="topic-delivery"' in index and 'id="topic-other"' in index and 'href="/topics/price/edit"' in index
    form = client.get("/topics/price/edit").get_data(as_text=True)
    assert 'name="keywords_ja"' in form and 'name="examples_ko"' in form and "csrf_token" in form

    response = post_form(client, "/topics/price/edit", PRICE_FORM, token_from="/topics/price/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/topics")
    price = _topic(db_session, "price")
    assert price.keywords == {"en": ["expensive", "overpriced", "rip-off"], "ja": ["高い"], "ko": ["비싸"]}
    assert price.examples == {"en": ["far too expensive for what it is"]} and price.active
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.updated")).one()
    assert event.actor_id == admin.id and event.details["topic"] == "price"
    assert "Topic price saved" in client.get("/topics").get_data(as_text=True)


def test_a_deactivated_topic_leaves_the_relabel_form(client: FlaskClient, db_session: Session,
                                                     logged_in: Callable[[str], User],
                                                     make_mention: Callable[..., Mention]) -> None:
    logged_in("admin")
    post_form(client, "/topics/price/edit", {**PRICE_FORM, "active": ""}, token_from="/topics")
    assert not _topic(db_session, "price").active
    assert "<strong>off</strong>" in client.get("/topics").get_data(as_text=True)
    mention = make_mention(status="needs_reply", sentiment="negative", complaint=0.9, topics=[], language="en")
    page = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert 'name="topic" value="delivery"' in page and 'name="topic" value="price"' not in page


def test_bad_edits_show_errors_and_keep_the_input(client: FlaskClient, db_session: Session,
                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/topics/other/edit", {
        "description": "", "keywords_en": "<b>kept</b>\n???", "examples_en": "an example kept too"},
        token_from="/topics")  # no "active": switching the fallback topic off is refused as well
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in html and "&lt;b&gt;kept&lt;/b&gt;" in html and "an example kept too" in html
    assert 'id="description-error"' in html and 'id="keywords_en-error"' in html and 'id="active-error"' in html
    other = _topic(db_session, "other")
    assert other.active and other.keywords == {} and other.description.startswith("complaints that fit none")
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.updated")).first() is None
    assert client.get("/topics/nope/edit").status_code == 404


def test_only_admins_edit_topics(client: FlaskClient, db_session: Session,
                                 logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    assert client.get("/topics").status_code == 403
    assert client.get("/topics/price/edit").status_code == 403
    assert post_form(client, "/topics/price/edit", PRICE_FORM).status_code == 403
    assert _topic(db_session, "price").keywords["en"] != PRICE_FORM["keywords_en"].splitlines()
    assert 'href="/topics"' not in client.get("/queue").get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    assert client.post("/topics/price/edit", data=PRICE_FORM).status_code == 400
