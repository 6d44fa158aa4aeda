"""Showing text from any node safely: Markdown rendered, then sanitised with an allowlist."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align", "scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"
# A body's headings sit below the page's h1 and its section's h2: its top level becomes h3.
TOP_HEADING = 3


class _PageFit(Treeprocessor):
    """Fit a body into a page: headings below the page's own, images as links (no remote assets)."""

    def run(self, root: etree.Element) -> None:
        headings = [element for element in root.iter() if _heading_level(element)]
        offset = TOP_HEADING - min((_heading_level(element) for element in headings), default=TOP_HEADING)
        for element in headings:
            element.tag = f"h{min(_heading_level(element) + offset, 6)}"
        for element in [element for element in root.iter() if element.tag == "img"]:
            _image_as_link(element)


def _heading_level(element: etree.Element) -> int:
    tag = element.tag if isinstance(element.tag, str) else ""
    return int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else 0


def _image_as_link(element: etree.Element) -> None:
    source, text = element.get("src", ""), element.get("alt", "") or element.get("src", "")
    element.attrib.clear()
    element.tag = "a"
    element.set("href", source)
    element.text = text


class _PageFitExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_PageFit(md), "stadtlabor_page_fit", 0)


def markdown_html(text: str) -> SafeString:
    """Markdown as sanitised HTML: allowlisted tags, http(s) and mailto links marked nofollow."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=["sane_lists", "tables", _PageFitExtension()], output_format="html")
    return mark_safe(sanitised(html))


def sanitised(html: str) -> str:
    """HTML reduced to the allowlist."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
    )


def safe_url(url: str) -> str:
    """The URL if it is http(s) or mailto, else an empty string (never a javascript: link)."""
    scheme = urlsplit(url or "").scheme.lower()
    return url if scheme in URL_SCHEMES else ""


def plain_text_html(text: str) -> SafeString:
    """Plain text as escaped paragraphs, keeping its line breaks."""
    paragraphs = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()]
    return mark_safe("".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs))
