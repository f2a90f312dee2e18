"""HTML in imported text turned into the plain text the store keeps.

Google Calendar writes an event's description as HTML (``<br>``, ``<p>``, ``<a href>``, ``<b>``,
lists) straight into ``DESCRIPTION``, which RFC 5545 §3.8.1.5 defines as plain text. The store's
content model is plain text, so such a description is rendered to text by inscriptis, an HTML
renderer that keeps the layout: paragraphs, line breaks and list items become lines, and a
link keeps its address as ``[text](address)`` — the address alone when it is its own text, and
the real address where Google wrapped it in its redirector (``https://www.google.com/url?q=...``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from inscriptis import get_text
from inscriptis.model.config import ParserConfig

__all__ = ["html_to_text"]

_CONFIG = ParserConfig(display_links=True)
#: A link as inscriptis writes it: "[text](address)".
_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
_REDIRECTORS = {"www.google.com", "google.com"}


def _link(match: re.Match[str]) -> str:
    text, target = match["text"], match["target"]
    parts = urlsplit(target)
    if parts.netloc in _REDIRECTORS and parts.path == "/url":
        target = (parse_qs(parts.query).get("q") or [target])[0]
    if text.strip() in {target, target.removeprefix("mailto:")} or not text.strip():
        return target.removeprefix("mailto:") if text.strip() else target
    return f"[{text}]({target})"


def html_to_text(html: str) -> str:
    """Return the text of an HTML fragment, lines kept, blank lines at most one in a row."""
    text = get_text(html, _CONFIG)
    text = _LINK.sub(_link, text)
    lines = [line.rstrip() for line in text.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()
