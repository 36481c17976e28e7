"""The review cycle: entries past or near their review date, grouped by maintainer."""

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from conftest import CASES
from officebook.pipeline import run_check
from officebook.review import due_for_review, format_text, is_past_review

MINIMAL = CASES / "valid" / "minimal" / "content"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The minimal manual with review dates spread around 2030-06-15."""
    content = tmp_path_factory.mktemp("review") / "content"
    shutil.copytree(MINIMAL, content)
    dates = {"posts/driver.yaml": ("2030-06-14", "secretary"),
             "duties/annual-review.yaml": ("2030-07-15", "secretary"),
             "standards/accuracy.yaml": ("2030-07-16", "director"),
             "procedures/vehicle-request.yaml": ("2030-06-15", None),
             "functions/service.yaml": ("2030-06-01", "secretary")}
    for rel, (date, maintainer) in dates.items():
        with (content / rel).open("a", encoding="utf-8") as handle:
            handle.write(f"review_by: {date}\n" + (f"maintainer: {maintainer}\n" if maintainer else ""))
    result = run_check(content, use_cache=False, today=dt.date(2030, 6, 15))
    assert result.manual is not None, result.diagnostics
    return content, result.manual


def test_due_entries_are_grouped_by_maintainer_earliest_first(reviewed):
    _, manual = reviewed
    report = due_for_review(manual, dt.date(2030, 6, 15))
    assert [(g.maintainer, [(str(e.ref), e.days) for e in g.entries]) for g in report.groups] == [
        ("secretary", [("functions/service", -14), ("posts/driver", -1), ("duties/annual-review", 30)]),
        (None, [("procedures/vehicle-request", 0)]),
    ]
    assert report.overdue == 2 and report.horizon == dt.date(2030, 7, 15)


def test_the_window_is_injectable(reviewed):
    _, manual = reviewed
    assert [str(e.ref) for e in due_for_review(manual, dt.date(2030, 6, 15), within_days=0).entries] == [
        "functions/service", "posts/driver", "procedures/vehicle-request"]
    late = due_for_review(manual, dt.date(2099, 1, 2), within_days=0)
    assert [g.maintainer for g in late.groups] == ["director", "secretary", None]  # reporting-tree order
    assert [str(e.ref) for e in late.groups[0].entries] == ["standards/accuracy", "functions/coordination"]


def test_past_review_is_strictly_before_today(reviewed):
    _, manual = reviewed
    assert is_past_review(manual.posts["driver"], dt.date(2030, 6, 15))
    assert not is_past_review(manual.procedures["vehicle-request"], dt.date(2030, 6, 15))
    assert not is_past_review(manual.posts["secretary"], dt.date(2030, 6, 15))  # no review date


def test_review_command(reviewed):
    content, manual = reviewed
    run = subprocess.run([sys.executable, "-m", "officebook", "review", "--no-cache", str(content), "--today",
                          "2030-06-15", "--lang", "en"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""  # overdue entries are the report, not warnings
    assert run.stdout == format_text(due_for_review(manual, dt.date(2030, 6, 15)), manual, "en")
    assert "Secretary (secretary)\n  2030-06-01  overdue by 14 days" in run.stdout
    assert "No maintainer\n  2030-06-15  due today" in run.stdout
    run = subprocess.run([sys.executable, "-m", "officebook", "review", "--no-cache", str(content), "--today",
                          "2030-06-15", "--within", "0", "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    data = json.loads(run.stdout)
    assert (data["entries"], data["overdue"]) == (3, 2)
    assert data["groups"][0]["entries"][0] == {"kind": "functions", "id": "service",
                                               "title": {"zh": "服务保障", "en": "Service"},
                                               "review_by": "2030-06-01", "days": -14, "overdue": True}

