"""Thin views over models.topic_store: list the topics, add one, edit one, move one (PRG), every change audited."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from models import Topic
from models.errors import Invalid
from models.topic_store import (
    DIRECTIONS,
    LANGUAGES,
    create_topic,
    find_topic,
    list_topics,
    move_topic,
    save_topic,
    validate_edit,
    validate_new,
)
from web.admin_views import admin_route, flash_saved, form_page, found_or_404
from web.auth.login import acting_user
from web.db import db_session
from web.topics.blueprint import bp

TEXT_FIELDS = ("name", "description", *(f"{kind}_{language}" for kind in ("keywords", "examples")
                                        for language in LANGUAGES))


@admin_route(bp, "")
def index() -> ResponseReturnValue:
    return render_template("topics/index.html", topics=list_topics(db_session()), languages=LANGUAGES)


@admin_route(bp, "/new", methods=("GET", "POST"))
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _form(None, {**dict.fromkeys(TEXT_FIELDS, ""), "active": "1"})
    session, values = db_session(), _submitted()
    try:
        added = validate_new(session, name=values["name"], **_parsed(values))
    except Invalid as error:
        return _form(None, values, errors=error.errors, status=400)
    try:
        topic = create_topic(session, added, actor=acting_user())
        session.commit()
    except IntegrityError:  # another admin added the same name since the check
        session.rollback()
        return _form(None, values, errors={"name": f"there is already a topic {added.name}"}, status=400)
    flash(f"Topic {topic.name} added at the end of the list; scoring uses it from its next round.", "success")
    return redirect(url_for("topics.index"))


@admin_route(bp, "/<name>/edit", methods=("GET", "POST"))
def edit(name: str) -> ResponseReturnValue:
    session, topic = db_session(), _get(name)
    if request.method == "GET":
        return _form(topic, _values(topic))
    values = _submitted()
    try:
        edit = validate_edit(topic, **_parsed(values))
    except Invalid as error:
        return _form(topic, values, errors=error.errors, status=400)
    changed = save_topic(session, topic, edit, actor=acting_user())
    session.commit()
    flash_saved(changed, f"Topic {topic.name} saved; scoring uses it from its next round.")
    return redirect(url_for("topics.index"))


@admin_route(bp, "/<name>/move", methods=("POST",))
def move(name: str) -> ResponseReturnValue:
    session, topic, direction = db_session(), _get(name), request.form.get("direction", "")
    if direction not in DIRECTIONS:
        abort(400, "The form did not say whether to move the topic up or down; reload the page.")
    neighbour = move_topic(session, topic, direction, actor=acting_user())
    if neighbour is None:
        flash(f"{topic.name} is already {'first' if direction == 'up' else 'last'}.", "info")
    else:
        session.commit()
        flash(f"{topic.name} moved {'above' if direction == 'up' else 'below'} {neighbour.name}.", "success")
    return redirect(url_for("topics.index", _anchor=f"topic-{topic.name}"))


def _get(name: str) -> Topic:
    return found_or_404(find_topic(db_session(), name), "topic")


def _submitted() -> dict[str, str]:
    """The form as typed, so that an error shows it again unchanged; "active" is "1" or ""."""
    return {**{field: request.form.get(field, "") for field in TEXT_FIELDS},
            "active": "1" if request.form.get("active") == "1" else ""}


def _parsed(values: dict[str, str]) -> dict[str, Any]:
    """The arguments validate_edit and validate_new share, from the form's values."""
    return {"description": values["description"], "active": values["active"] == "1",
            "keywords": {language: values[f"keywords_{language}"] for language in LANGUAGES},
            "examples": {language: values[f"examples_{language}"] for language in LANGUAGES}}


def _values(topic: Topic) -> dict[str, str]:
    return {"name": topic.name, "description": topic.description, "active": "1" if topic.active else "",
            **{f"keywords_{language}": "\n".join(topic.keywords.get(language, [])) for language in LANGUAGES},
            **{f"examples_{language}": "\n".join(topic.examples.get(language, [])) for language in LANGUAGES}}


def _form(topic: Topic | None, values: dict[str, str], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    """The edit form, or with no topic the new-topic form (which also asks for the name)."""
    return form_page("topics/edit.html", errors=errors, status=status, topic=topic, values=values,
                     languages=LANGUAGES)
