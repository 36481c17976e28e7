"""Ready-made HTML set aside before Python-Markdown parses a page (render/prebuilt.py)."""

import markdown
import pytest

from officebook.build.files import remove_unused_blocks, write_page
from officebook.render.prebuilt import MARKER, STORE_FOLDER, PrebuiltHtmlExtension, PrebuiltMissing, prebuilt, set_aside
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


def test_a_block_set_aside_into_the_store_comes_back_the_same(tmp_path):
    page = "# Title\n\nSome *text*." + prebuilt('<svg><a href="x">*a*</a></svg>', "flow") + "After."
    lean, blocks = set_aside(page)
    assert list(blocks) and "<svg" not in lean and set_aside(lean) == (lean, {})
    for name, block in blocks.items():
        (tmp_path / f"{name}.html").write_text(block, encoding="utf-8")
    stored = markdown.markdown(lean, extensions=EXTENSIONS[1:] + [PrebuiltHtmlExtension(store=str(tmp_path))])
    assert stored == markdown.markdown(page, extensions=EXTENSIONS)


def test_a_block_missing_from_the_store_stops_the_build_and_says_where(tmp_path):
    lean, _blocks = set_aside(prebuilt("<p>ready</p>"))
    with pytest.raises(PrebuiltMissing, match=str(tmp_path)):
        markdown.markdown(lean, extensions=[PrebuiltHtmlExtension(store=str(tmp_path))])


def test_only_a_block_name_is_read_from_the_store(tmp_path):
    (tmp_path / "secret.html").write_text("<p>secret</p>", encoding="utf-8")
    page = '\n\n<div data-officebook-html="../secret"></div>\n\n<div data-officebook-html="secret"></div>\n\n'
    out = markdown.markdown(page, extensions=[PrebuiltHtmlExtension(store=str(tmp_path / "store"))])
    assert "secret</p>" not in out


def test_the_work_folder_keeps_the_blocks_its_pages_use_and_no_others(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / STORE_FOLDER).mkdir()
    (tmp_path / STORE_FOLDER / ("0" * 32 + ".html")).write_text("old", encoding="utf-8")
    changed, used = write_page(docs, "a.md", "# A" + prebuilt("<p>one</p>") + prebuilt("<p>two</p>"))
    assert changed and len(used) == 2
    assert write_page(docs, "a.md", "# A" + prebuilt("<p>one</p>") + prebuilt("<p>two</p>")) == (False, used)
    remove_unused_blocks(docs, used)
    assert sorted(p.stem for p in (tmp_path / STORE_FOLDER).iterdir()) == sorted(used)
    assert "<p>" not in (docs / "a.md").read_text(encoding="utf-8")
