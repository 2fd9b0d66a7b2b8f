"""The JSON API under /api/v1: bearer-token authentication, pydantic-validated bodies, generated OpenAPI."""

from web.api import auth as _auth  # noqa: F401  (registers the token check on bp)
from web.api import errors as _errors  # noqa: F401  (registers the JSON error handlers on bp)
from web.api import mentions as _mentions  # noqa: F401  (the modules below register their operations)
from web.api import openapi as _openapi  # noqa: F401
from web.api import reference as _reference  # noqa: F401
from web.api import replies as _replies  # noqa: F401
from web.api import report_summary as _report_summary  # noqa: F401
from web.api import reports as _reports  # noqa: F401
from web.api import sources as _sources  # noqa: F401
from web.api.blueprint import bp

__all__ = ["bp"]
