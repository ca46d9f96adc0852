"""Question-answering data for the reader: SQuAD 2.0 files, a split held out by article, and
unanswerable questions made by pairing a question with a passage that lacks its answer, or with
its own passage less the sentences that hold the answer."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.errors import InputError
from ingest.text.sentences import split_sentences
from ingest.text.textnorm import strip_diacritics


@dataclass(frozen=True)
class QAExample:
    """One question over one passage; ``answers`` is empty when the passage lacks the answer."""

    id: str
    question: str
    context: str
    answers: tuple[tuple[str, int], ...]  # (text, character offset in context)
    article: str  # the split is made by article
    source: str = ""

    @property
    def answerable(self) -> bool:
        """Whether the passage holds an answer."""
        return bool(self.answers)


def _answers(qa: dict, context: str, where: str) -> tuple[tuple[str, int], ...]:
    out = []
    for answer in qa.get("answers") or []:
        text, start = answer.get("text"), answer.get("answer_start")
        if not isinstance(text, str) or not isinstance(start, int) or not text.strip():
            raise InputError(f"{where}: each answer needs a 'text' and an 'answer_start'")
        if context[start : start + len(text)] != text:
            near = context.find(text, max(0, start - 20))
            if near < 0:
                near = context.find(text)
            if near < 0:
                raise InputError(f"{where}: answer {text!r} is not in its context")
            start = near
        if (text, start) not in out:
            out.append((text, start))
    return tuple(out)


def load_squad(path: Path) -> list[QAExample]:
    """The questions of a SQuAD 2.0 file (``data[].paragraphs[].qas[]``), validated."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(
            f"{path} is not a SQuAD 2.0 file ({exc}); expected {{'data': [...]}}"
        ) from None
    examples: list[QAExample] = []
    for a, article in enumerate(data):
        name = f"{article.get('source', '')}/{article.get('title', a)}#{a}"
        for p, para in enumerate(article.get("paragraphs") or []):
            context = para.get("context")
            if not isinstance(context, str) or not context.strip():
                raise InputError(f"{path}: data[{a}].paragraphs[{p}] has no 'context'")
            for q, qa in enumerate(para.get("qas") or []):
                where = f"{path}: data[{a}].paragraphs[{p}].qas[{q}]"
                question = qa.get("question")
                if not isinstance(question, str) or not question.strip():
                    raise InputError(f"{where} has no 'question'")
                answers = () if qa.get("is_impossible") else _answers(qa, context, where)
                qid = str(qa.get("id") or f"{a}-{p}-{q}")
                examples.append(
                    QAExample(
                        qid, question.strip(), context, answers, name, article.get("source", "")
                    )
                )
    if not examples:
        raise InputError(f"{path} holds no questions")
    return examples


def split_by_article(
    examples: list[QAExample], share: float, seed: int
) -> tuple[list[QAExample], list[QAExample]]:
    """(train, validation): ``share`` of each source's articles, chosen with ``seed``, held out."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for ex in examples:
        if ex.article not in by_source[ex.source]:
            by_source[ex.source].append(ex.article)
    rng = random.Random(seed)
    held: set[str] = set()
    for source in sorted(by_source):
        articles = sorted(by_source[source])
        rng.shuffle(articles)
        held.update(articles[: round(len(articles) * share)])
    train = [ex for ex in examples if ex.article not in held]
    return train, [ex for ex in examples if ex.article in held]


def _similar_passages(contexts: list[str], top: int) -> list[list[int]]:
    """For each passage, the ``top`` most similar others by TF-IDF over words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(
        [c.lower() for c in contexts]
    )
    sims = (matrix @ matrix.T).toarray()
    sims[range(len(contexts)), range(len(contexts))] = -1.0
    return [list(row.argsort()[::-1][:top]) for row in sims]


def make_unanswerable(examples: list[QAExample], rate: float, seed: int) -> list[QAExample]:
    """Hard unanswerable questions: ``rate`` of the questions, each paired with the passage most
    like its own (another paragraph of its article first) that holds none of its answers."""
    rng = random.Random(seed)
    contexts = sorted({ex.context for ex in examples})
    index = {c: i for i, c in enumerate(contexts)}
    article_of = {ex.context: ex.article for ex in examples}
    similar = _similar_passages(contexts, top=10)
    out = []
    for ex in examples:
        if not ex.answerable or rng.random() >= rate:
            continue
        near = [contexts[j] for j in similar[index[ex.context]]]
        near.sort(key=lambda c: article_of[c] != ex.article)  # stable: same article first
        lacking = [c for c in near if not any(t.lower() in c.lower() for t, _ in ex.answers)]
        if lacking:
            context = lacking[0] if rng.random() < 0.7 else rng.choice(lacking[:5])
            out.append(replace(ex, id=ex.id + "-neg", context=context, answers=()))
    return out


def without_answer(ex: QAExample) -> QAExample | None:
    """``ex`` over its own passage less every sentence that holds an answer: the question's
    names and context stay, its answer goes. None when too little is left, or when the answer's
    words still stand in what is left."""
    cut = split_sentences(ex.context)
    held = [
        (a, b) for a, b in cut if any(a < start + len(t) and start < b for t, start in ex.answers)
    ]
    kept = [ex.context[a:b] for a, b in cut if (a, b) not in held]
    context = " ".join(kept)
    if not held or len(kept) < 2 or len(context) < 200:
        return None
    if any(t.lower() in context.lower() for t, _ in ex.answers):
        return None
    return replace(ex, id=ex.id + "-cut", context=context, answers=())


def answer_removed(examples: list[QAExample], rate: float, seed: int) -> list[QAExample]:
    """The hardest unanswerable questions: ``rate`` of the answerable ones, each over its own
    passage with the answer's sentences taken out (see ``without_answer``)."""
    rng = random.Random(seed * 7 + 1)
    chosen = [ex for ex in examples if ex.answerable and rng.random() < rate]
    return [cut for cut in map(without_answer, chosen) if cut is not None]


def typed_variant(ex: QAExample, rng: random.Random, unaccented: float, lower: float) -> QAExample:
    """The question as typed on a phone: sometimes without accents, sometimes in lower case."""
    roll = rng.random()
    if roll < unaccented:
        return replace(ex, question=strip_diacritics(ex.question))
    if roll < unaccented + lower:
        return replace(ex, question=ex.question.lower())
    return ex
