"""Sentiment, complaint, topic and language scoring for mentions.

Importing this package does not import torch or transformers; the model loads on first use.
"""

from sentiment.api import score_texts
from sentiment.scoring import Score

__all__ = ["Score", "score_texts"]
