"""Agreement between sources: a short answer that other retrieved articles state too.

Open-domain readers aggregate an answer's evidence over passages: 'Narendra Modi' said by
three articles about India's prime minister is likelier right than a name one article drops
in passing. The reader's model weighs this as one feature of each candidate sentence.
"""

from __future__ import annotations

from bot.answering.lexicon import padded_words
from bot.answering.sentences import Sentence


class Support:
    """How strongly the other articles among one question's candidate sentences repeat an
    answer: over every other article with a sentence holding it as whole words (diacritics
    ignored), the best retrieval weight 1/(1 + rank) of those sentences, summed."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.texts = [padded_words(s.text) for s in sentences]
        self._articles: dict[str, dict[str, float]] = {}

    def of(self, sentence: Sentence, answer: str | None) -> float:
        """The support of ``answer`` as said by ``sentence`` (0 for no answer)."""
        key = padded_words(answer) if answer else " "
        if key == " ":
            return 0.0
        if key not in self._articles:
            self._articles[key] = self._holding(key)
        own = sentence.hit.article.doc_id
        return sum(w for doc, w in self._articles[key].items() if doc != own)

    def _holding(self, key: str) -> dict[str, float]:
        """The articles with a sentence holding ``key``, each with its best sentence's weight."""
        best: dict[str, float] = {}
        for sentence, text in zip(self.sentences, self.texts, strict=True):
            if key in text:
                doc = sentence.hit.article.doc_id
                best[doc] = max(best.get(doc, 0.0), 1.0 / (1 + sentence.rank))
        return best
