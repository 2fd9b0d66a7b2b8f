from flask import Blueprint

bp = Blueprint("faq", __name__, url_prefix="/faq")
