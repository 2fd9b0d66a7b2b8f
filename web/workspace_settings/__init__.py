"""The admins' settings page: every workspace setting (secrets hidden), the model, and its accuracy on corrections."""

import web.workspace_settings.views  # noqa: F401  (registers the routes on bp)
from web.workspace_settings.blueprint import bp

__all__ = ["bp"]
