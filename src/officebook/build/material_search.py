"""Material's search worker, patched for Chinese queries (served from the theme overrides folder).

Material's worker segments a Chinese query greedily by the words of the index, but its loop never
tries the whole query (`j < length`), so 公文 is searched as 公* and 督查 as 督*. The last two fixes
below make it try every end position, the first normalises the query (NFKC, as build/search.py
indexes). The patched worker keeps its name, so the theme loads it instead of Material's own.

If a Material release changes that code, nothing is patched and `patch_search_worker` says so
(False); tests/test_material_search.py fails loudly on the installed Material in that case.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from officebook.build.files import write_if_changed

_SEGMENT_FIXES = (
    # the query in its NFKC form, as the index has it (build/search.py): Ⅲ级 → III级, ＡＢＣ → ABC
    (re.compile(r"search\((\w+)\)\{if\(\1=\1\.replace\("), r"search(\1){\1=\1.normalize('NFKC');if(\1=\1.replace("),
    (re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in (\w+)"),
     r"for(let \1=\2+1;\1<=\3.length;\1++)\3.slice(\2,\1)in \4"),
    (re.compile(r"(\w+)\[(\w+)\]&&\2<(\w+)\.length-1&&"), r"\1[\2]&&\2<\3.length&&"),
    # a run of several characters that the index knows only as single characters (签报 where no page
    # has the word) is searched whole, never as 签 or 报 alone: no results rather than noise
    (re.compile(r'return (\w+)\.has\(""\)\?new Set\(\[(\w+)\]\):\1\}'),
     r'return \1.has("")||\2.length>1&&[...\1].every(w=>w.length<2)?new Set([\2]):\1}'),
)


_MISSING_TERMS = (
    re.compile(r"function (\w+)\((\w+),(\w+)\)\{var \w+;let (\w+)=new Set\(\2\),(\w+)=\{\};"
               r"for\(let (\w+)=0;\6<\3\.length;\6\+\+\)for\(let (\w+) of \4\)\3\[\6\]\.startsWith\(\7\.term\)"
               r"&&\(\5\[\7\.term\]=!0,\4\.delete\(\7\)\);"
               r"for\(let (\w+) of \4\)\(\w+=lunr\.stopWordFilter\)!=null&&\w+\.call\(lunr,\8\.term\)&&\(\5\[\8\.term\]=!1\);"
               r"return \5\}"),
    # clauses, matched index terms → {term: present?}; a stop word that matched nothing is left out
    lambda found: (
        f"function {found[1]}(clauses,matched){{let terms={{}};for(let clause of clauses){{"
        "let term=clause.term.replace(/^\\*+|\\*+$/g,'');if(!term)continue;"
        "let stem=typeof lunr.stemmer=='function'?lunr.stemmer(new lunr.Token(term,{})).toString():term;"
        "let inside=/\\p{sc=Han}/u.test(term)||clause.wildcard&lunr.Query.wildcard.LEADING;"
        "let present=matched.some(m=>inside?m.includes(term):m.startsWith(term)||m.startsWith(stem));"
        "if(present)terms[term]=!0;else if(!(term in terms)&&lunr.stopWordFilter?.(term))terms[term]=!1}"
        "return terms}"),
)


def patch_search_worker(overrides_dir: Path) -> bool:
    """Write Material's search worker with the Chinese query segmentation fixed; False if the
    installed Material's worker does not have the expected code."""
    workers = resources.files("material") / "templates" / "assets" / "javascripts" / "workers"
    candidates = [entry for entry in workers.iterdir() if entry.name.startswith("search.") and entry.name.endswith(".js")]
    if len(candidates) != 1:
        return False
    source = candidates[0].read_text(encoding="utf-8")
    for pattern, replacement in (*_SEGMENT_FIXES, _MISSING_TERMS):
        source, count = pattern.subn(replacement, source)
        if count != 1:
            return False
    write_if_changed(overrides_dir / "assets" / "javascripts" / "workers" / candidates[0].name, source)
    return True
