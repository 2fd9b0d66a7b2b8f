"""The admin page that edits the complaint topics: list, add, edit and move (audited), validation keeping the
input, roles, and the relabel and saved-reply forms following the active topics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, SavedReply, Topic, User
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


WARRANTY_FORM = {"name": "warranty", "description": "warranty claims and repairs", "active": "1",
                 "keywords_en": "warranty\nguarantee", "keywords_ja": "保証", "keywords_ko": "",
                 "examples_en": "", "examples_ja": "", "examples_ko": ""}


def _order(db_session: Session) -> list[str]:
    db_session.expire_all()
    return [topic.name for topic in db_session.exec(select(Topic).order_by(col(Topic.position), col(Topic.id)))]


def test_admin_adds_a_topic_last_and_staff_can_pick_it(client: FlaskClient, db_session: Session,
                                                       logged_in: Callable[[str], User],
                                                       make_mention: Callable[..., Mention]) -> None:
    admin = logged_in("admin")
    index = client.get("/topics").get_data(as_text=True)
    assert 'href="/topics/new"' in index and "neither detected by scoring nor offered" in index
    form = client.get("/topics/new").get_data(as_text=True)
    assert 'name="name"' in form and 'name="keywords_ko"' in form and "csrf_token" in form and "checked" in form

    response = post_form(client, "/topics/new", WARRANTY_FORM, token_from="/topics/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/topics")
    assert _order(db_session)[-2:] == ["other", "warranty"]
    warranty = _topic(db_session, "warranty")
    assert warranty.keywords == {"en": ["warranty", "guarantee"], "ja": ["保証"]} and warranty.examples == {}
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.created")).one()
    assert event.actor_id == admin.id and event.details["topic"] == "warranty" and event.details["active"] is True
    index = client.get("/topics").get_data(as_text=True)
    assert "Topic warranty added" in index and 'id="topic-warranty"' in index
    mention = make_mention(status="needs_reply", sentiment="negative", complaint=0.9, topics=[], language="en")
    assert 'name="topic" value="warranty"' in client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert '<option value="warranty"' in client.get("/saved-replies/new").get_data(as_text=True)


def test_a_bad_new_topic_is_refused_with_the_input_kept(client: FlaskClient, db_session: Session,
                                                        logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/topics/new", {**WARRANTY_FORM, "name": "Bad Name", "description": "",
                                                 "keywords_en": "<b>kept</b>", "examples_ko": "보증 예시"},
                         token_from="/topics/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was saved" in html
    assert 'value="Bad Name"' in html and "&lt;b&gt;kept&lt;/b&gt;" in html and "보증 예시" in html
    assert 'id="name-error"' in html and 'id="description-error"' in html and "lowercase letters" in html
    duplicate = post_form(client, "/topics/new", {**WARRANTY_FORM, "name": "delivery"}, token_from="/topics/new")
    assert duplicate.status_code == 400 and "there is already a topic delivery" in duplicate.get_data(as_text=True)
    assert db_session.exec(select(Topic).where(col(Topic.name).in_(["warranty", "Bad Name"]))).first() is None
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.created")).first() is None


def test_admin_moves_a_topic_up_and_down(client: FlaskClient, db_session: Session,
                                         logged_in: Callable[[str], User]) -> None:
    admin = logged_in("admin")
    index = client.get("/topics").get_data(as_text=True)
    assert 'action="/topics/refund/move"' in index and 'aria-label="Move refund up"' in index
    response = post_form(client, "/topics/refund/move", {"direction": "up"}, token_from="/topics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/topics#topic-refund")
    assert _order(db_session)[:2] == ["refund", "delivery"]
    assert "refund moved above delivery" in client.get("/topics").get_data(as_text=True)
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.moved")).one()
    assert event.actor_id == admin.id and event.details == {"topic": "refund", "from": 1, "to": 0}

    post_form(client, "/topics/refund/move", {"direction": "up"}, token_from="/topics")  # already first
    assert "refund is already first" in client.get("/topics").get_data(as_text=True)
    post_form(client, "/topics/other/move", {"direction": "down"}, token_from="/topics")
    assert "other is already last" in client.get("/topics").get_data(as_text=True)
    assert len(db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.moved")).all()) == 1
    post_form(client, "/topics/refund/move", {"direction": "down"}, token_from="/topics")
    assert _order(db_session)[:2] == ["delivery", "refund"]
    assert post_form(client, "/topics/refund/move", {"direction": "left"}, token_from="/topics").status_code == 400
    assert post_form(client, "/topics/nope/move", {"direction": "up"}, token_from="/topics").status_code == 404


def test_only_admins_add_or_move_topics(client: FlaskClient, db_session: Session,
                                        logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    assert client.get("/topics/new").status_code == 403
    assert post_form(client, "/topics/new", WARRANTY_FORM).status_code == 403
    assert post_form(client, "/topics/refund/move", {"direction": "up"}).status_code == 403
    assert "warranty" not in _order(db_session) and _order(db_session)[:2] == ["delivery", "refund"]


def test_adding_or_moving_without_the_csrf_token_is_refused(client: FlaskClient,
                                                            logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    assert client.post("/topics/new", data=WARRANTY_FORM).status_code == 400
    assert client.post("/topics/refund/move", data={"direction": "up"}).status_code == 400


def test_a_saved_reply_keeps_its_topic_after_the_topic_is_switched_off(
        client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    logged_in("admin")
    saved = make_saved_reply(name="Too dear", topic="price")
    post_form(client, "/topics/price/edit", {**PRICE_FORM, "active": ""}, token_from="/topics")
    assert '<option value="price"' not in client.get("/saved-replies/new").get_data(as_text=True)
    page = client.get(f"/saved-replies/{saved.id}/edit").get_data(as_text=True)
    assert '<option value="price" selected' in page  # its own topic is still offered, so an edit keeps it
    refused = post_form(client, "/saved-replies/new", {"name": "New dear", "language": "en", "topic": "price",
                                                       "sentiment": "", "network": "", "body": "Sorry, {author}.",
                                                       "variants": ""}, token_from="/saved-replies/new")
    assert refused.status_code == 400 and "Choose a topic from the list" in refused.get_data(as_text=True)


def test_a_name_taken_between_the_check_and_the_insert_is_a_form_error(
        client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
        monkeypatch: pytest.MonkeyPatch) -> None:
    logged_in("admin")
    monkeypatch.setattr("models.topic_store.find_topic", lambda session, name: None)  # the other admin's row lands late
    response = post_form(client, "/topics/new", {**WARRANTY_FORM, "name": "delivery"}, token_from="/topics/new")
    assert response.status_code == 400 and "there is already a topic delivery" in response.get_data(as_text=True)
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "topic.created")).first() is None
    assert len(db_session.exec(select(Topic).where(Topic.name == "delivery")).all()) == 1
