"""The page numbers of a Word document's contents, filled in where LibreOffice is installed.

A .docx keeps the result of every field as it was last computed; Word recomputes the contents on
opening (it asks first), LibreOffice and WPS print the stored result. So the stored result must hold
the page numbers: LibreOffice (headless, with a profile of its own) lays the document out as a PDF,
poppler's `pdftotext` reads which page each heading is on — its number as the page's footer prints
it — and every PAGEREF field of the contents gets that number as its result. Without LibreOffice the
document is left as it is, and Word fills the numbers when it opens the file.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
_PAGEREF = re.compile(r"PAGEREF\s+(\S+)")
_SPACE = re.compile(r"\s+")
TIMEOUT_SECONDS = 600  # a thousand-page handbook takes LibreOffice a few minutes on a slow machine


def find_soffice() -> str | None:
    """LibreOffice's command, if installed (`$OFFICEBOOK_SOFFICE` names another)."""
    configured = os.environ.get("OFFICEBOOK_SOFFICE")
    if configured:
        return configured if shutil.which(configured) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def can_paginate() -> bool:
    return find_soffice() is not None and shutil.which("pdftotext") is not None


@dataclass(frozen=True)
class ContentsEntry:
    bookmark: str
    text: str  # the heading as the contents shows it


def contents_entries(docx: bytes) -> list[ContentsEntry]:
    """The contents' lines of a document officebook wrote: each PAGEREF's bookmark and its line's text."""
    body = _document_xml(docx)
    entries = []
    for paragraph in body.iter(f"{{{W}}}p"):
        instructions = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}instrText"))
        match = _PAGEREF.search(instructions)
        if match:
            link = paragraph.find("w:hyperlink", _NS)
            text = "".join(t.text or "" for t in (link if link is not None else paragraph).iter(f"{{{W}}}t"))
            entries.append(ContentsEntry(match.group(1), text))
    return entries


def _document_xml(docx: bytes):
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF, as pdftotext lays it out."""
    run = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         timeout=TIMEOUT_SECONDS, check=True)
    return run.stdout.decode("utf-8", "replace").split("\f")


def printed_number(page: str, page_number_text: str) -> int | None:
    """The page number a page's footer prints (`— 3 —`, `Page 3 of 40`), None on an unnumbered page."""
    pattern = r"\s*".join(
        r"(\d+)" if piece == "{page}" else r"\d+" if piece == "{pages}" else re.escape(piece.strip())
        for piece in re.split(r"(\{page\}|\{pages\})", page_number_text) if piece.strip())
    for line in reversed([line for line in page.splitlines() if line.strip()][-3:]):
        match = re.search(pattern, line)
        if match:
            return int(match.group(1))
    return None


def heading_pages(pages: list[str], entries: list[ContentsEntry], page_number_text: str) -> dict[str, int]:
    """Each entry's printed page number: the first page after the contents where a line (or two or
    three lines run together, for a heading that wraps) is the heading and nothing else. Headings are
    looked for in document order, each from the page of the one before."""
    squeezed = [[_SPACE.sub("", line) for line in page.splitlines()] for page in pages]
    wanted = [_SPACE.sub("", entry.text) for entry in entries]
    start = _after_contents(squeezed, wanted)
    found: dict[str, int] = {}
    for entry, text in zip(entries, wanted, strict=True):
        for index in range(start, len(pages)):
            lines = squeezed[index]
            if any(text in ("".join(lines[i:i + n]),) for n in (1, 2, 3) for i in range(len(lines))):
                number = printed_number(pages[index], page_number_text)
                if number is not None:
                    found[entry.bookmark] = number
                start = index
                break
    return found


def _after_contents(pages: list[list[str]], wanted: list[str]) -> int:
    """The page after the contents: the contents lists the headings in order, each line ending in the
    page number (or nothing yet), so the last page with the last entry's line before any heading is found."""
    if not wanted:
        return 0
    position = 0
    for index, lines in enumerate(pages):
        for line in lines:
            if position < len(wanted) and line.startswith(wanted[position]) and line[len(wanted[position]):].strip(
                    ".·…0123456789") == "":
                position += 1
        if position == len(wanted):
            return index + 1
    return 0


def fill_page_numbers(docx: bytes, numbers: dict[str, int]) -> bytes:
    """The document with each PAGEREF result of the contents set to its page, and Word no longer asked
    to update the fields on opening (their results are right)."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        infos = source.infolist()
        for info in infos:
            parts[info.filename] = source.read(info)
    document = etree.fromstring(parts["word/document.xml"])
    for paragraph in document.iter(f"{{{W}}}p"):
        _fill_paragraph(paragraph, numbers)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    if numbers and "word/settings.xml" in parts:
        settings = etree.fromstring(parts["word/settings.xml"])
        for update in settings.findall("w:updateFields", _NS):
            settings.remove(update)
        parts["word/settings.xml"] = etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, parts[info.filename])
    return out.getvalue()


def _fill_paragraph(paragraph, numbers: dict[str, int]) -> None:
    """Runs of a field go begin, instruction, separate, result, end: the result run after a PAGEREF's
    separate gets the number."""
    bookmark, in_result = None, False
    for run in paragraph.iter(f"{{{W}}}r"):
        char = run.find("w:fldChar", _NS)
        kind = char.get(f"{{{W}}}fldCharType") if char is not None else None
        instruction = run.find("w:instrText", _NS)
        if kind == "begin":
            bookmark, in_result = None, False
        elif instruction is not None and instruction.text:
            match = _PAGEREF.search(instruction.text)
            bookmark = match.group(1) if match else bookmark
        elif kind == "separate":
            in_result = bookmark is not None
        elif kind == "end":
            bookmark, in_result = None, False
        elif in_result and bookmark in numbers:
            for text in run.findall("w:t", _NS):
                run.remove(text)
            text = etree.SubElement(run, f"{{{W}}}t")
            text.text = str(numbers[bookmark])
            in_result = False


def paginate(docx: bytes, page_number_text: str) -> bytes:
    """`docx` with its contents' page numbers filled in by LibreOffice's layout; unchanged where
    LibreOffice or pdftotext is missing or fails (Word still fills them on opening)."""
    soffice = find_soffice()
    entries = contents_entries(docx)
    if soffice is None or shutil.which("pdftotext") is None or not entries:
        return docx
    with tempfile.TemporaryDirectory(prefix="officebook-pages-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                            "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                           capture_output=True, timeout=TIMEOUT_SECONDS, check=True, cwd=work)
            pages = pdf_pages(work / "document.pdf")
        except (OSError, subprocess.SubprocessError):
            return docx
    numbers = heading_pages(pages, entries, page_number_text)
    return fill_page_numbers(docx, numbers) if numbers else docx
