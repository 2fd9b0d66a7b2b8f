"""Thin admin views over responder.drafting.faq: parse the form, call the service, commit once, redirect (PRG)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from models.drafting_aids import FaqEntry
from models.errors import Invalid
from responder.drafting.faq import create_entry, faq_entries, set_active, update_entry, validate
from responder.drafting.intents import LANGUAGES
from web.admin_views import admin_route, flash_saved, form_or_submit, form_page, found_or_404, submitted_switch
from web.auth.login import acting_user
from web.db import db_session
from web.faq.blueprint import bp
from web.formatting import untrusted_plain

FIELDS = ("language", "question", "keywords", "answer")


@admin_route(bp, "")
def index() -> ResponseReturnValue:
    include_inactive = request.args.get("inactive") == "1"
    return render_template("faq/index.html", entries=faq_entries(db_session(), include_inactive=include_inactive),
                           include_inactive=include_inactive)


@admin_route(bp, "/new", methods=("GET", "POST"))
def new() -> ResponseReturnValue:
    return form_or_submit(lambda: _form(None, {**dict.fromkeys(FIELDS, ""), "language": "en"}),
                          lambda: _submit(None))


@admin_route(bp, "/<int:entry_id>/edit", methods=("GET", "POST"))
def edit(entry_id: int) -> ResponseReturnValue:
    entry = _get(entry_id)
    return form_or_submit(lambda: _form(entry, _values(entry)), lambda: _submit(entry))


@admin_route(bp, "/<int:entry_id>/active", methods=("POST",))
def toggle(entry_id: int) -> ResponseReturnValue:
    wanted = submitted_switch("active", asking="activate or deactivate the FAQ entry")
    session, entry = db_session(), _get(entry_id)
    if set_active(session, entry, wanted, actor=acting_user()):
        session.commit()
    state = "active" if entry.active else "deactivated: no new draft will use it"
    flash(f"FAQ entry {untrusted_plain(entry.question)} is {state}.", "success")
    return redirect(url_for("faq.index"))


def _submit(entry: FaqEntry | None) -> ResponseReturnValue:
    values = {field: request.form.get(field, "") for field in FIELDS}
    try:
        spec = validate(**values)
    except Invalid as error:
        return _form(entry, values, errors=error.errors, status=400)
    session = db_session()
    if entry is None:
        entry = create_entry(session, spec, actor=acting_user())
        flash(f"FAQ entry {untrusted_plain(entry.question)} added.", "success")
    else:
        flash_saved(update_entry(session, entry, spec, actor=acting_user()),
                    f"FAQ entry {untrusted_plain(entry.question)} saved. Drafts already made keep their text.")
    session.commit()
    return redirect(url_for("faq.index"))


def _values(entry: FaqEntry) -> dict[str, str]:
    return {"language": entry.language, "question": entry.question, "keywords": "\n".join(entry.keywords),
            "answer": entry.answer}


def _form(entry: FaqEntry | None, values: dict[str, str], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    return form_page("faq/form.html", errors=errors, status=status, entry=entry, values=values, languages=LANGUAGES)


def _get(entry_id: int) -> FaqEntry:
    return found_or_404(db_session().get(FaqEntry, entry_id), "FAQ entry")
