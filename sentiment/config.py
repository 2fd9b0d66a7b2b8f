"""The sentiment model's configuration: one frozen object, built from the settings at an entry point (a worker
task, a CLI command, a benchmark) and passed down, so library code never reads the settings itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from settings import DEFAULT_SCORE_BATCH_SIZE, DEFAULT_SCORE_BATCH_TOKENS, DEFAULT_SENTIMENT_MODEL, SENTIMENT_PRECISIONS
from settings import sentiment_precision_problem as precision_problem

if TYPE_CHECKING:
    from settings import Settings

DEFAULT_MODEL = DEFAULT_SENTIMENT_MODEL
PRECISIONS = SENTIMENT_PRECISIONS

DEFAULT_BATCH_SIZE = DEFAULT_SCORE_BATCH_SIZE
DEFAULT_BATCH_TOKENS = DEFAULT_SCORE_BATCH_TOKENS


@dataclass(frozen=True)
class ModelConfig:
    name: str
    cache_dir: Path
    batch_size: int = DEFAULT_BATCH_SIZE  # texts per model batch at most
    threads: int | None = None  # torch threads; None: torch's own default
    precision: str = "auto"  # see sentiment.model.encoder_precision
    batch_tokens: int | None = DEFAULT_BATCH_TOKENS  # padded tokens per model batch at most (None: no limit)

    def __post_init__(self) -> None:
        problem = precision_problem(self.name, self.precision)
        if problem:
            raise ValueError(problem)
        if self.batch_size < 1:
            raise ValueError(f"the scoring batch size must be at least 1, not {self.batch_size}")
        if self.batch_tokens is not None and self.batch_tokens < 1:
            raise ValueError(f"the scoring batch's token limit must be at least 1, not {self.batch_tokens}")

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelConfig:
        return cls(settings.sentiment_model, Path(settings.model_cache_dir), settings.score_batch_size,
                   settings.torch_threads or None, settings.sentiment_precision, settings.score_batch_tokens)

    @property
    def load_key(self) -> tuple[str, str, int | None, str]:
        """What tells two loaded models apart (the batch size does not)."""
        return self.name, str(self.cache_dir), self.threads, self.precision
