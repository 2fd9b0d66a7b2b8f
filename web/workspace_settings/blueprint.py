from flask import Blueprint

bp = Blueprint("workspace_settings", __name__, url_prefix="/settings")
