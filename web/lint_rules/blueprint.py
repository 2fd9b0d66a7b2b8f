from flask import Blueprint

bp = Blueprint("lint_rules", __name__, url_prefix="/lint-rules")
