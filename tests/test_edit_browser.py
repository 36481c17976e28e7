"""officebook edit in Chromium: the printed address, the 编辑 link, the forms, saving, the page updated."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from browsing import ARTIFACTS, page_without_errors

from conftest import ROOT

pytestmark = pytest.mark.slow
DUTY = "duties/service/duty-watch.yaml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def editor(tmp_path):
    """`officebook edit` on a copy of the default manual; yields (printed address, content folder)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = _free_port()
    env = {**os.environ, "OFFICEBOOK_LANG": "zh_CN", "OFFICEBOOK_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "officebook", "edit", str(content), "-a", f"127.0.0.1:{port}"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith(f"http://127.0.0.1:{port}/?token="), url
        yield url, content
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


@pytest.fixture
def page(browser):
    with page_without_errors(browser) as page:
        yield page


def _text_box(page, path: str, lang: str = "zh"):
    return page.locator(f'[data-schemapath="{path}"] .ob-input[lang="{lang}"]').first


def _base(url: str) -> str:
    return url.split("/?token=")[0]


def test_the_printed_address_opens_the_site_and_leaves_the_token_in_a_cookie(editor, page):
    """The printed address is the manual's home page: opened, it shows the live site with the editor's
    links, and the token is gone from the address bar (kept in a cookie the page's scripts cannot read)."""
    url, content = editor
    page.goto(url)
    assert page.url == _base(url) + "/"
    assert page.get_by_role("link", name="编辑手册设置").count() == 1
    assert page.evaluate("document.cookie") == ""
    assert any(cookie["value"] == url.split("token=")[1] and cookie["httpOnly"] for cookie in page.context.cookies())
    page.goto(_base(url) + "/duties/")
    page.get_by_role("link", name="新建", exact=True).click()
    page.wait_for_selector("body.ob-ready")  # the forms answer: the cookie is the token


def test_edit_a_duty_from_its_page_and_see_the_page_show_it(editor, page):
    from playwright.sync_api import expect

    url, content = editor
    base = _base(url)
    page.goto(url)
    page.goto(base + "/duties/duty-watch/")
    page.get_by_role("link", name="编辑", exact=True).click()
    page.wait_for_selector("body.ob-ready")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "edit-duty-form.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    page.screenshot(path=str(ARTIFACTS / "edit-duty-form-390.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    _text_box(page, "root.title").fill("市政府总值班（已改）")
    _text_box(page, "root.tasks.0.action").fill("接班时查阅值班日志并逐项确认未办结事项。")
    # a link to a procedure's step, picked by the step's title, at the end of the description
    description = _text_box(page, "root.description")
    description.focus()
    description.press("End")
    description.press("Control+End")
    links = page.locator('[data-schemapath="root.description"] .ob-md-tools .ob-picker')
    links.locator(".ob-search").fill("起草")
    links.locator("select").select_option("procedures/document-drafting#draft")
    assert description.input_value().endswith("[起草](procedures/document-drafting#draft)")
    page.click("#ob-save")
    page.wait_for_url(base + "/duties/duty-watch/", timeout=120_000)
    expect(page.locator("h1").first).to_contain_text("市政府总值班（已改）", timeout=120_000)
    page.get_by_role("link", name="起草", exact=True).last.click()  # the step link resolves on the site
    page.wait_for_url(base + "/procedures/document-drafting/#step-draft")
    # waited for, not counted at once: the preview may still be rebuilding this page (it shows the duty
    # among its referrers) and reload it when done, as it should
    expect(page.locator("#step-draft")).to_have_count(1, timeout=60_000)
    page.goto(base + "/posts/duty-officer/")  # a duty's tasks are shown in its posts' checklists
    expect(page.locator("article").first).to_contain_text("接班时查阅值班日志并逐项确认未办结事项。", timeout=30_000)
    text = (content / DUTY).read_text(encoding="utf-8")
    assert "  zh: 市政府总值班（已改）\n" in text


def test_saving_an_unchanged_form_changes_no_file(editor, page):
    """Forms opened and saved as they are write what the files say: a task's own frequency, a standard's
    self-check, steps without `next` (the next in the list), branches, the manual's switches."""
    url, content = editor
    base = _base(url)
    before = {path: path.read_bytes() for path in content.rglob("*.yaml")}
    page.goto(url)
    for form, shown in (("duties/duty-watch", "duties/duty-watch/"), ("standards/archives-security", "standards/archives-security/"),
                        ("procedures/document-drafting", "procedures/document-drafting/"), ("manual", "")):
        page.goto(f"{base}/_edit/{form}")
        page.wait_for_selector("body.ob-ready")
        page.click("#ob-save")
        try:
            page.wait_for_url(f"{base}/{shown}", timeout=120_000)
        except Exception as error:  # say what the form said
            raise AssertionError(page.locator("#ob-summary").inner_text()) from error
        page.wait_for_load_state()
    changed = [str(path.relative_to(content)) for path in content.rglob("*.yaml") if path.read_bytes() != before[path]]
    assert changed == []


def test_a_duty_without_an_accountable_post_shows_the_finding_at_the_raci(editor, page):
    url, content = editor
    before = (content / DUTY).read_bytes()
    page.goto(url)
    page.goto(_base(url) + "/_edit/duties/duty-watch")
    page.wait_for_selector("body.ob-ready")
    page.click('.ob-raci input[data-role="accountable"]:checked')
    assert page.locator('.ob-raci input[data-role="accountable"]:checked').count() == 0
    page.click("#ob-save")
    finding = page.locator('[data-schemapath="root.raci"] .ob-finding')
    finding.wait_for(timeout=30_000)
    assert finding.inner_text().startswith("⚠ 请填写“负责（A）”") or finding.inner_text().startswith("请填写“负责（A）”")
    assert "accountable" not in page.locator("#ob-summary").inner_text()  # the form's words, not the file's
    time.sleep(0.5)
    assert (content / DUTY).read_bytes() == before


def test_create_a_branching_procedure_through_the_forms_and_see_its_flowchart(editor, page):
    from playwright.sync_api import expect

    url, content = editor
    base = _base(url)
    page.goto(url)
    page.goto(base + "/procedures/")
    page.get_by_role("link", name="新建", exact=True).click()
    page.wait_for_selector("body.ob-ready")
    _text_box(page, "root.title").fill("公章使用")
    _text_box(page, "root.title", "en").fill("Using the office seal")
    page.locator('[data-schemapath="root.owner"] select').select_option("admin-chief")
    add = page.locator('[data-schemapath="root.steps"] button.json-editor-btn-add:visible').last
    steps = [("登记申请", "Register", "核对用印申请单。", "Check the request."),
             ("盖章", "Stamp", "在文件上盖章。", "Stamp the document."),
             ("退回", "Return", "退回申请人补充材料。", "Send it back.")]
    for index, (zh, en, action_zh, action_en) in enumerate(steps):
        path = f"root.steps.{index}"
        if not page.locator(f'[data-schemapath="{path}"]').count():  # the form starts with one step
            add.click()
        page.wait_for_selector(f'[data-schemapath="{path}"]')
        _text_box(page, f"{path}.title").fill(zh)
        _text_box(page, f"{path}.title", "en").fill(en)
        page.locator(f'[data-schemapath="{path}.actor"] select').select_option("admin-chief")
        _text_box(page, f"{path}.action").fill(action_zh)
        _text_box(page, f"{path}.action", "en").fill(action_en)
    # The step ids follow the titles in pinyin through the API, asynchronously: wait for them (a loaded
    # machine answers later than a person types) before the next steps are picked by them.
    for index, ident in ((1, "gai-zhang"), (2, "tui-hui")):
        expect(page.locator(f'[data-schemapath="root.steps.{index}.id"] input')).to_have_value(ident, timeout=60_000)
    _text_box(page, "root.steps.1.when").fill("材料齐全")
    _text_box(page, "root.steps.1.when", "en").fill("Complete")
    _text_box(page, "root.steps.2.when").fill("材料不全")
    _text_box(page, "root.steps.2.when", "en").fill("Incomplete")
    first = page.locator('[data-schemapath="root.steps.0.next"]')
    first.locator('input[value="choose"]').check()
    first.get_by_label("2. 盖章").check()
    first.get_by_label("3. 退回").check()
    page.locator('[data-schemapath="root.steps.1.next"] input[value="end"]').check()
    page.locator('[data-schemapath="root.steps.2.next"] input[value="end"]').check()
    # Authors never see a step's id: a step picked as next is renamed, a step picked then removed.
    assert not page.locator('[data-schemapath="root.steps.0.id"]').is_visible()
    _text_box(page, "root.steps.1.title").fill("加盖公章")
    expect(first.get_by_label("2. 加盖公章")).to_be_checked()
    add.click()
    _text_box(page, "root.steps.3.title").fill("作废")
    first.get_by_label("4. 作废").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('[data-schemapath="root.steps.3"] button.json-editor-btn-delete').first.click()
    expect(first.locator(".ob-next-target")).to_have_count(2)
    expect(first.locator(".ob-next-target input:checked")).to_have_count(2)
    expect(page.locator('[data-schemapath="root.steps.1.id"] input')).to_have_value("jia-gai-gong-zhang", timeout=60_000)
    # the procedure's own steps, as they are in the form, can be linked from its texts
    links = page.locator('[data-schemapath="root.purpose"] .ob-md-tools .ob-picker')
    links.locator(".ob-search").fill("退回")
    links.locator("select").select_option("procedures/gong-zhang-shi-yong#tui-hui")
    assert _text_box(page, "root.purpose").input_value() == "[退回](procedures/gong-zhang-shi-yong#tui-hui)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "edit-procedure-form.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "edit-procedure-form-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#ob-save")
    try:
        page.wait_for_url(base + "/procedures/gong-zhang-shi-yong/", timeout=120_000)
    except Exception as error:  # say what the form said
        raise AssertionError(page.locator("#ob-summary").inner_text()) from error
    svg = page.locator("article svg").first
    expect(svg).to_contain_text("材料齐全", timeout=120_000)
    expect(svg).to_contain_text("材料不全")
    text = (content / "procedures/gong-zhang-shi-yong.yaml").read_text(encoding="utf-8")
    assert "next: [jia-gai-gong-zhang, tui-hui]" in text  # a new step's id follows its title, in pinyin


def test_hostile_content_stays_text_in_the_forms(editor, page):
    """Titles and Markdown with HTML and script: shown as text in pickers, the RACI grid, chips and the
    preview, never run."""
    url, content = editor
    post = content / "posts" / "duty-officer.yaml"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("  zh: 总值班室值班员", "  zh: \"总值班室值班员<img src=x onerror=window.pwned=1>\"", 1),
                    encoding="utf-8")
    duty = content / DUTY
    duty.write_text(duty.read_text(encoding="utf-8").replace(
        "description:\n  zh: |\n", "description:\n  zh: |\n    <script>window.pwned=2</script>[x](javascript:window.pwned=3)\n", 1),
        encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.goto(_base(url) + "/_edit/duties/duty-watch")
    page.wait_for_selector("body.ob-ready")
    assert "<img src=x" in page.locator(".ob-raci").inner_text()
    page.locator('[data-schemapath="root.description"] button.ob-small').click()
    preview = page.locator('[data-schemapath="root.description"] .ob-preview')
    preview.wait_for()
    assert "<script>" in preview.inner_text()
    assert page.locator('[data-schemapath="root.description"] .ob-preview a[href^="javascript"]').count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned") is None and dialogs == []
