from flask import Blueprint

bp = Blueprint("sources", __name__, url_prefix="/sources")
