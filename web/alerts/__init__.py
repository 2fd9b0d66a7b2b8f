"""The Alerts page: alerts with their evidence and the staff actions (acknowledge, mute, resolve), the rules and
channels admin, and the navigation badge counting open alerts nobody has acknowledged."""

from web.alerts import channels_views, rules_views, views  # register the routes on bp
from web.alerts.blueprint import bp

__all__ = ["bp", "channels_views", "rules_views", "views"]
