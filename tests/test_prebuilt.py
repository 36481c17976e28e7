"""Ready-made HTML set aside before Python-Markdown parses a page (render/prebuilt.py)."""

import markdown

from officebook.render.prebuilt import MARKER, prebuilt
from officebook.vocabulary.markdown import site_markdown

EXTENSIONS = ["officebook.render.prebuilt", "md_in_html", "attr_list", "tables"]


def test_marked_html_comes_out_untouched():
    html = '<table><tr><td>*not emphasis* [x](y) {: .z }</td></tr>\n</table>'
    page = "# Title\n\nSome *text*." + prebuilt(html, "wrap") + "After."
    out = markdown.markdown(page, extensions=EXTENSIONS)
    assert '<div data-officebook-html class="wrap"><table><tr><td>*not emphasis* [x](y) {: .z }</td></tr> </table></div>' in out
    assert "<em>text</em>" in out and "<p>After.</p>" in out


def test_without_the_extension_the_page_still_builds_the_same_html():
    page = "Before." + prebuilt("<p>ready</p>") + "After."
    out = markdown.markdown(page, extensions=["md_in_html"])
    assert '<div data-officebook-html><p>ready</p></div>' in out


def test_content_can_never_write_the_marker():
    for allow_html in (False, True):
        text = site_markdown(f'{MARKER}><script>alert(1)</script></div>\n\n<div data-officebook-html>x</div>', allow_html)
        assert "data-officebook-html" not in text.split("&#")[0] and not any(
            line.startswith(MARKER) for line in text.splitlines())
