#!/usr/bin/env python
"""The interface's message catalogues, with Babel: extract, update the translations, compile.

    python scripts/i18n.py            # extract the template, merge it into every .po, compile the .mo
    python scripts/i18n.py --check    # exit 1 when the template, a translation or a .mo is out of date

Messages come from babel.cfg (officebook's `_()` calls, the command-line help, the schemas' titles
and descriptions). Translators edit src/officebook/locale/<lang>/LC_MESSAGES/officebook.po; the
compiled .mo beside it is shipped in the package.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from officebook.i18n import DOMAIN, KEYWORDS, LOCALE_DIR, SHIPPED, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = tuple(lang for lang in SHIPPED if lang != SOURCE_LANGUAGE)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every message of the sources, as a template catalogue."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="officebook", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        if message:
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def updated(template: Catalog, lang: str) -> Catalog:
    """The translations of `lang` merged with the template (new messages empty, gone ones obsolete)."""
    path = po_path(lang)
    if path.is_file():
        catalog = read(path, lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="officebook")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.revision_date = catalog.creation_date = template.creation_date  # stable files: no timestamps
    return catalog


def _stable(catalog: Catalog) -> Catalog:
    import datetime as dt

    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    catalog.creation_date = when
    catalog.revision_date = when
    return catalog


def plan() -> dict[Path, bytes]:
    """Every catalogue file as it should be: the template, each .po and each .mo."""
    template = _stable(extract())
    files = {TEMPLATE: _po_bytes(template)}
    for lang in TRANSLATED:
        catalog = _stable(updated(template, lang))
        files[po_path(lang)] = _po_bytes(catalog)
        files[po_path(lang).with_suffix(".mo")] = _mo_bytes(catalog)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args()
    stale = {path: data for path, data in plan().items() if not path.is_file() or path.read_bytes() != data}
    for path, data in stale.items():
        if args.check:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/i18n.py", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    for lang in TRANSLATED:
        missing = [m.id for m in read(po_path(lang), lang) if m.id and (not m.string or m.fuzzy)] \
            if po_path(lang).is_file() else ["(no catalogue)"]
        if missing:
            print(f"{lang}: {len(missing)} messages without a translation", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
