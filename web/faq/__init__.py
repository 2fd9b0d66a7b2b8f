"""The FAQ for admins (list, add, edit, deactivate): short public answers that drafting puts into replies to
matching questions (responder.drafting.faq)."""

import web.faq.views  # noqa: F401  (registers the routes on bp)
from web.faq.blueprint import bp

__all__ = ["bp"]
