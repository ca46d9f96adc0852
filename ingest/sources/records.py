"""One JSON article record (a .jsonl line or an item of a .json list), validated field by field.

Numbers are taken as text where that is what they clearly mean (an author or title of
``2024``, an id of ``17``); lists, objects, booleans and numbers where a date or a URL is
expected are rejected with the field named, so one bad record never stops the others.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ingest.sources.dates import parse_date


def _names(value: Any) -> Any:
    """A list of names (several authors) is one comma-separated string."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip())
    return value


Text = Annotated[str | None, Field(default=None)]
StrictText = Annotated[str | None, Field(default=None, strict=True)]


class ArticleRecord(BaseModel):
    """The fields vnqa reads from a JSON article; others are ignored."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)

    id: Annotated[str | None, Field(default=None, strict=False)]
    title: Text
    content: StrictText
    text: StrictText
    body: StrictText
    url: StrictText
    published: StrictText
    date: StrictText
    author: Annotated[str | None, BeforeValidator(_names), Field(default=None)]
    site: Text

    @property
    def article_text(self) -> str | None:
        """The first non-empty of ``content``, ``text`` and ``body``."""
        return next((v for v in (self.content, self.text, self.body) if v and v.strip()), None)

    def published_at(self) -> datetime | None:
        """The date, or a ValueError naming the field when it is not one."""
        raw = self.published or self.date
        if not raw or not raw.strip():
            return None
        parsed = parse_date(raw)
        if parsed is None:
            field = "published" if self.published else "date"
            raise ValueError(
                f"field '{field}' is not a date ({raw[:40]!r}); use 2024-01-10 or 10/01/2024"
            )
        return parsed


def parse_record(record: Any) -> ArticleRecord:
    """The validated record, or a ValueError that names the offending field."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with 'title' and 'content'")
    if isinstance(record.get("id"), bool):
        raise ValueError("field 'id' must be a string or a whole number, not true/false")
    try:
        parsed = ArticleRecord.model_validate(record)
    except ValidationError as exc:
        raise ValueError(_message(exc, record)) from None
    if parsed.article_text is None:
        raise ValueError("no 'content', 'text' or 'body' string")
    return parsed


def _message(exc: ValidationError, record: dict[str, Any]) -> str:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    value = record.get(field)
    kind = {list: "a list", dict: "an object", bool: "true/false"}.get(type(value))
    kind = kind or ("a number" if isinstance(value, int | float) else type(value).__name__)
    expected = "a date string" if field in ("published", "date") else "text"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"field '{field}' must be {expected}, not {kind}{more}; fix or remove the record"
