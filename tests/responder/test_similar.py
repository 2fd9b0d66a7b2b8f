"""Replies approved for similar mentions: indexed once per reply, searched by cosine similarity.

Most tests use a small bag-of-words encoder (exact and fast); one runs the offline e5 encoder for real.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

import numpy as np
import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from models import Mention, MentionEmbedding, Reply
from responder.drafting.similar import index_round, similar_replies, store_vectors, worker_encoder
from sentiment.config import ModelConfig
from settings import Settings

DIM = 256


class WordsEncoder:
    """Hashed bag of words, L2-normalised: texts sharing words are similar. Counts its calls."""

    def __init__(self, name: str = "words-v1") -> None:
        self.name = name
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.where(norms == 0, 1.0, norms), dtype=np.float32)


@pytest.fixture()
def answered(db_session: Session, make_mention: Callable[..., Mention]) -> Callable[..., Reply]:
    def factory(mention_text: str, reply_text: str, status: str = "posted") -> Reply:
        mention = make_mention(text=mention_text)
        reply = Reply(mention_id=mention.id, text=reply_text, status=status)
        db_session.add(reply)
        db_session.flush()
        return reply

    return factory


def _draft_for(db_session: Session, make_mention: Callable[..., Mention], text: str) -> Mention:
    mention = make_mention(text=text)
    db_session.add(Reply(mention_id=mention.id, text="Sorry!"))
    db_session.flush()
    return mention


def test_indexing_embeds_mentions_with_drafts_and_approved_replies_once(
        db_session: Session, session_factory: sessionmaker[Session], make_mention: Callable[..., Mention],
        answered: Callable[..., Reply]) -> None:
    posted = answered("my parcel is late", "Sorry, we'll chase it.")
    approved = answered("the lamp arrived broken", "Sorry, a new one is coming.", status="approved")
    draft = _draft_for(db_session, make_mention, "where is my order")
    answered("rude staff", "Rejected", status="rejected")
    make_mention(text="nothing to answer")
    encoder = WordsEncoder()
    assert index_round(session_factory, encoder, limit=2) == 2  # newest first, a batch at a time
    assert index_round(session_factory, encoder) == 1
    assert index_round(session_factory, encoder) == 0
    assert sorted(encoder.texts) == ["my parcel is late", "the lamp arrived broken", "where is my order"]
    rows = db_session.exec(select(MentionEmbedding)).all()
    assert {row.mention_id for row in rows} == {posted.mention_id, approved.mention_id, draft.id}
    assert all(len(row.vector) == DIM * 4 and row.model == "words-v1" for row in rows)
    assert index_round(session_factory, WordsEncoder("words-v2")) == 3  # a new encoder re-embeds


def test_the_most_similar_replies_come_first(db_session: Session, session_factory: sessionmaker[Session],
                                             make_mention: Callable[..., Mention],
                                             answered: Callable[..., Reply]) -> None:
    late = answered("my parcel is two weeks late", "Sorry, we'll chase the courier.")
    later = answered("parcel late again, two weeks", "So sorry, chasing it now.")
    answered("the lamp arrived broken", "Sorry, a replacement is on its way.")
    answered("my parcel is two weeks late!", "Sorry, we'll chase the courier.")  # same words: one suggestion
    mention = _draft_for(db_session, make_mention, "my parcel is two weeks late now")
    assert similar_replies(db_session, mention) is None  # not embedded yet
    index_round(session_factory, WordsEncoder())
    found = similar_replies(db_session, mention, min_similarity=0.5)
    assert found is not None
    assert [item.reply.text for item in found] == [late.text, later.text]
    assert found[0].similarity > found[1].similarity >= 0.5
    assert found[1].mention.id == later.mention_id


def test_its_own_replies_weak_matches_and_other_encoders_are_left_out(
        db_session: Session, session_factory: sessionmaker[Session], answered: Callable[..., Reply]) -> None:
    own = answered("parcel late", "Sorry!")
    other = answered("lamp broken", "Sorry, replacing it.")
    index_round(session_factory, WordsEncoder())
    mention = db_session.get_one(Mention, own.mention_id)
    assert similar_replies(db_session, mention, min_similarity=0.5) == []
    assert [item.reply.id for item in similar_replies(db_session, mention, min_similarity=-1.0) or []] == [other.id]
    db_session.expire_all()
    store_vectors(db_session, "words-v9", [own.mention_id], WordsEncoder().embed(["parcel late"]))
    assert similar_replies(db_session, mention, min_similarity=-1.0) == []  # other vectors are words-v1


def test_the_offline_encoder_finds_the_reply_to_the_same_problem(db_session: Session, settings: Settings,
                                                                 session_factory: sessionmaker[Session],
                                                                 make_mention: Callable[..., Mention],
                                                                 answered: Callable[..., Reply]) -> None:
    delivery = answered("My order still hasn't arrived after two weeks. Where is my package?",
                        "We're sorry your order is late. Please DM us your order number.")
    answered("The app crashes every time I open the settings page.", "Sorry! Which phone and app version?")
    answered("Love my new lamp, the light is so warm and cosy!", "Thank you so much, we're glad you love it!")
    english = _draft_for(db_session, make_mention, "Two weeks and my delivery is still not here. Very annoyed.")
    japanese = _draft_for(db_session, make_mention, "注文した商品が2週間たってもまだ届きません。")
    encoder = worker_encoder(ModelConfig.from_settings(settings))  # the scorer's model: the default one embeds
    assert worker_encoder(ModelConfig.from_settings(settings)).name == encoder.name
    assert index_round(session_factory, encoder) == 5
    for mention in (english, japanese):
        found = similar_replies(db_session, mention, min_similarity=-1.0)
        assert found is not None and found[0].reply.id == delivery.id
        assert found[0].similarity > found[1].similarity
    found = similar_replies(db_session, english)
    assert found is not None and found[0].reply.id == delivery.id  # above the default cut
