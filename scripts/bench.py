#!/usr/bin/env python3
"""Benchmarks over synthetic content: `python scripts/bench.py [--items 1000 10000] [--stages check]`.

The synthetic manual has realistic item sizes, Chinese and English texts and valid references, so
every stage does its real work. Figures are printed as a table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from statistics import median

import yaml

ZH = "办公室 负责 统筹 协调 督促 检查 落实 文件 会议 信息 调研 接待 服务 保障 值班 档案 保密 请示 报告 批示 领导 部门 单位 基层 及时 准确 规范 高效".split()
EN = ("office coordinates supervises checks documents meetings information research reception service "
      "duty archives confidentiality request report instruction leaders departments units timely accurate "
      "complete efficient").split()
FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "annually", "as-needed", "on-event"]
CATEGORIES = ["principle", "quality", "conduct", "time-limit", "service", "security"]
# How standards and step actors are drawn: "uniform" (the default, every figure in the issues) draws
# each from the whole manual, so at 100 items nearly every post meets every standard; "local" draws
# them from a post's own area, as in the default manual (a post meets 1–7 standards). Set by --spread.
SPREAD = {"mode": "uniform"}
GLOSSARY_MAX_TERMS = 500  # one file, under the 1 MiB a content file may have: about 240 KB


def _zh(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(ZH) for _ in range(words)) + "。"


def _en(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(EN) for _ in range(words)).capitalize() + "."


def _text(rng: random.Random, words: int, languages: tuple[str, ...]) -> dict[str, str]:
    return {lang: (_zh if lang == "zh" else _en)(rng, words) for lang in languages}


def make_content(root: Path, items: int, languages: tuple[str, ...] = ("zh", "en"), seed: int = 1) -> dict[str, int]:
    """Write a valid synthetic manual of about `items` item files, and a glossary of a quarter as many
    terms (at most `GLOSSARY_MAX_TERMS`), under `root`; returns counts per kind."""
    rng = random.Random(seed)
    counts = {
        "functions": max(4, items // 100),
        "posts": max(8, items // 20),
        "standards": max(6, items // 10),
        "procedures": max(6, items // 5),
    }
    counts["duties"] = max(10, items - sum(counts.values()))
    singular = {"functions": "function", "posts": "post", "standards": "standard", "procedures": "procedure",
                "duties": "duty"}
    ids = {kind: [f"{singular[kind]}-{i:05d}" for i in range(n)] for kind, n in counts.items()}
    posts, procedures, standards = ids["posts"], ids["procedures"], ids["standards"]
    local = SPREAD["mode"] == "local"
    where = {post: p for p, post in enumerate(posts)}

    def standards_of(post: str, k: int) -> list[str]:
        if not local:  # drawn exactly as before --spread existed, so uniform figures stay comparable
            return [rng.choice(standards)] if k == 1 else rng.sample(standards, k)
        centre = where[post] * len(standards) // len(posts)  # a window of 5 standards: the post's area
        return rng.sample([standards[(centre + d) % len(standards)] for d in range(-2, 3)], k)

    def actor_near(owner: str) -> str:
        return posts[(where[owner] + rng.randint(-2, 2)) % len(posts)] if local else rng.choice(posts)

    def write(kind: str, ident: str, data: dict) -> None:
        folder = root / kind / ident[-2:]  # sub-folders, as large manuals use them
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ident}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")

    root.mkdir(parents=True, exist_ok=True)
    (root / "manual.yaml").write_text(yaml.safe_dump({
        "title": _text(rng, 4, languages), "organization": _text(rng, 3, languages), "edition": "2026.1",
        "effective": "2026-12-01", "languages": list(languages), "introduction": _text(rng, 60, languages),
    }, allow_unicode=True), encoding="utf-8")
    common = lambda i: {"summary": _text(rng, 14, languages), "tags": ["bench", f"t{i % 17}"],  # noqa: E731
                        "maintainer": posts[0], "review_by": "2099-12-31", "source": "synthetic", "order": i}
    for i, ident in enumerate(ids["functions"]):
        write("functions", ident, {"title": _text(rng, 3, languages), **common(i), "aim": _text(rng, 4, languages),
                                   "description": _text(rng, 80, languages),
                                   "principles": [_text(rng, 12, languages) for _ in range(4)]})
    for i, ident in enumerate(posts):
        post = {"title": _text(rng, 3, languages), **common(i), "description": _text(rng, 50, languages),
                "competencies": [_text(rng, 10, languages) for _ in range(4)],
                "onboarding": {k: [_text(rng, 10, languages) for _ in range(3)]
                               for k in ("first_day", "first_week", "first_month")}}
        if i:
            post["reports_to"] = posts[(i - 1) // 5]
        write("posts", ident, post)
    for i, ident in enumerate(standards):
        write("standards", ident, {"title": _text(rng, 3, languages), **common(i), "category": CATEGORIES[i % 6],
                                   "statement": _text(rng, 30, languages), "rationale": _text(rng, 30, languages),
                                   "criteria": [_text(rng, 10, languages) for _ in range(4)],
                                   "applies_to": {"posts": [posts[i * len(posts) // len(standards)]] if local
                                                  else rng.sample(posts, 2)}})
    for i, ident in enumerate(procedures):
        n = rng.randint(4, 8)
        owner = rng.choice(posts) if local else ""
        steps = []
        for j in range(n):
            actor = actor_near(owner)
            steps.append({"id": f"s{j}", "actor": actor, "action": _text(rng, 16, languages),
                          "output": _text(rng, 6, languages), "time_limit": _text(rng, 3, languages),
                          "standards": standards_of(actor, 1)})
        steps[1]["next"] = ["s2", "s3"]
        steps[3]["when"] = _text(rng, 4, languages)
        steps[-2]["next"] = [f"s{n - 1}", "s0"]  # a rework loop
        write("procedures", ident, {"title": _text(rng, 3, languages), **common(i), "purpose": _text(rng, 30, languages),
                                    "owner": owner or (owner := rng.choice(posts)), "trigger": _text(rng, 8, languages),
                                    "time_limit": _text(rng, 3, languages), "steps": steps,
                                    "records": [_text(rng, 4, languages)], "standards": standards_of(owner, 1)})
    for i, ident in enumerate(ids["duties"]):
        holder = posts[i % len(posts)]
        write("duties", ident, {"title": _text(rng, 3, languages), **common(i), "function": ids["functions"][i % len(ids["functions"])],
                                "description": _text(rng, 60, languages), "frequency": FREQUENCIES[i % 7],
                                "raci": {"responsible": [holder], "accountable": posts[0],
                                         "consulted": [p for p in rng.sample(posts, 2) if p not in (holder, posts[0])],
                                         "informed": [p for p in rng.sample(posts, 2) if p != holder]},
                                "procedures": [procedures[i % len(procedures)]],
                                "standards": standards_of(holder, 2)})
    # Drawn last, so every item file is what it was before the glossary was added
    counts["glossary terms"] = _write_glossary(root, rng, min(GLOSSARY_MAX_TERMS, max(5, items // 4)), languages,
                                               [f"duties/{d}" for d in ids["duties"]] + [f"procedures/{p}" for p in procedures])
    return counts


def _write_glossary(root: Path, rng: random.Random, count: int, languages: tuple[str, ...], refs: list[str]) -> int:
    """glossary.yaml: `count` terms of three of the texts' words, each with a definition and one or two
    `see` entries, every fifth with an alias; no two alike. Three words, as the texts run them together
    now and then: a post meets a term in its texts about as often as in the default manual (a fifth of
    the terms; two-word terms were in nearly every post's texts)."""
    taken: dict[str, set[str]] = {lang: set() for lang in languages}

    def name() -> dict[str, str]:
        while True:
            text = {lang: ("" if lang == "zh" else " ").join(rng.choice(ZH if lang == "zh" else EN) for _ in range(3))
                    for lang in languages}
            if all(text[lang] not in taken[lang] for lang in languages):
                for lang in languages:
                    taken[lang].add(text[lang])
                return text

    terms = []
    for i in range(count):
        term = {"term": name(), "definition": _text(rng, 20, languages), "see": rng.sample(refs, rng.randint(1, 2))}
        if i % 5 == 0:
            term["aliases"] = [name()]
        terms.append(term)
    (root / "glossary.yaml").write_text(yaml.safe_dump({"terms": terms}, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    return count


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def in_turn(measures: dict, runs: int) -> tuple[dict, dict]:
    """Each of `measures` (key -> a function) run `runs` times, the measures in turn so that a slow
    spell of the machine falls on all of them: CPU seconds per run, and each one's last result."""
    seconds: dict = {key: [] for key in measures}
    results: dict = {}
    for _ in range(runs):
        for key, measure in measures.items():
            start = time.process_time()
            results[key] = measure()
            seconds[key].append(time.process_time() - start)
    return seconds, results


def bare_parse_seconds(root: Path) -> float:
    """PyYAML's C loader alone over the same files: the yardstick for the check targets."""
    files = sorted(root.rglob("*.yaml"))
    start = time.perf_counter()
    for path in files:
        with path.open("rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def bench_check(root: Path, items: int) -> list[tuple[str, str]]:
    """Cold and warm `officebook check`, stage by stage, beside the bare parse."""
    from officebook.pipeline import run_check

    cache = root.parent / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    bare = min(bare_parse_seconds(root) for _ in range(2))
    cold_seconds, cold = timed(lambda: run_check(root, cache_dir=cache, link_model=False))
    assert not cold.has_errors, [d.as_text() for d in cold.diagnostics[:5]]
    victim = next(iter(sorted((root / "duties").rglob("*.yaml"))))
    victim.write_text(victim.read_text(encoding="utf-8").replace("synthetic", "synthetic, edited"), encoding="utf-8")
    warm_seconds, warm = timed(lambda: run_check(root, cache_dir=cache, link_model=False))
    assert not warm.has_errors and len(warm.diagnostics) == len(cold.diagnostics)
    victim.write_text(victim.read_text(encoding="utf-8").replace("edited", "edited again"), encoding="utf-8")
    command = [sys.executable, "-m", "officebook", "check", "--format", "json", str(root)]
    process_seconds, process = timed(lambda: subprocess.run(command, capture_output=True, env={
        **os.environ, "OFFICEBOOK_CACHE_DIR": str(cache)}, check=False))
    assert process.returncode == 0, process.stderr[-2000:]
    linked = run_check(root, use_cache=False)
    files = cold.files
    rate = lambda seconds: f"{files / seconds:,.0f} items/s" if seconds else "-"  # noqa: E731
    t = cold.timings
    return [
        ("files", f"{files:,}"),
        ("bare CSafeLoader parse", f"{bare:.2f} s"),
        ("load (cold)", f"{t['load']:.2f} s  {rate(t['load'])}"),
        ("validate (cold)", f"{t['validate']:.2f} s  {rate(t['validate'])}"),
        ("link", f"{linked.timings['link']:.2f} s  {rate(linked.timings['link'])}"),
        ("load + validate + link", f"{linked.timings['total']:.2f} s  {rate(linked.timings['total'])}"),
        ("officebook check, cold", f"{cold_seconds:.2f} s  {rate(cold_seconds)}  = {cold_seconds / bare:.2f}× bare parse (target ≤ 1.5×)"),
        ("officebook check, 1 file edited", f"{warm_seconds:.2f} s  = {warm_seconds / bare:.2f}× bare parse (target ≤ 0.2×)"),
        ("  the same as a new process", f"{process_seconds:.2f} s  = {process_seconds / bare:.2f}× bare parse "
                                        "(Python start-up and imports included)"),
    ]


def bench_check_scale(root: Path, items: int) -> list[tuple[str, str]]:
    """Whether a cold check stays linear: its CPU time per file here against a manual a tenth the size,
    made and checked in the same run, each beside the bare parse of its own files. CPU seconds, as
    wall-clock time per file swings with the machine's load more than the ratio being measured."""
    from officebook.pipeline import run_check

    def cpu(function: Callable[[], object]) -> tuple[float, object]:
        start = time.process_time()
        result = function()
        return time.process_time() - start, result

    small_items = max(items // 10, 10)
    small = root.parent / "scale-small" / "content"
    shutil.rmtree(small.parent, ignore_errors=True)
    languages = yaml.safe_load((root / "manual.yaml").read_text(encoding="utf-8"))["languages"]
    make_content(small, small_items, tuple(languages))
    per_file = {}
    for name, folder in (("small", small), ("large", root)):
        cache = folder.parent / f"scale-cache-{name}"
        shutil.rmtree(cache, ignore_errors=True)
        bare = min(cpu(lambda folder=folder: bare_parse_seconds(folder))[0] for _ in range(2))
        seconds, result = cpu(lambda folder=folder, cache=cache: run_check(folder, cache_dir=cache, link_model=False))
        shutil.rmtree(cache, ignore_errors=True)
        per_file[name] = (seconds / result.files, bare / result.files, result.files)
    shutil.rmtree(small.parent, ignore_errors=True)
    (small_check, small_bare, small_files), (large_check, large_bare, large_files) = per_file["small"], per_file["large"]
    return [
        (f"cold check per file, {small_files:,}", f"{small_check * 1000:.2f} ms CPU  ({small_check / small_bare:.2f}× bare parse)"),
        (f"cold check per file, {large_files:,}", f"{large_check * 1000:.2f} ms CPU  ({large_check / large_bare:.2f}× bare parse)"),
        ("  growth per file", f"{large_check / small_check:.2f}× (target ≤ 1.3×; bare parse {large_bare / small_bare:.2f}×)"),
    ]


BUILD_MAX_ITEMS = 2000


def bench_build(root: Path, items: int) -> list[tuple[str, str]]:
    """`officebook build` of a one-language manual of the same size: total, the part before MkDocs
    starts (load → render), and the whole against a plain `mkdocs build` of the same Markdown.
    CPU seconds decide the share (wall-clock times swing with the machine's load); both are shown."""
    import resource
    import subprocess

    from officebook.build.site import build_site
    from officebook.pipeline import run_check

    if items > BUILD_MAX_ITEMS:
        return [("skipped", f"above {BUILD_MAX_ITEMS:,} items the build stage takes many minutes")]
    content = root.parent / "content-zh"
    make_content(content, items, ("zh",))
    work = root.parent / "site-work"
    runs = []
    for _ in range(2):  # the faster of two runs each: this machine's load makes single runs noisy
        wall, cpu = time.perf_counter(), time.process_time()
        checked = run_check(content, use_cache=False)
        assert checked.manual is not None, [d.as_text() for d in checked.diagnostics[:5]]
        cpu_check = time.process_time() - cpu
        cpu_build = time.process_time()
        result = build_site(checked.manual, root.parent / "site", work_dir=work)
        cpu_end = time.process_time()
        # build_site times render and MkDocs (wall); split its CPU time in the same proportion.
        render_share = result.timings["render"] / (result.timings["render"] + result.timings["mkdocs"])
        before_cpu = cpu_check + (cpu_end - cpu_build) * render_share
        runs.append((cpu_end - cpu, time.perf_counter() - wall, before_cpu, result.timings.get("search", 0.0)))
    total_cpu, total_wall, before_cpu, search_wall = min(runs)
    plain = []
    for _ in range(2):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        plain_wall, _ = timed(lambda: subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "zh" / "mkdocs.yml"),
             "-d", str(root.parent / "plain-site")], check=True))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        plain.append(((after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime), plain_wall))
    plain_cpu, plain_wall = min(plain)
    share = (total_cpu - plain_cpu) / total_cpu
    return [
        ("pages", f"{result.pages:,}"),
        ("officebook build, total", f"{total_wall:.1f} s wall, {total_cpu:.1f} s CPU"),
        ("before MkDocs (load → render)", f"{before_cpu:.2f} s CPU ({before_cpu / total_cpu:.0%} of the build)"),
        ("search index words (after MkDocs)", f"{search_wall:.2f} s wall"),
        ("plain mkdocs build, same pages", f"{plain_wall:.1f} s wall, {plain_cpu:.1f} s CPU"),
        ("build / plain mkdocs (CPU)", f"{total_cpu / plain_cpu:.2f}×  our share {share:.0%} (target < 15%)"),
    ]


_HANDBOOK_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from officebook.build.pdf import write_handbooks
from officebook.pipeline import run_check

def cpu():  # this process and the processes it printed in
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system

manual = run_check(Path(sys.argv[1]), use_cache=False).manual
started, cpu_before = time.perf_counter(), cpu()
result = write_handbooks(manual, Path(sys.argv[2]), languages=[manual.info.default_language])
print(json.dumps({"pages": result.pages, "seconds": time.perf_counter() - started, "cpu": cpu() - cpu_before,
                  "peak": max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF,
                                                                             resource.RUSAGE_CHILDREN)) * 1024}))
