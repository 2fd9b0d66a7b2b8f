"""Thin views over responder.lint.rules: list the rules, edit one (PRG), every change audited."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from listener.platforms import NETWORK_NAMES
from models.errors import Invalid
from responder.lint.findings import PHRASE_KINDS, SEVERITIES, RuleSpec
from responder.lint.rules import PHRASE_LANGUAGES, find_rule, load_rules, save_rule, validate_edit
from web.admin_views import admin_route, flash_saved, form_page, found_or_404
from web.auth.login import acting_user
from web.db import db_session
from web.lint_rules.blueprint import bp


@admin_route(bp, "")
def index() -> ResponseReturnValue:
    return render_template("lint_rules/index.html", rules=load_rules(db_session()), networks=NETWORK_NAMES)


@admin_route(bp, "/<code>/edit", methods=("GET", "POST"))
def edit(code: str) -> ResponseReturnValue:
    session = db_session()
    rule = found_or_404(find_rule(session, code), "lint rule")
    if request.method == "GET":
        return _form(rule, _values(rule))
    values = {key: request.form.get(key, "") for key in ("message", "severity", "limit")}
    phrases = {language: request.form.get(f"phrases_{language}", "") for language in PHRASE_LANGUAGES}
    try:
        edit = validate_edit(rule, message=values["message"], severity=values["severity"],
                             enabled=request.form.get("enabled") == "1", limit=values["limit"], phrases=phrases)
    except Invalid as error:
        submitted = {**values, "enabled": request.form.get("enabled") == "1",
                     **{f"phrases_{language}": text for language, text in phrases.items()}}
        return _form(rule, submitted, errors=error.errors, status=400)
    changed = save_rule(session, rule, edit, actor=acting_user())
    session.commit()
    flash_saved(changed, f"Lint rule {rule.code} saved.")
    return redirect(url_for("lint_rules.index"))


def _values(rule: RuleSpec) -> dict[str, object]:
    phrases = rule.params.get("phrases") or {}
    return {"message": rule.message, "severity": rule.severity, "enabled": rule.enabled,
            "limit": str(rule.params.get("limit", "")),
            **{f"phrases_{language}": "\n".join(phrases.get(language, [])) for language in PHRASE_LANGUAGES}}


def _form(rule: RuleSpec, values: dict[str, object], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    return form_page("lint_rules/edit.html", errors=errors, status=status, rule=rule, values=values,
                     severities=SEVERITIES, languages=PHRASE_LANGUAGES, has_phrases=rule.kind in PHRASE_KINDS,
                     networks=NETWORK_NAMES)
