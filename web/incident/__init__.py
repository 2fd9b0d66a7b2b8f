"""Incident mode for admins: declare an incident (one short reply per language pointing to a public notice) and
end it (responder.drafting.incident)."""

import web.incident.views  # noqa: F401  (registers the routes on bp)
from web.incident.blueprint import bp

__all__ = ["bp"]
