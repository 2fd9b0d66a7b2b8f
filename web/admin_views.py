"""What the admin list/form pages (saved replies, sources, lint rules, topics, users) share: admin-only routes,
one record or 404, a toggle form's on/off field, the GET-form/POST-submit split, a form shown again with its
errors, and the flash after a save. Each page keeps its own service calls and wording."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, render_template, request
from flask.typing import ResponseReturnValue

from models import Role
from web.auth.roles import role_required

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., ResponseReturnValue])


def admin_route(bp: Blueprint, rule: str, methods: Iterable[str] = ("GET",)) -> Callable[[View], View]:
    """`bp.route(rule, methods)` for admins only (403 below, the login page when signed out)."""

    def decorate(view: View) -> View:
        bp.route(rule, methods=list(methods))(role_required(Role.admin)(view))
        return view

    return decorate


def found_or_404(record: T | None, what: str) -> T:
    if record is None:
        abort(404, f"No such {what}.")
    return record


def submitted_switch(field: str, *, asking: str) -> bool:
    """A toggle form's "1" (on) or "0" (off); anything else comes from a stale page: 400, saying what the form
    should have said ("whether to <asking>")."""
    wanted = request.form.get(field)
    if wanted not in ("0", "1"):
        abort(400, f"The form did not say whether to {asking}; reload the page.")
    return wanted == "1"


def form_or_submit(show: Callable[[], ResponseReturnValue],
                   submit: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """GET shows the form, POST submits it."""
    return show() if request.method == "GET" else submit()


def form_page(template: str, *, errors: dict[str, str] | None = None, status: int = 200,
              **context: Any) -> ResponseReturnValue:
    """A form page; after a refused submission (status 400) it shows the admin's input with each field's error."""
    return render_template(template, errors=errors or {}, **context), status


def flash_saved(changed: bool, message: str) -> None:
    if changed:
        flash(message, "success")
    else:
        flash("Nothing changed.", "info")
