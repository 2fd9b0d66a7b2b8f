from flask import Blueprint

bp = Blueprint("incident", __name__, url_prefix="/incident")
