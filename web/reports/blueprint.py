from flask import Blueprint

from reports.presentation import TEMPLATES

# The report's section macros live with the print template in reports/templates, so the page and the PDF share them.
bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder=str(TEMPLATES))
