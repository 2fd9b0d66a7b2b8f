"""Thin views over models.topic_store: list the topics, edit one (PRG), every change audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from models import Role, Topic
from models.topic_store import LANGUAGES, TopicInvalid, find_topic, list_topics, save_topic, validate_edit
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.topics.blueprint import bp


@bp.get("")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    return render_template("topics/index.html", topics=list_topics(db_session()), languages=LANGUAGES)


@bp.route("/<name>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit(name: str) -> ResponseReturnValue:
    session = db_session()
    topic = find_topic(session, name)
    if topic is None:
        abort(404, "No such topic.")
    if request.method == "GET":
        return _form(topic, _values(topic))
    keywords = {language: request.form.get(f"keywords_{language}", "") for language in LANGUAGES}
    examples = {language: request.form.get(f"examples_{language}", "") for language in LANGUAGES}
    description, active = request.form.get("description", ""), request.form.get("active") == "1"
    try:
        edit = validate_edit(topic, description=description, active=active, keywords=keywords, examples=examples)
    except TopicInvalid as error:
        submitted = {"description": description, "active": active,
                     **{f"keywords_{language}": text for language, text in keywords.items()},
                     **{f"examples_{language}": text for language, text in examples.items()}}
        return _form(topic, submitted, errors=error.errors, status=400)
    if save_topic(session, topic, edit, actor=acting_user()):
        session.commit()
        flash(f"Topic {topic.name} saved; scoring uses it from its next round.", "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("topics.index"))


def _values(topic: Topic) -> dict[str, object]:
    return {"description": topic.description, "active": topic.active,
            **{f"keywords_{language}": "\n".join(topic.keywords.get(language, [])) for language in LANGUAGES},
            **{f"examples_{language}": "\n".join(topic.examples.get(language, [])) for language in LANGUAGES}}


def _form(topic: Topic, values: dict[str, object], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    return render_template("topics/edit.html", topic=topic, values=values, errors=errors or {},
                           languages=LANGUAGES), status
