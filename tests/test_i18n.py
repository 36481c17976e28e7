"""The interface's languages: the catalogues, how the language is chosen, and check, review and diff
as a Chinese and an English user see them (LANG=zh_CN.UTF-8 and LANG=C.UTF-8)."""

import importlib.util
import json
import re
import string

import pytest
from click.testing import CliRunner

from conftest import CASES, ROOT
from officebook import i18n
from officebook.cli import main

REF_UNKNOWN = CASES / "invalid" / "ref-unknown" / "content"
EDITIONS = CASES / "editions"
# The environment of a user: only LANG set (OFFICEBOOK_LANG, which the test session sets, removed).
CLEAR = {"OFFICEBOOK_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
ZH = {**CLEAR, "LANG": "zh_CN.UTF-8"}
C = {**CLEAR, "LANG": "C.UTF-8"}


def _catalogue_tool():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(args, env, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, **kwargs)


# ---- the catalogues --------------------------------------------------------------------------------


def test_the_template_translations_and_compiled_catalogues_are_current():
    """What Babel extracts now (messages, command-line help, schema texts) is what the repository holds:
    the .pot, the .po merged with it, and the .mo compiled from that .po."""
    tool = _catalogue_tool()
    stale = [path.relative_to(ROOT).as_posix() for path, data in tool.plan().items()
             if not path.is_file() or path.read_bytes() != data]
    assert stale == [], "run python scripts/i18n.py"


def test_every_message_is_translated_into_chinese_with_the_same_placeholders():
    tool = _catalogue_tool()
    catalog = tool.read(tool.po_path("zh_CN"), "zh_CN")
    fields = string.Formatter()

    def names(text):
        return {name for _, name, _, _ in fields.parse(text) if name is not None}

    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(translations):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set().union(*(names(text) for text in ids))
        for text in translations:
            if not names(text) <= wanted or (len(ids) == 1 and names(text) != wanted):
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    assert problems == []
    assert len(catalog) > 400


def test_the_compiled_catalogue_is_shipped_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "locale/*/LC_MESSAGES/*.mo" in pyproject
    assert (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "officebook.mo").is_file()


# ---- choosing the language ----------------------------------------------------------------------------


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "C.UTF-8"}, "zh_CN"),  # LANGUAGE comes first, as in gettext
    ({"LANGUAGE": "fr:zh", "LANG": "C"}, "zh_CN"),  # its first shipped entry
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh_CN"),
    ({"OFFICEBOOK_LANG": "zh", "LANG": "C.UTF-8"}, "zh_CN"),
    ({"OFFICEBOOK_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
    ({"OFFICEBOOK_LANG": "xx", "LANG": "zh_CN.UTF-8"}, "zh_CN"),  # an unknown override is ignored
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(environ, expected):
    assert i18n.from_environment(environ) == expected


def test_the_ui_lang_option_overrides_the_environment():
    result = invoke(["--ui-lang", "zh_CN", "check", "--no-cache", REF_UNKNOWN], C)
    assert "共检查 7 个文件：1 个错误，1 个警告" in result.output
    result = invoke(["--ui-lang", "en", "check", "--no-cache", REF_UNKNOWN], ZH)
    assert "7 files checked: 1 error, 1 warning" in result.output
    bad = invoke(["--ui-lang", "klingon", "check", REF_UNKNOWN], C)
    assert bad.exit_code == 2 and "klingon" in bad.output


def test_a_run_leaves_the_callers_language_alone():
    before = i18n.current_language()
    invoke(["check", "--no-cache", REF_UNKNOWN], ZH)
    assert i18n.current_language() == before


# ---- check, in both languages ----------------------------------------------------------------------------


def test_check_speaks_chinese_under_a_chinese_locale():
    result = invoke(["check", "--no-cache", REF_UNKNOWN], ZH)
    lines = result.output.strip().splitlines()
    assert lines[0] == (f"{REF_UNKNOWN.as_posix()}/duties/meetings.yaml:5:23: 错误 [ref.unknown] "
                        "raci.responsible[2]：没有岗位“secetary”——是否想写“secretary”？")
    assert lines[-1] == "共检查 7 个文件：1 个错误，1 个警告"
    assert result.exit_code == 1


def test_check_speaks_english_under_the_c_locale():
    result = invoke(["check", "--no-cache", REF_UNKNOWN], C)
    lines = result.output.strip().splitlines()
    assert lines[0].endswith(": error [ref.unknown] raci.responsible[2]: no post 'secetary' — did you mean 'secretary'?")
    assert lines[-1] == "7 files checked: 1 error, 1 warning"
    assert result.exit_code == 1


def test_a_clean_check_in_chinese(tmp_path):
    result = invoke(["check", "--no-cache", CASES / "valid" / "minimal" / "content"], ZH)
    assert result.exit_code == 0
    assert result.output.strip().endswith("共检查 14 个文件：没有发现问题")


def _parse_json(output):
    return json.loads(output)


def test_codes_paths_positions_and_exit_codes_are_the_same_in_every_language():
    """JSON: every field but the worded message and hint is identical; GitHub: the annotation's
    properties (file, line, col, title) are identical; exit codes too."""
    reports = {}
    for name, env in (("zh", ZH), ("c", C)):
        result = invoke(["check", "--no-cache", "--format", "json", REF_UNKNOWN], env)
        reports[name] = (result.exit_code, _parse_json(result.stdout))
    (zh_exit, zh), (c_exit, c) = reports["zh"], reports["c"]
    assert zh_exit == c_exit == 1
    assert set(zh) == set(c) == {"files", "errors", "warnings", "diagnostics"}
    assert {k: zh[k] for k in ("files", "errors", "warnings")} == {k: c[k] for k in ("files", "errors", "warnings")}

    def shape(diagnostic):
        return {k: v for k, v in diagnostic.items() if k not in ("message", "hint")}

    assert [shape(d) for d in zh["diagnostics"]] == [shape(d) for d in c["diagnostics"]]
    assert [d["severity"] for d in zh["diagnostics"]] == ["error", "warning"]  # values, not labels
    assert zh["diagnostics"][0]["message"] == "没有岗位“secetary”"
    assert c["diagnostics"][0]["message"] == "no post 'secetary'"

    annotations = {}
    for name, env in (("zh", ZH), ("c", C)):
        result = invoke(["check", "--no-cache", "--format", "github", REF_UNKNOWN], env)
        annotations[name] = [line.split("::")[1] for line in result.stdout.splitlines() if line.startswith("::")]
        assert result.exit_code == 1
    assert annotations["zh"] == annotations["c"]
    assert annotations["zh"][0].startswith("error file=")


def test_usage_errors_and_help_speak_chinese():
    missing = invoke(["check", "/no/such/folder"], ZH)
    assert missing.exit_code == 2
    assert "错误：" in missing.output and "运行“" in missing.output
    help_text = invoke(["check", "--help"], ZH).output
    assert help_text.startswith("用法：")
    assert "选项：" in help_text and "把警告当作错误。" in help_text and "显示本帮助并退出。" in help_text
    top = invoke(["--help"], ZH).output
    assert "命令：" in top and "检查 CONTENT_DIR（默认：content/），报告发现的全部问题。" in top
    assert "Usage:" in invoke(["check", "--help"], C).output


def test_every_command_has_its_help_translated():
    import click

    from officebook._babel import command_help

    catalog = _catalogue_tool().read(_catalogue_tool().po_path("zh_CN"), "zh_CN")
    untranslated = [text for text in command_help(main, click.Context(main))
                    if not (catalog.get(text) and catalog.get(text).string)]
    assert untranslated == []


# ---- review and diff, in both languages -------------------------------------------------------------------


def test_review_labels_follow_the_locale():
    args = ["review", "--no-cache", "--today", "2027-01-01", "--within", "3650", ROOT / "content"]
    zh = invoke(args, ZH)
    c = invoke(args, C)
    assert zh.exit_code == c.exit_code == 0
    assert zh.output.startswith("2036-12-29 前需复核（今天 2027-01-01，3650 天内）：")
    assert c.output.startswith("Due for review by 2036-12-29 (today 2027-01-01, within 3650 days): ")
    assert re.search(r"\d+ 天后到期", zh.output) and re.search(r"due in \d+ days", c.output)
    # the same entries in the same order: only the labels differ
    assert [line.split()[0] for line in zh.output.splitlines()[2:] if line.startswith("  ")] == \
        [line.split()[0] for line in c.output.splitlines()[2:] if line.startswith("  ")]


def test_diff_labels_follow_the_locale():
    args = ["diff", EDITIONS / "old", EDITIONS / "new"]
    zh, c = invoke(args, ZH), invoke(args, C)
    assert zh.exit_code == c.exit_code == 0
    assert zh.output.startswith("版次 2026.1 → 2026.2")
    assert c.output.startswith("Edition 2026.1 → 2026.2")
    assert re.search(r"^新增（\d+）$", zh.output, re.M) and re.search(r"^Added \(\d+\)$", c.output, re.M)
    markdown = invoke([*args, "--format", "markdown"], ZH).output
    assert "| 字段 | 修改前 | 修改后 |" in markdown and "# 从 2026.1 版到 2026.2 版的变更" in markdown
    assert invoke([*args, "--format", "json"], ZH).output == invoke([*args, "--format", "json"], C).output


# ---- a zh project's own files --------------------------------------------------------------------------


def test_new_writes_its_comments_in_the_manuals_default_language(tmp_path):
    for languages, words in (("zh,en", "这项职责多久进行一次。"), ("en,zh", "How often the duty recurs.")):
        project = tmp_path / languages.replace(",", "-")
        assert invoke(["init", "--lang", languages, project], C).exit_code == 0
        result = invoke(["new", "duty", "meals", "--content", project / "content"], C)
        assert result.exit_code == 0, result.output
        text = (project / "content" / "duties" / "meals.yaml").read_text(encoding="utf-8")
        comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
        assert words in comments
        if languages.startswith("zh"):
            assert "# 把每个 TODO 替换为实际内容，然后运行：officebook check" in comments
            assert "Replace every" not in comments and "One of:" not in comments
        # the fields themselves are the contract's, whatever the language
        assert "\nfrequency: TODO\n" in text and "\nraci:\n  responsible: [TODO]\n" in text


def test_the_full_width_finding_in_chinese(tmp_path):
    from conftest import write_files

    content = tmp_path / "content"
    write_files(tmp_path, {
        "content/manual.yaml": "title: 手册\norganization: 办公室\nedition: '1'\nlanguages: [zh]\n",
        "content/duties/meetings.yaml": "title: 会议：安排与记录\nfunction: x\nfrequency：weekly\n",
    })
    result = invoke(["check", "--no-cache", content], ZH)
    line = next(line for line in result.output.splitlines() if "[yaml.full-width]" in line)
    assert line == (f"{content.as_posix()}/duties/meetings.yaml:3:10: 错误 [yaml.full-width] 全角冒号“：”（U+FF1A）"
                    "出现在键“frequency”之后：YAML 在这里需要半角“:”——把输入法切换到半角（英文）标点，重新输入")
    assert "会议" not in line  # the full-width colon inside the title is Chinese punctuation, left alone


def test_the_project_readme_says_the_same_in_both_languages():
    """The README `init` writes comes from one template per shipped language: they must stay in step
    (the same inline code, the same commands, links and template values) so neither language's
    project misses an instruction the other has."""
    folder = ROOT / "src" / "officebook" / "project_template"

    def skeleton(text):
        blocks = re.findall(r"```.*?```", text, flags=re.S)
        commands = [re.sub(r"\s+#.*|<[^>]*>", "", line).rstrip() for block in blocks for line in block.splitlines()]
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        return {
            "code": sorted(set(re.findall(r"`[^`]+`", prose))),
            "commands": commands,
            "links": sorted(re.findall(r"\]\(([^)]+)\)", text)),
            "values": sorted(set(re.findall(r"{{\s*\w+\s*}}", text))),
        }

    english = skeleton((folder / "README.en.md").read_text(encoding="utf-8"))
    chinese = skeleton((folder / "README.zh.md").read_text(encoding="utf-8"))
    assert chinese == english
    assert english["commands"] and english["code"]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "summary"), [("zh_CN.UTF-8", "共检查 7 个文件：1 个错误，1 个警告"),
                                               ("C.UTF-8", "7 files checked: 1 error, 1 warning")])
