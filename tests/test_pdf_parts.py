"""A long handbook is printed part by part (memory bounded, issue 29): the joined PDF must be the one
printed in one piece — the same pages with the same text and page numbers, contents, links and outline."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from officebook.build import pdfparts
from officebook.pipeline import run_check
from officebook.render.print import handbook_html


@pytest.fixture(scope="module")
def manual():
    # the second-edition case: every kind, procedures in several chapters, links between parts; the
    # default manual would print four whole handbooks here for the same proof
    return run_check(ROOT / "tests" / "cases" / "valid" / "second-edition" / "content", use_cache=False).manual


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parts_hold_every_piece_of_the_handbook_once(manual, lang):
    html = handbook_html(manual, lang)
    assert pdfparts.split_handbook(html) is None, "the default manual prints in one piece"
    handbook = pdfparts.split_handbook(html, part_characters=len(html) // 6)
    assert handbook is not None and len(handbook.parts) >= 4
    bodies = [pdfparts._part_body(part) for part in handbook.parts]
    ids = re.findall(r'\bid="([^"]+)"', handbook.front + "".join(bodies))
    assert sorted(ids) == sorted(re.findall(r'\bid="([^"]+)"', html))
    for body in bodies:  # every part is well-formed: its sections open and close
        assert body.count("<section") == body.count("</section>")
    assert any(part.continues_chapter for part in handbook.parts), "the procedures chapter is cut"
    for body, following in zip(bodies[:-1], handbook.parts[1:], strict=True):  # a cut chapter's last procedure here is not
        if following.continues_chapter:  # its last child (`.chapter > .item:last-child` as in one piece)
            assert re.search(r'</section>\s*<div class="officebook-part-continues"[^>]*></div></section>\s*$', body)


def _pdf_facts(path: Path) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(path)
    destinations = reader.named_destinations
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                name = str(annotation["/Dest"])
                links.append((number, name, reader.get_destination_page_number(destinations[name])))

    def outline(items, level=0):
        for item in items:
            if isinstance(item, list):
                yield from outline(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item)

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")
    return {"pages": len(reader.pages), "text": text, "links": links, "outline": list(outline(reader.outline)),
            "title": reader.metadata.title}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"], ids=["official", "modern"])
def test_printed_in_parts_is_printed_in_one_piece(manual, second_edition_handbooks, tmp_path: Path, monkeypatch,
                                                  lang):
    """`official` numbers pages alone, `modern` says "page N of M": both survive the cut. The one piece
    is the case manual's handbook as `officebook pdf` printed it for the run (conftest; its HTML is the
    one `write_handbooks` prints here), so it is printed once for this module and test_print_pages."""
    from officebook.build import pdf
    from officebook.build.pdf import write_handbooks

    whole = second_edition_handbooks / f"handbook-{lang}.pdf"
    html = handbook_html(manual, lang)
    assert pdf.split_handbook(html) is None, "the one piece was printed in one piece"
    size = len(html)
    monkeypatch.setattr(pdf, "split_handbook",
                        lambda html, part_characters=size // 5, split=pdfparts.split_handbook: split(html, part_characters))
    parts = write_handbooks(manual, tmp_path / "parts", languages=[lang]).files[0].path
    expected, printed = _pdf_facts(whole), _pdf_facts(parts)
    assert printed["pages"] == expected["pages"]
    for number, (want, got) in enumerate(zip(expected["text"], printed["text"], strict=True), start=1):
        assert got == want, f"page {number}"
    assert printed["links"] == expected["links"] and expected["links"]
    # The same entries to the same places; where the one-piece outline puts a chapter under the one
    # before (WeasyPrint does so for the English handbook), every chapter stays at the top in parts.
    assert [entry[1:] for entry in printed["outline"]] == [entry[1:] for entry in expected["outline"]]
    assert max(level for level, _title, _page in printed["outline"]) <= 1
    if lang == "zh":
        assert printed["outline"] == expected["outline"]
    assert printed["title"] == expected["title"]
