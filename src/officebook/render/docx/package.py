"""A Word document's zip, written with its pictures stored as they are.

python-docx deflates every part of the zip, pictures included. A PNG or JPEG is deflated already, so
that is time spent for nothing: 1.3 of 15 s for the handbook of a 1,000-item manual, and more than
the items grow (the flowcharts' pixels do). This writes the same parts in the same order through
python-docx's own package writer (`OpcPackage.save`, step for step), into a zip whose pictures are
stored. The writer's steps are not public API: the suite reads every Word file back and LibreOffice
opens them, also with the lowest python-docx pyproject.toml allows (scripts/lowest_deps.py).
"""

from __future__ import annotations

import io
import zipfile

COMPRESSED_FORMATS = frozenset({"png", "jpg", "jpeg", "gif"})


class _PicturesStoredZip:
    """python-docx's physical package writer, `write(pack_uri, blob)` and `close()`."""

    def __init__(self, stream: io.BytesIO) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        stored = pack_uri.ext.lower() in COMPRESSED_FORMATS
        self.zip.writestr(pack_uri.membername, blob, compress_type=zipfile.ZIP_STORED if stored else None)

    def close(self) -> None:
        self.zip.close()


def docx_bytes(document) -> bytes:
    """The .docx file of a python-docx `Document`, as `Document.save` writes it but for the pictures."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    archive = _PicturesStoredZip(buffer)
    PackageWriter._write_content_types_stream(archive, parts)
    PackageWriter._write_pkg_rels(archive, package.rels)
    PackageWriter._write_parts(archive, parts)
    archive.close()
    return buffer.getvalue()