def test_a_real_process_reads_lang(lang, summary):
    """As a shell runs it: a new process, only LANG set (the zh_CN locale need not be installed)."""
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items()
           if key not in ("OFFICEBOOK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    run = subprocess.run([sys.executable, "-m", "officebook", "check", "--no-cache", str(REF_UNKNOWN)],
                         env={**env, "LANG": lang}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == summary


def test_what_the_commands_print_is_catalogued():
    """A message written as a bare string (or f-string) where officebook prints, raises or reports a
    finding for the user would stay English under every locale: each must go through `_()`. Words of option names
    (`--reference-doc`) and the program's name are not prose."""
    import ast
    import builtins

    internal = {name for name in dir(builtins) if name.endswith(("Error", "Exception"))}
    words = re.compile(r"(?<![-\w])[A-Za-z]{3,}")

    def prose(node):
        parts = [node] if isinstance(node, ast.Constant) else \
            [p for p in node.values if isinstance(p, ast.Constant)] if isinstance(node, ast.JoinedStr) else []
        text = " ".join(p.value for p in parts if isinstance(p.value, str))
        text = re.sub(r"--[\w-]+|\bofficebook( [a-z]+)?\b", "", text)
        return words.findall(text)

    found = []
    for path in sorted((ROOT / "src" / "officebook").rglob("*.py")):
        if path.name == "_babel.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("echo", "UsageError", "BadParameter") or (name.endswith("Error") and name not in internal):
                worded = node.args[:1]
            else:  # findings: the message and hint of Diagnostic(...), loaded.diagnostic(...), load's _at(...)
                worded = {"Diagnostic": node.args[6:8], "diagnostic": node.args[2:4], "_at": node.args[4:6],
                          "_error": node.args[3:5]}.get(name, [])
            for argument in worded:
                if prose(argument):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(argument)[:70]}")
    assert found == []


def test_refresh_keeps_a_projects_guide_and_schemas_in_its_language(tmp_path):
    project = tmp_path / "manual"
    assert invoke(["init", "--lang", "zh,en", project], C).exit_code == 0
    assert "up to date" in invoke(["init", "--refresh", project], C).output  # not rewritten into English
    guide = project / "guide" / "authors-guide.md"
    guide.write_text("old\n", encoding="utf-8")
    assert invoke(["init", "--refresh", project], C).exit_code == 0
    assert "# 编写指南" in guide.read_text(encoding="utf-8")
