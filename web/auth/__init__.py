"""Authentication: accounts, login/logout, role checks."""

from web.auth import account as _account  # noqa: F401  (registers the routes on bp)
from web.auth import password as _password  # noqa: F401
from web.auth import users_views as _users_views  # noqa: F401
from web.auth import views as _views  # noqa: F401
from web.auth.blueprint import bp
from web.auth.login import init_login

__all__ = ["bp", "init_login"]
