"""Lint rules for admins: every rule that checks a reply before approval, with its phrases, limit and severity."""

import web.lint_rules.views  # noqa: F401  (registers the routes on bp)
from web.lint_rules.blueprint import bp

__all__ = ["bp"]
