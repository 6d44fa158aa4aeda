"""HTML for fediverse readers: Markdown rendered, then cut down to what Mastodon keeps, plus plain summaries."""

from __future__ import annotations

import markdown
import nh3
from django.utils.html import escape, format_html

# Mastodon keeps about these of a remote post's HTML; anything else it would strip anyway.
TAGS = {"p", "br", "a", "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "blockquote", "del"}
ATTRIBUTES = {"a": {"href"}}
SCHEMES = {"http", "https", "mailto"}


def html_of_markdown(text: str) -> str:
    """A Markdown text as sanitised HTML (images and headings become plain text and links)."""
    if not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return sanitised(html)


def sanitised(html: str) -> str:
    """HTML reduced to the tags and link schemes above; links open without referrer or rank."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="nofollow noopener noreferrer",
                     clean_content_tags={"script", "style"})


def link_paragraph(text: str, url: str) -> str:
    """One paragraph holding a link."""
    return str(format_html('<p><a href="{}">{}</a></p>', url, text))


def text_paragraph(text: str) -> str:
    """Plain text as one escaped paragraph."""
    return f"<p>{escape(text)}</p>" if text else ""
