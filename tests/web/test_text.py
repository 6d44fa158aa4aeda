"""Text from any node is shown safely: Markdown rendered then sanitised, plain text escaped, links checked."""

from web.text import markdown_html, plain_text_html, safe_url


def test_markdown_keeps_structure_and_drops_scripts_and_handlers():
    html = markdown_html("**fett**\n\n<script>x()</script><p onclick='x()'>Absatz</p>\n\n- eins\n- zwei")
    assert "<strong>fett</strong>" in html and "<li>eins</li>" in html and "<p>Absatz</p>" in html
    assert "script" not in html and "onclick" not in html


def test_markdown_links_are_http_only_and_marked_nofollow():
    html = markdown_html("[a](javascript:alert(1)) [b](https://example.org)")
    assert "javascript" not in html
    assert '<a href="https://example.org" rel="nofollow noopener">b</a>' in html


def test_markdown_images_become_links_so_no_remote_asset_is_loaded():
    assert markdown_html("![Plakat](https://example.org/p.png)") == (
        '<p><a href="https://example.org/p.png" rel="nofollow noopener">Plakat</a></p>'
    )


def test_markdown_headings_start_below_the_page_headings():
    assert markdown_html("## Ablauf\n\n### Vorher") == "<h3>Ablauf</h3>\n<h4>Vorher</h4>"


def test_plain_text_is_escaped_and_keeps_paragraphs():
    assert plain_text_html("<b>a</b>\nb\n\nc") == "<p>&lt;b&gt;a&lt;/b&gt;<br>b</p><p>c</p>"


def test_only_web_and_mail_links_are_safe():
    assert safe_url("https://example.org") == "https://example.org"
    assert safe_url("mailto:a@example.org") == "mailto:a@example.org"
    assert safe_url("javascript:alert(1)") == "" and safe_url("data:text/html,x") == ""
