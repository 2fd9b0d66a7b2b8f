"""Thin admin views over responder.library: parse the form, call the service, commit once, redirect (PRG)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from listener.networks import NETWORKS
from models import Role, SavedReply
from models.topic_store import active_topic_names
from responder.library import (
    LANGUAGES,
    Filters,
    SavedReplyInvalid,
    create_saved_reply,
    join_variants,
    saved_reply_rows,
    set_active,
    update_saved_reply,
    validate,
)
from responder.variables import KNOWN_VARIABLES
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.formatting import untrusted_plain
from web.queue.queries import SENTIMENTS
from web.saved_replies.blueprint import bp

FIELDS = ("name", "language", "topic", "sentiment", "network", "body", "variants")


@dataclass(frozen=True)
class FormValues:
    """What the form shows: the submitted text as typed, so an error never loses the admin's input."""

    name: str = ""
    language: str = "en"
    topic: str = ""
    sentiment: str = ""
    network: str = ""
    body: str = ""
    variants: str = ""

    @classmethod
    def submitted(cls, form: MultiDict[str, str]) -> FormValues:
        return cls(**{key: form.get(key, "") for key in FIELDS})

    @classmethod
    def of(cls, saved: SavedReply) -> FormValues:
        return cls(name=saved.name, language=saved.language, topic=saved.topic or "",
                   sentiment=saved.sentiment or "", network=saved.network or "", body=saved.body,
                   variants=join_variants(saved.variants))


def _filters() -> Filters:
    args = request.args
    return Filters(**{name: args.get(name) or None for name in ("language", "topic", "sentiment", "network")},
                   include_inactive=args.get("inactive") == "1")


@bp.get("/saved-replies")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    filters = _filters()
    return render_template("saved_replies/index.html", rows=saved_reply_rows(db_session(), filters),
                           filters=filters, **_choices(None))


@bp.route("/saved-replies/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_form(FormValues(), saved=None)
    return _submit(None)


@bp.route("/saved-replies/<int:saved_reply_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit(saved_reply_id: int) -> ResponseReturnValue:
    saved = _get(saved_reply_id)
    if request.method == "GET":
        return _render_form(FormValues.of(saved), saved=saved)
    return _submit(saved)


@bp.post("/saved-replies/<int:saved_reply_id>/active")
@role_required(Role.admin)
def toggle(saved_reply_id: int) -> ResponseReturnValue:
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400, "The form did not say whether to activate or deactivate the saved reply; reload the page.")
    session = db_session()
    saved = _get(saved_reply_id)
    if set_active(session, saved, wanted == "1", actor=acting_user()):
        session.commit()
    state = "active" if saved.active else "deactivated: no new draft will use it"
    flash(f"{untrusted_plain(saved.name)} is {state}.", "success")
    return redirect(url_for("saved_replies.index"))


def _submit(saved: SavedReply | None) -> ResponseReturnValue:
    values = FormValues.submitted(request.form)
    try:
        spec = validate(**{key: getattr(values, key) for key in FIELDS}, topics=_topics(saved))
    except SavedReplyInvalid as error:
        return _render_form(values, saved=saved, errors=error.errors, status=400)
    session = db_session()
    if saved is None:
        saved = create_saved_reply(session, spec, actor=acting_user())
        flash(f"Saved reply {untrusted_plain(saved.name)} added.", "success")
    elif update_saved_reply(session, saved, spec, actor=acting_user()):
        flash(f"Saved reply {untrusted_plain(saved.name)} saved. Drafts already made keep their text.", "success")
    else:
        flash("Nothing changed.", "info")
    session.commit()
    return redirect(url_for("saved_replies.index"))


def _render_form(values: FormValues, *, saved: SavedReply | None, errors: dict[str, str] | None = None,
                 status: int = 200) -> ResponseReturnValue:
    return render_template("saved_replies/form.html", values=values, saved=saved, errors=errors or {},
                           variables=KNOWN_VARIABLES, **_choices(saved)), status


def _choices(saved: SavedReply | None) -> dict[str, object]:
    return {"languages": LANGUAGES, "topics": {name: name for name in _topics(saved)},
            "sentiments": {label: label for label in SENTIMENTS}, "networks": NETWORKS}


def _topics(saved: SavedReply | None) -> list[str]:
    """The workspace's active topics, plus the one the saved reply is for when it has since been switched off
    (so that editing the reply's wording does not force another topic on it)."""
    names = active_topic_names(db_session())
    kept = saved.topic if saved is not None else None
    return [*names, kept] if kept and kept not in names else names


def _get(saved_reply_id: int) -> SavedReply:
    saved = db_session().get(SavedReply, saved_reply_id)
    if saved is None:
        abort(404, "No such saved reply.")
    return saved
