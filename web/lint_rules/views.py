"""Thin views over responder.lint_rules: list the rules, edit one (PRG), every change audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from listener.networks import NETWORKS
from models import Role
from responder.lint import PHRASE_KINDS, SEVERITIES, RuleSpec
from responder.lint_rules import PHRASE_LANGUAGES, RuleInvalid, find_rule, load_rules, save_rule, validate_edit
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.lint_rules.blueprint import bp


@bp.get("")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    return render_template("lint_rules/index.html", rules=load_rules(db_session()), networks=NETWORKS)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit(code: str) -> ResponseReturnValue:
    session = db_session()
    rule = find_rule(session, code)
    if rule is None:
        abort(404, "No such lint rule.")
    if request.method == "GET":
        return _form(rule, _values(rule))
    values = {key: request.form.get(key, "") for key in ("message", "severity", "limit")}
    phrases = {language: request.form.get(f"phrases_{language}", "") for language in PHRASE_LANGUAGES}
    try:
        edit = validate_edit(rule, message=values["message"], severity=values["severity"],
                             enabled=request.form.get("enabled") == "1", limit=values["limit"], phrases=phrases)
    except RuleInvalid as error:
        submitted = {**values, "enabled": request.form.get("enabled") == "1",
                     **{f"phrases_{language}": text for language, text in phrases.items()}}
        return _form(rule, submitted, errors=error.errors, status=400)
    if save_rule(session, rule, edit, actor=acting_user()):
        session.commit()
        flash(f"Lint rule {rule.code} saved.", "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("lint_rules.index"))


def _values(rule: RuleSpec) -> dict[str, object]:
    phrases = rule.params.get("phrases") or {}
    return {"message": rule.message, "severity": rule.severity, "enabled": rule.enabled,
            "limit": str(rule.params.get("limit", "")),
            **{f"phrases_{language}": "\n".join(phrases.get(language, [])) for language in PHRASE_LANGUAGES}}


def _form(rule: RuleSpec, values: dict[str, object], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    return render_template("lint_rules/edit.html", rule=rule, values=values, errors=errors or {},
                           severities=SEVERITIES, languages=PHRASE_LANGUAGES,
                           has_phrases=rule.kind in PHRASE_KINDS, networks=NETWORKS), status
