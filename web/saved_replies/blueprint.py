from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from responder.drafting.llm import LlmConfig
from responder.drafting.variables import agent_name, unfilled_prompts

bp = Blueprint("saved_replies", __name__)


@bp.record_once
def _check_llm_settings(state: BlueprintSetupState) -> None:
    # Generative drafting switched on but unusable fails at boot with the reason, not at the first click.
    LlmConfig.from_settings(state.app.config["EARFUL_SETTINGS"])


bp.add_app_template_filter(unfilled_prompts, "prompt_fields")
bp.add_app_template_filter(agent_name, "agent_name")


@bp.app_template_global("llm_enabled")
def llm_enabled() -> bool:
    from web.extensions import app_settings

    return LlmConfig.from_settings(app_settings()) is not None
