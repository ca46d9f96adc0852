"""An HTML page as an article: its main text and metadata, extracted by trafilatura."""

from __future__ import annotations

from typing import Any

from ingest.models import Article
from ingest.sources.dates import parse_date
from ingest.text.textnorm import normalize_text


def _without_noscript(html: str) -> Any:
    """The page as a tree without its <noscript> parts, which trafilatura keeps as text
    ('Vui lòng bật JavaScript…'); the text itself when it does not parse as HTML."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    for element in list(tree.iter("noscript")):
        element.drop_tree()
    return tree


def article_from_html(html: str, *, doc_id: str, origin: str, url: str | None = None) -> Article:
    """The article in a page (``ValueError`` when it holds none). Its source is the page's
    own canonical URL (rel=canonical, og:url) when it gives one, else ``url``, else
    ``origin``."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        _without_noscript(html),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S", "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise ValueError("no article text found in the HTML")
    title = normalize_text(doc.title or "")
    lines = normalize_text(doc.text).split("\n")
    if lines and lines[0].strip() == title:
        lines = lines[1:]
    return Article(
        doc_id=doc_id,
        title=title,
        text="\n".join(lines).strip(),
        source=doc.url or url or origin,
        published=parse_date(doc.date),
        author=doc.author,
        site=doc.sitename or doc.hostname,
        origin=origin,
    )