"""
HANDBOOK_MAX_ITEMS = 3000  # 1,000 items print to some 1,700 pages; 10,000 would take hours and tens of GiB
HANDBOOK_300_PAGES_ITEMS = 210  # a synthetic manual of this size prints to about 300 pages
_HANDBOOK_ONCE: dict[str, str] = {}


def _print_handbook(content: Path, out: Path) -> str:
    """Print the default-language handbook of `content` in a fresh process: pages/s (wall clock, and CPU,
    which the machine's load does not inflate) and peak memory."""
    import json
    import subprocess

    run = subprocess.run([sys.executable, "-c", _HANDBOOK_CHILD, str(content), str(out)],
                         capture_output=True, text=True, check=True)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    return (f"{measured['pages']:,} pages in {measured['seconds']:.1f} s = "
            f"{measured['pages'] / measured['seconds']:.1f} pages/s (CPU {measured['cpu']:.1f} s = "
            f"{measured['pages'] / measured['cpu']:.1f} pages/s), peak {measured['peak'] / 2**20:,.0f} MiB")


def bench_handbook(root: Path, items: int) -> list[tuple[str, str]]:
    """`officebook pdf` (WeasyPrint) in the default language, each print in a fresh process: the default
    manual and a ~300-page synthetic one (both once per run; target < 30 s and < 1 GiB), then the
    synthetic manual of this size."""
    if not _HANDBOOK_ONCE:
        default = Path(__file__).resolve().parent.parent / "content"
        if default.is_dir():
            _HANDBOOK_ONCE["default manual"] = _print_handbook(default, root.parent / "pdf-default")
        sized = root.parent / "content-300-pages"
        make_content(sized, HANDBOOK_300_PAGES_ITEMS, ("zh", "en"))
        _HANDBOOK_ONCE[f"{HANDBOOK_300_PAGES_ITEMS} items (~300 pages)"] = _print_handbook(sized, root.parent / "pdf-300")
    rows = list(_HANDBOOK_ONCE.items())
    if items > HANDBOOK_MAX_ITEMS:
        rows.append((f"{items:,} items", f"skipped: more than {HANDBOOK_MAX_ITEMS:,} items"))
    else:
        rows.append((f"{items:,} items", _print_handbook(root, root.parent / "pdf")))
    return rows


OFFICE_DOCX_MAX_ITEMS = 3000  # the Word handbook grows with the manual as the PDF does


def bench_office(root: Path, items: int) -> list[tuple[str, str]]:
    """Word and Excel in the default language: `officebook docx` (handbook), `export --format xlsx`, and
    reading that workbook back as `officebook import` does (no change to write). CPU seconds."""
    from officebook.importer import plan_import
    from officebook.pipeline import run_check
    from officebook.render.docx import handbook_docx
    from officebook.xlsx import workbook_bytes
    from officebook.xlsx_read import read_raci_sheet

    manual = run_check(root, use_cache=False).manual
    lang = manual.info.default_language
    rows = []
    if items <= OFFICE_DOCX_MAX_ITEMS:
        cpu = time.process_time()
        document = handbook_docx(manual, lang)
        rows.append(("docx handbook", f"{time.process_time() - cpu:.1f} s CPU, {len(document) / 2**20:.1f} MiB"))
    else:
        rows.append(("docx handbook", f"skipped: more than {OFFICE_DOCX_MAX_ITEMS:,} items"))
    cpu = time.process_time()
    workbook = workbook_bytes(manual, lang)
    rows.append(("xlsx workbook", f"{time.process_time() - cpu:.1f} s CPU, {len(workbook) / 2**20:.1f} MiB"))
    path = root.parent / "bench.xlsx"
    path.write_bytes(workbook)
    cpu = time.process_time()
    plan = plan_import(manual, read_raci_sheet(path), root)
    rows.append(("import (read and compare)", f"{time.process_time() - cpu:.1f} s CPU, {len(plan.changes)} changes"))
    return rows


XLSX_SIZES = (100, 1000, 5000)


XLSX_RUNS = 5  # each size's workbook is made this many times, the sizes in turn: the 100-item one takes 0.08 s,
# and single runs of it spread by a third on this machine


def bench_xlsx(root: Path, items: int) -> list[tuple[str, str]]:
    """`export --format xlsx` (default language) at 100, 1,000 and 5,000 items in this run, whatever
    --items says: its cost at 1k against 100 (target ≤ 11×) and at 5k against 1k (target ≤ 5.5×), as
    medians of `XLSX_RUNS` runs (one slow or fast run does not move a median; the fastest runs' ratio is
    printed beside it); the import's read and compare beside it. CPU seconds, each size's content
    checked first (not timed)."""
    from officebook.importer import plan_import
    from officebook.pipeline import run_check
    from officebook.xlsx import workbook_bytes
    from officebook.xlsx_read import read_raci_sheet

    manuals = {}
    for size in XLSX_SIZES:
        content = root.parent / f"xlsx-{size}" / "content"
        make_content(content, size)
        manuals[size] = run_check(content, use_cache=False).manual
    costs, workbooks = in_turn({size: lambda m=manual: workbook_bytes(m, m.info.default_language)
                                for size, manual in manuals.items()}, XLSX_RUNS)
    cost = {size: median(runs) for size, runs in costs.items()}
    lines: dict[int, int] = {}  # the rows the workbook holds: they grow with the content's derived checklists
    rows = []
    for size, manual in manuals.items():
        path = root.parent / f"xlsx-{size}" / "bench.xlsx"
        path.write_bytes(workbooks[size])
        with zipfile.ZipFile(path) as archive:  # the rows written, every sheet
            lines[size] = sum(archive.read(name).count(b"<row ") for name in archive.namelist()
                              if name.startswith("xl/worksheets/"))
        cpu = time.process_time()
        plan_import(manual, read_raci_sheet(path), path.parent / "content")
        rows.append((f"xlsx, {size:,} items", f"{cost[size]:.2f} s CPU (runs {min(costs[size]):.2f}–{max(costs[size]):.2f}), "
                     f"{len(workbooks[size]) / 2**20:.1f} MiB, {lines[size]:,} rows; import read "
                     f"{time.process_time() - cpu:.2f} s CPU"))
    for small, large, target in ((100, 1000, 11), (1000, 5000, 5.5)):
        rows.append((f"xlsx {large // 1000}k / {small if small < 1000 else '1k'}",
                     f"{cost[large] / cost[small]:.1f}× (target ≤ {target}×; fastest runs "
                     f"{min(costs[large]) / min(costs[small]):.1f}×); rows {lines[large] / lines[small]:.1f}×, "
                     f"cost per row {cost[large] / lines[large] / (cost[small] / lines[small]):.2f}×"))
    return rows


PREVIEW_MAX_ITEMS = 2000  # the preview's first build is a whole site build
_PREVIEW_ONCE: dict[str, str] = {}


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def _save_to_page(content: Path, saves: int = 3) -> str:
    """`officebook serve` on a copy of `content`: the seconds from saving a duty file (its title, then
    its summary) to the server answering its page with the change, the way an author waits for it;
    and until every page the change touches is rebuilt (the server's background work done)."""
    import json

    work = Path(tempfile.mkdtemp(prefix="officebook-bench-preview-"))
    shutil.copytree(content, work / "content")
    duty = sorted((work / "content" / "duties").rglob("*.yaml"))[0]
    data = yaml.safe_load(duty.read_text(encoding="utf-8"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/duties/{duty.stem}/"
    server = subprocess.Popen([sys.executable, "-m", "officebook", "serve", str(work / "content"),
                               "-a", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "OFFICEBOOK_CACHE_DIR": str(work / "cache")})

    def settled(limit: float = 600) -> float:
        started = time.perf_counter()
        while json.loads(_get(f"http://127.0.0.1:{port}/_officebook/status") or '{"busy": true}')["busy"]:
            if time.perf_counter() - started > limit:
                break
            time.sleep(0.05)
        return time.perf_counter() - started

    try:
        started = time.perf_counter()
        while "<html" not in _get(url):
            if server.poll() is not None or time.perf_counter() - started > 1800:
                return "the preview did not start"
            time.sleep(0.2)
        first = time.perf_counter() - started
        found = {}
        for field in ("title", "summary"):
            seconds, whole = [], []
            for n in range(saves):
                old = data[field] if isinstance(data[field], str) else next(iter(data[field].values()))
                marker = f"（改{field}{n}）"
                text = duty.read_text(encoding="utf-8")
                settled()
                time.sleep(0.5)  # a new modification time
                saved = time.perf_counter()
                duty.write_text(text.replace(old, old + marker, 1), encoding="utf-8")
                while marker not in _get(url):
                    if time.perf_counter() - saved > 300:
                        return f"{field}: no update within 300 s"
                    time.sleep(0.02)
                seconds.append(time.perf_counter() - saved)
                time.sleep(0.3)  # the background work has started
                whole.append(seconds[-1] + 0.3 + settled())
                data = yaml.safe_load(duty.read_text(encoding="utf-8"))
            found[field] = seconds, whole
        return (f"first page {first:.1f} s; save → page: title {median(found['title'][0]):.2f} s "
                f"(max {max(found['title'][0]):.2f}), summary {median(found['summary'][0]):.2f} s "
                f"(max {max(found['summary'][0]):.2f}); every touched page: title {median(found['title'][1]):.1f} s, "
                f"summary {median(found['summary'][1]):.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def bench_preview(root: Path, items: int) -> list[tuple[str, str]]:
    """`officebook serve`: save → updated page served, on the default manual (once per run) and on
    the synthetic manual of this size (targets ≤ 1 s and, at 1,000 items, ≤ 2 s)."""
    if not _PREVIEW_ONCE:
        default = Path(__file__).resolve().parent.parent / "content"
        if default.is_dir():
            _PREVIEW_ONCE["default manual"] = _save_to_page(default)
    rows = list(_PREVIEW_ONCE.items())
    if items > PREVIEW_MAX_ITEMS:
        rows.append((f"{items:,} items", f"skipped: more than {PREVIEW_MAX_ITEMS:,} items"))
    else:
        rows.append((f"{items:,} items", _save_to_page(root)))
    return rows


SITE_SIZE_MAX_ITEMS = 2000


def _ordinary_site(folder: Path, pages: int, seed: int = 7) -> Path:
    """An ordinary MkDocs + Material site of `pages` short Chinese pages (a heading, two paragraphs
    and a short list each, about 0.4 KB): the anchor of issue #29's build figure."""
    rng = random.Random(seed)
    docs = folder / "docs"
    for number in range(pages):
        page = docs / f"section-{number // 100:03d}" / f"page-{number:05d}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"# {_zh(rng, 4)[:-1]}\n\n{_zh(rng, 20)}\n\n{_zh(rng, 20)}\n\n- {_zh(rng, 5)}\n- {_zh(rng, 5)}\n",
                        encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "plain", "theme": {"name": "material", "language": "zh"},
        "plugins": [{"search": {"lang": ["zh"]}}], "markdown_extensions": ["attr_list", "md_in_html", "tables", "toc"],
    }, allow_unicode=True), encoding="utf-8")
    return folder / "mkdocs.yml"


def _child_cpu(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of a child process; the faster of two runs."""
    import resource

    runs = []
    for _ in range(2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append(((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), time.perf_counter() - wall))
    return min(runs)


def bench_site_size(root: Path, items: int) -> list[tuple[str, str]]:
    """Issue #29's site figures: `officebook build` of a one-language manual against a plain MkDocs +
    Material build of as many ordinary pages (CPU ratio, same run), and the Markdown officebook hands
    MkDocs per language (target: ≤ 1.5× and ≤ 5 MB at 1,000 items)."""
    if items > SITE_SIZE_MAX_ITEMS:
        return [("skipped", f"above {SITE_SIZE_MAX_ITEMS:,} items the site stage takes many minutes")]
    content = root.parent / "content-zh-size"
    make_content(content, items, ("zh",))
    work, site = root.parent / "size-work", root.parent / "size-site"
    ours_cpu, ours_wall = _child_cpu([sys.executable, "-m", "officebook", "build", str(content), "-o", str(site),
                                      "--work-dir", str(work), "--no-cache"])
    docs = work / "zh" / "docs"
    pages = sorted(docs.rglob("*.md"))
    markdown = sum(page.stat().st_size for page in pages)
    largest = max(pages, key=lambda page: page.stat().st_size)
    config = _ordinary_site(root.parent / "ordinary-site", len(pages))
    plain_cpu, plain_wall = _child_cpu([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                                        "-d", str(root.parent / "ordinary-site" / "site")])
    by_type: dict[str, int] = {}
    for page in pages:  # item pages by kind, then the special pages by name
        parts = page.relative_to(docs).parts
        kind = parts[0] if len(parts) == 3 else page.relative_to(docs).as_posix()
        by_type[kind] = by_type.get(kind, 0) + page.stat().st_size
    breakdown = ", ".join(f"{kind} {size / 1e6:.2f}" for kind, size in sorted(by_type.items(), key=lambda kv: -kv[1])[:7])
    store = sum(block.stat().st_size for block in (work / "zh" / "prebuilt").glob("*.html"))
    built = sum(page.stat().st_size for page in site.rglob("*.html"))
    return [
        ("pages (one language)", f"{len(pages):,}"),
        ("officebook build", f"{ours_wall:.1f} s wall, {ours_cpu:.1f} s CPU"),
        ("plain MkDocs, ordinary pages", f"{plain_wall:.1f} s wall, {plain_cpu:.1f} s CPU"),
        ("build / plain (CPU)", f"{ours_cpu / plain_cpu:.2f}×  (target ≤ 1.5×)"),
        ("Markdown per language", f"{markdown / 1e6:.2f} MB  (target ≤ 5 MB)"),
        ("  ready-made HTML beside it", f"{store / 1e6:.2f} MB  (inserted after conversion: render/prebuilt.py)"),
        ("  built pages (HTML)", f"{built / 1e6:.2f} MB"),
        ("largest page", f"{largest.relative_to(docs).as_posix()} {largest.stat().st_size / 1e3:.0f} KB"),
        ("Markdown by page type (MB)", breakdown),
    ]


HEAVY_ANCHOR_ITEMS = 100  # docx cost is reported against a manual of this size, made in the same run
DOCX_RUNS = 3  # each Word handbook is made this many times: the 100-item one takes about a second
PDF_PEAK_TARGET = 1.2 * 2**30  # issue 29: the 1,000-item handbook prints in at most about 1.2 GiB


def _word_handbook(content: Path) -> Callable[[], bytes]:
    """A function making the Word handbook of `content` (checked once, here), cold each time."""
    from officebook.pipeline import run_check
    from officebook.render.docx import handbook_docx, raster

    manual = run_check(content, use_cache=False).manual
    raster.load_rasteriser()  # CairoSVG's import (cffi parsing cairo's declarations) once, before either is timed:
    # it fell on the 100-item anchor only and made the ratio look about a tenth better than it is

    def make() -> bytes:
        raster._PNG_CACHE.clear()  # a cold run each time: the drawings of one manual are not another's
        return handbook_docx(manual, manual.info.default_language)

    return make


def _word_parts(document: bytes) -> int:
    """The table rows and paragraphs a Word file holds: what its cost grows with."""
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        body = archive.read("word/document.xml")
    return body.count(b"<w:tr") + body.count(b"<w:p>") + body.count(b"<w:p ")


def bench_heavy(root: Path, items: int) -> list[tuple[str, str]]:
    """Issue 29's ratios for the heavy outputs, each against its anchor in the same run: the handbook
    PDF's peak memory (a fresh process) against the 1.2 GiB target, and the Word handbook's CPU time
    against that of a 100-item manual (target ≤ 11× at 1,000 items), medians of `DOCX_RUNS` runs."""
    import json

    if items > HANDBOOK_MAX_ITEMS:
        return [("pdf peak / 1.2 GiB", f"skipped: more than {HANDBOOK_MAX_ITEMS:,} items")]
    run = subprocess.run([sys.executable, "-c", _HANDBOOK_CHILD, str(root), str(root.parent / "pdf-heavy")],
                         capture_output=True, text=True, check=True)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    anchor = root.parent / f"content-{HEAVY_ANCHOR_ITEMS}"
    if not anchor.exists():
        make_content(anchor, HEAVY_ANCHOR_ITEMS, ("zh", "en"))
    runs, documents = in_turn({content: _word_handbook(content) for content in (anchor, root)}, DOCX_RUNS)
    small, large = median(runs[anchor]), median(runs[root])
    small_parts, large_parts = _word_parts(documents[anchor]), _word_parts(documents[root])
    fastest = min(runs[root]) / min(runs[anchor])
    return [
        ("pdf peak / 1.2 GiB", f"{measured['peak'] / PDF_PEAK_TARGET:.2f}×  ({measured['peak'] / 2**20:,.0f} MiB, "
                               f"{measured['pages']:,} pages, {measured['cpu']:.0f} s CPU)"),
        (f"docx {items:,} / {HEAVY_ANCHOR_ITEMS} items (CPU)",
         f"{large / small:.1f}×  ({large:.1f} s / {small:.1f} s, medians of {DOCX_RUNS}; fastest runs {fastest:.1f}×; "
         f"target ≤ 11× at 1,000); paragraphs and table rows "
         f"{large_parts / small_parts:.1f}×, cost per one {large / large_parts / (small / small_parts):.2f}×"),
    ]


_EDIT_ONCE: dict[str, str] = {}


def _api(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "X-Officebook-Token": token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _edit_save_to_page(content: Path, saves: int = 3) -> str:
    """`officebook edit` on a copy of `content`: the seconds from a PUT of a duty's changed title (the
    editor's Save: checked, written, preview rebuilt) to its page served with the change, and the
    seconds of the PUT alone."""

    work = Path(tempfile.mkdtemp(prefix="officebook-bench-edit-"))
    shutil.copytree(content, work / "content")
    duty = sorted((work / "content" / "duties").rglob("*.yaml"))[0].stem
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # as an author runs it: the check cache on (in a folder of its own, empty at the start)
    environment = {**os.environ, "OFFICEBOOK_CACHE_DIR": str(work / "cache")}
    server = subprocess.Popen([sys.executable, "-m", "officebook", "edit", str(work / "content"),
                               "-a", f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env=environment)
    try:
        started = time.perf_counter()
        address = server.stdout.readline().strip()
        if "token=" not in address:
            return "the editor did not start"
        token = address.split("token=", 1)[1]
        first = time.perf_counter() - started
        to_page, put_only = [], []
        for n in range(saves):
            status, got = _api(f"{base}/_edit/api/duties/{duty}", token)
            if status != 200:
                return f"GET answered {status}"
            title = got["item"]["title"]
            marker = f"（改{n}）"
            if isinstance(title, dict):
                title[next(iter(title))] += marker
            else:
                got["item"]["title"] = title + marker
            time.sleep(1.0)
            saved = time.perf_counter()
            status, answer = _api(f"{base}/_edit/api/duties/{duty}", token, "PUT",
                                  {"item": got["item"], "revision": got["revision"]})
            put_only.append(time.perf_counter() - saved)
            if status != 200:
                return f"PUT answered {status}: {answer}"
            while marker not in _get(f"{base}/duties/{duty}/"):
                if time.perf_counter() - saved > 300:
                    return "no update within 300 s"
                time.sleep(0.02)
            to_page.append(time.perf_counter() - saved)
        return (f"first page {first:.1f} s; save → page {median(to_page):.2f} s (max {max(to_page):.2f}); "
                f"the PUT itself {median(put_only):.2f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
        server.stdout.close()
        shutil.rmtree(work, ignore_errors=True)


def bench_edit(root: Path, items: int) -> list[tuple[str, str]]:
    """`officebook edit`: the editor's Save → updated page served, on the default manual (once per run)
    and on the synthetic manual of this size."""
    if not _EDIT_ONCE:
        default = Path(__file__).resolve().parent.parent / "content"
        if default.is_dir():
            _EDIT_ONCE["default manual"] = _edit_save_to_page(default)
    rows = list(_EDIT_ONCE.items())
    if items > PREVIEW_MAX_ITEMS:
        rows.append((f"{items:,} items", f"skipped: more than {PREVIEW_MAX_ITEMS:,} items"))
    else:
        rows.append((f"{items:,} items", _edit_save_to_page(root)))
    return rows


STAGES: dict[str, Callable[[Path, int], list[tuple[str, str]]]] = {"check": bench_check,
                                                                    "check-scale": bench_check_scale,
                                                                    "build": bench_build,
                                                                    "handbook": bench_handbook, "office": bench_office,
                                                                    "xlsx": bench_xlsx,
                                                                    "preview": bench_preview, "heavy": bench_heavy,
                                                                    "edit": bench_edit, "site-size": bench_site_size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated: {', '.join(STAGES)}")
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--spread", choices=("uniform", "local"), default="uniform",
                        help="draw standards and step actors from the whole manual (uniform, the issues' "
                             "figures) or from each post's own area (local, as in the default manual)")
    args = parser.parse_args()
    SPREAD["mode"] = args.spread
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(unknown)}")
    for items in args.items:
        with tempfile.TemporaryDirectory(prefix="officebook-bench-") as tmp:
            root = Path(tmp) / "content"
            counts = make_content(root, items, tuple(args.languages.split(",")))
            print(f"\n## {items:,} items ({', '.join(f'{k} {v}' for k, v in counts.items())})")
            for stage in stages:
                for name, value in STAGES[stage](root, items):
                    print(f"{stage:>6} | {name:<28} | {value}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
