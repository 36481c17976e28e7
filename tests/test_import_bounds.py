"""officebook import on hostile workbooks: bounded before it reads, one line, nothing written, in time.

Each workbook is the real export of the second-edition manual with one part replaced: a RACI sheet with
a far-away cell, a million rows (with and without a dimension saying so), broken XML; and a zip bomb.
"""

import hashlib
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import CASES
from officebook.pipeline import run_check
from officebook.xlsx import workbook_bytes
from officebook.xlsx_read import MAX_DUTY_ROWS

SECOND = CASES / "valid" / "second-edition" / "content"
pytestmark = pytest.mark.slow  # a subprocess per case


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bounds")
    content = folder / "content"
    shutil.copytree(SECOND, content)
    book = folder / "raci.xlsx"
    book.write_bytes(workbook_bytes(run_check(content, use_cache=False).manual, "zh"))
    return content, book


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _raci_part(book: Path) -> str:
    with zipfile.ZipFile(book) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith("sheet1.xml"))


def _replaced(book: Path, out: Path, part: str, writer) -> Path:
    """`book` with `part` written by `writer(stream)`, every other part as it was."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == part:
                with target.open(part, "w", force_zip64=True) as stream:
                    writer(stream)
            else:
                target.writestr(info, source.read(info.filename))
    return out


def _sheet(rows, dimension: str | None) -> callable:
    def write(stream) -> None:
        stream.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        if dimension:
            stream.write(f'<dimension ref="{dimension}"/>'.encode())
        stream.write(b"<sheetData>")
        for chunk in rows():
            stream.write(chunk)
        stream.write(b"</sheetData></worksheet>")
    return write


def _header() -> bytes:
    return (b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
            b'<row r="2"><c r="C2" t="inlineStr"><is><t>director</t></is></c></row>')


def _import(content: Path, book: Path) -> tuple[subprocess.CompletedProcess, float]:
    """The command's run and the CPU seconds it took (its own and its children's: on a machine shared
    with other work the wall clock says more about the neighbours than about the import)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([sys.executable, "-m", "officebook", "import", str(book), str(content)],
                         capture_output=True, text=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return run, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _assert_refused(content: Path, book: Path, pattern: str) -> None:
    before = _snapshot(content)
    run, seconds = _import(content, book)
    assert seconds < 10, seconds
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert run.stdout == "" and _snapshot(content) == before


def test_a_far_away_cell_is_refused_by_the_declared_dimension(exported, tmp_path):
    content, book = exported
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>R</t></is></c></row>'
    hostile = _replaced(book, tmp_path / "far.xlsx", _raci_part(book),
                        _sheet(lambda: [_header(), far], "A1:XFD1048576"))
    assert hostile.stat().st_size < 20_000
    _assert_refused(content, hostile, r"reaches past row 50,002 or column 1,003")


def test_a_far_away_cell_behind_a_lying_dimension_is_refused_while_reading(exported, tmp_path):
    content, book = exported
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>R</t></is></c></row>'
    hostile = _replaced(book, tmp_path / "far.xlsx", _raci_part(book), _sheet(lambda: [_header(), far], "A1:C3"))
    _assert_refused(content, hostile, r"reaches past row")
    wide = b'<row r="3"><c r="A3" t="inlineStr"><is><t>emergency</t></is></c><c r="XFD3" t="inlineStr"><is><t>R</t></is></c></row>'
    hostile = _replaced(book, tmp_path / "wide.xlsx", _raci_part(book), _sheet(lambda: [_header(), wide], None))
    _assert_refused(content, hostile, r"reaches past row .* or column")


def _rows(count: int):
    def rows():
        yield _header()
        for start in range(3, count + 3, 10_000):
            yield b"".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>d{r}</t></is></c></row>'.encode()
                           for r in range(start, min(start + 10_000, count + 3)))
    return rows


@pytest.mark.parametrize(("count", "dimension", "message"), [
    (1_000_000, "A1:C1000002", r"reaches past row 50,002"),  # refused by what the sheet declares
    (1_000_000, "A1:C3", r"unpacks to 74 MiB, more than 64 MiB"),  # a lie, but the part is too large to read
    (60_000, "A1:C3", r"reaches past row 50,002"),  # a lie: refused at the first row past the limit
    (1_000_000, None, r"does not say how many rows it has"),  # openpyxl would read it whole to size it
])
def test_a_million_rows_are_refused(exported, tmp_path, count, dimension, message):
    content, book = exported
    hostile = _replaced(book, tmp_path / "rows.xlsx", _raci_part(book), _sheet(_rows(count), dimension))
    assert MAX_DUTY_ROWS < 1_000_000
    _assert_refused(content, hostile, message)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(exported, tmp_path):
    content, book = exported

    def bomb(stream) -> None:
        zeros = b"\0" * 2**20
        for _ in range(256):  # 256 MiB of nothing in 250 KB; a 1.5 GiB bomb is refused the same way
            stream.write(zeros)

    with zipfile.ZipFile(book) as source, zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED,
                                                           compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as stream:
            bomb(stream)
    hostile = tmp_path / "bomb.xlsx"
    assert hostile.stat().st_size < 2**20
    _assert_refused(content, hostile, r"zip bomb")


def test_broken_sheet_xml_is_one_line(exported, tmp_path):
    content, book = exported
    hostile = _replaced(book, tmp_path / "broken.xlsx", _raci_part(book),
                        lambda stream: stream.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                                                    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                                                    b'<c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"'))
    _assert_refused(content, hostile, r"not an Excel workbook \(\.xlsx\) that can be read")


def test_a_truncated_file_is_one_line(exported, tmp_path):
    content, book = exported
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    _assert_refused(content, truncated, r"not an Excel workbook")
