"""officebook edit: the HTTP API and its guards, driven as WSGI (no server, no build)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from officebook.edit.ids import propose_id
from officebook.edit.roundtrip import rewrite
from officebook.edit.server import EditSession, RemoteAddress
from officebook.load import LoadLimits, load_bytes

DUTY = "duties/service/duty-watch.yaml"


class Client:
    def __init__(self, content: Path) -> None:
        self.saved: list[list[str]] = []
        self.session = EditSession(content, "127.0.0.1", 8123, ("zh", "en"), LoadLimits(), self.saved.append)
        self.app = self.session.app
        self.token = self.session.guard.token

    @staticmethod
    def site(environ, start_response):
        """The preview's pages, as far as the editor's door in front of them can tell."""
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"page {environ['PATH_INFO']}".encode()]

    def call(self, method, path, body=None, *, token=True, host="127.0.0.1:8123", headers=None, app=None):
        raw = json.dumps(body).encode() if body is not None else b""
        path, _, query = path.partition("?")
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host,
                   "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw)),
                   "CONTENT_TYPE": "application/json" if body is not None else ""}
        if token:
            environ["HTTP_X_OFFICEBOOK_TOKEN"] = self.token if token is True else token
        environ.update(headers or {})
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        data = b"".join((app or self.app)(environ, start_response))
        self.headers = answer["headers"]
        is_json = answer["headers"].get("Content-Type", "").startswith("application/json")
        return answer["status"], json.loads(data) if is_json else data.decode()


@pytest.fixture(scope="module")
def _pristine(tmp_path_factory):
    """The default manual under git, once per module."""
    root = tmp_path_factory.mktemp("edit")
    shutil.copytree(ROOT / "content", root / "content")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], cwd=root, check=True)
    return root


@pytest.fixture
def content(_pristine):
    """The default manual as committed, in the same folder for every test (so the check cache stays warm)."""
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=_pristine, check=True)
    subprocess.run(["git", "clean", "-qfd"], cwd=_pristine, check=True)
    return _pristine / "content"


@pytest.fixture
def client(content):
    return Client(content)


def _numstat(content: Path) -> list[str]:
    out = subprocess.run(["git", "diff", "--numstat"], cwd=content.parent, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


# ---- the guards ----------------------------------------------------------------------------------------


def test_no_token_is_401_and_a_wrong_one_403(client):
    assert client.call("GET", "/_edit/api/duties/duty-watch", token=False)[0] == 401
    assert client.call("GET", "/_edit/api/duties/duty-watch", token="guess")[0] == 403
    status, _ = client.call("PUT", "/_edit/api/duties/duty-watch", {"item": {}, "revision": ""}, token=False)
    assert status == 401


def test_the_token_in_the_printed_address_becomes_a_cookie(client):
    """The printed address is the manual's home page with the token: opening it keeps the token in a
    cookie and redirects to the page without it (out of the address bar and the history)."""
    assert client.session.url == f"http://127.0.0.1:8123/?token={client.token}"
    site = client.app.entrance(client.site)
    status, body = client.call("GET", "/?token=guess", token=False, app=site)
    assert status == 403 and "Set-Cookie" not in client.headers and "token" in body
    status, _ = client.call("GET", f"/?token={client.token}", token=False, app=site)
    assert status == 303 and client.headers["Location"] == "/"
    cookie = client.headers["Set-Cookie"]
    assert cookie.startswith(f"officebook_edit_8123={client.token};") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, body = client.call("GET", "/_edit/api/manual", token=False, headers={"HTTP_COOKIE": cookie.split(";")[0]})
    assert status == 200 and body["item"]["edition"]
    # any page of the site: back to the same page, other parameters kept, never to another host
    client.call("GET", f"/duties/duty-watch/?token={client.token}&h=%E5%80%BC", token=False, app=site)
    assert client.headers["Location"] == "/duties/duty-watch/?h=%E5%80%BC"
    client.call("GET", f"//evil.example/?token={client.token}", token=False, app=site)
    assert client.headers["Location"] == "/evil.example/"
    # the same guards as every editor request: a foreign Host is refused, token or not
    assert client.call("GET", f"/?token={client.token}", token=False, host="evil.example:8123", app=site)[0] == 403
    assert "Set-Cookie" not in client.headers
    # without a token, or not a GET, the site answers as it is (no cookie)
    assert client.call("GET", "/duties/", token=False, app=site) == (200, "page /duties/")
    assert client.call("POST", f"/?token={client.token}", token=False, app=site) == (200, "page /")
    assert "Set-Cookie" not in client.headers
    # the address earlier versions printed still works
    assert client.call("GET", "/_edit/?token=guess", token=False)[0] == 403
    assert client.call("GET", f"/_edit/?token={client.token}", token=False)[0] == 303


def test_the_printed_address_follows_the_sites_path(content):
    session = EditSession(content, "127.0.0.1", 8123, ("zh",), LoadLimits(), lambda paths: None, mount_path="/manual/")
    assert session.url == f"http://127.0.0.1:8123/manual/?token={session.guard.token}"
    assert EditSession(content, "::1", 8123, ("zh",), LoadLimits(), lambda paths: None).url.startswith("http://[::1]:8123/?token=")


def test_a_foreign_host_is_refused_even_with_the_token(client):
    assert client.call("GET", "/_edit/api/duties/duty-watch", host="evil.example:8123")[0] == 403
    assert client.call("GET", "/_edit/duties/duty-watch", host="evil.example:8123")[0] == 403
    assert client.call("GET", "/_edit/api/duties/duty-watch", host="localhost:8123")[0] == 200


def test_a_write_from_a_foreign_origin_is_refused_and_nothing_changes(client, content):
    before = (content / DUTY).read_bytes()
    item = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    item["item"]["title"]["zh"] = "被改了"
    status, _ = client.call("PUT", "/_edit/api/duties/duty-watch", item, headers={"HTTP_ORIGIN": "http://evil.example"})
    assert status == 403
    status, _ = client.call("PUT", "/_edit/api/duties/duty-watch", item, headers={"HTTP_SEC_FETCH_SITE": "cross-site"})
    assert status == 403
    assert (content / DUTY).read_bytes() == before


@pytest.mark.parametrize("path", ["/_edit/api/duties/..%2F..%2Fetc%2Fpasswd", "/_edit/api/duties/../../manual",
                                  "/_edit/api/duties/Duty-Watch", "/_edit/api/assets/x", "/_edit/api/manual/x",
                                  "/_edit/api/duties/a/b"])
def test_paths_outside_the_contract_are_not_found(client, path):
    assert client.call("GET", path)[0] == 404
    assert client.call("PUT", path, {"item": {"title": "x"}, "revision": ""})[0] in (404, 405)


def test_a_new_item_with_an_id_outside_the_contract_is_refused(client, content):
    for ident in ("../../evil", "Evil", "a" * 65, ".hidden"):
        status, body = client.call("POST", "/_edit/api/functions", {"id": ident, "item": {"title": "x"}})
        assert status == 422 and body["findings"][0]["code"] == "id.invalid"
    assert not list(content.parent.glob("evil*"))


def test_writes_need_json(client):
    status, _ = client.call("PUT", "/_edit/api/duties/duty-watch", {"item": {}}, headers={"CONTENT_TYPE": "text/plain"})
    assert status == 415


def test_the_editor_listens_on_this_machine_only(content):
    with pytest.raises(RemoteAddress):
        EditSession(content, "0.0.0.0", 8000, ("zh",), LoadLimits(), lambda paths: None)


# ---- reading and saving ----------------------------------------------------------------------------------


def test_changing_one_title_changes_one_line(client, content):
    status, got = client.call("GET", "/_edit/api/duties/duty-watch")
    assert status == 200 and got["file"] == DUTY and got["page"] == "duties/duty-watch/"
    got["item"]["title"]["zh"] = "市政府总值班室"
    status, saved = client.call("PUT", "/_edit/api/duties/duty-watch", got)
    assert status == 200 and saved["revision"] != got["revision"]
    assert _numstat(content) == [f"1\t1\tcontent/{DUTY}"]
    assert client.saved == [[DUTY]]
    data, findings = load_bytes((content / DUTY).read_bytes(), DUTY)
    assert data == got["item"] and not findings


def test_a_stale_revision_is_409_and_the_file_is_left_alone(client, content):
    got = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    path = content / DUTY
    path.write_text(path.read_text(encoding="utf-8") + "# a colleague's note\n", encoding="utf-8")
    changed = path.read_bytes()
    got["item"]["title"]["zh"] = "改"
    status, body = client.call("PUT", "/_edit/api/duties/duty-watch", got)
    assert status == 409 and body["revision"] != got["revision"]
    assert path.read_bytes() == changed


def test_an_invalid_edit_is_422_with_findings_at_their_paths_and_nothing_written(client, content):
    before = (content / DUTY).read_bytes()
    got = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    del got["item"]["raci"]["accountable"]
    got["item"]["frequency"] = "sometimes"
    status, body = client.call("PUT", "/_edit/api/duties/duty-watch", got)
    assert status == 422
    where = {(f["code"], f["path"]) for f in body["findings"]}
    assert ("schema.required", "raci") in where and ("schema.enum", "frequency") in where
    assert all(f["file"] == DUTY and f["message"] for f in body["findings"])
    assert (content / DUTY).read_bytes() == before and client.saved == []


def test_a_broken_reference_is_reported_at_its_field(client):
    got = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    got["item"]["raci"]["accountable"] = "nobody"
    status, body = client.call("PUT", "/_edit/api/duties/duty-watch", got)
    assert status == 422
    assert [(f["code"], f["location"]) for f in body["findings"]] == [("ref.unknown", ["raci", "accountable"])]


def test_findings_speak_the_interface_language(client):
    from officebook import i18n

    got = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    del got["item"]["raci"]["accountable"]
    with i18n.using("zh_CN"):
        body = client.call("PUT", "/_edit/api/duties/duty-watch", got)[1]
    assert any("\u4e00" <= c <= "\u9fff" for c in body["findings"][0]["message"])


def test_manual_and_glossary_are_edited_without_an_id(client, content):
    got = client.call("GET", "/_edit/api/glossary")[1]
    got["item"]["terms"][0]["term"]["en"] = "Official document (gongwen)"
    assert client.call("PUT", "/_edit/api/glossary", got)[0] == 200
    assert _numstat(content) == ["1\t1\tcontent/glossary.yaml"]
    assert client.call("DELETE", "/_edit/api/manual")[0] == 405


# ---- creating, renaming, deleting ---------------------------------------------------------------------------


@pytest.mark.slow  # a new or removed id: every file's meaning is checked again
def test_a_new_item_is_written_in_block_style_with_an_id_from_its_title(client, content):
    item = {"title": {"zh": "车辆调度", "en": "Vehicle dispatch"}, "function": "service-guarantee",
            "frequency": "daily", "raci": {"responsible": ["admin-chief"], "accountable": "admin-chief"}}
    status, body = client.call("POST", "/_edit/api/duties", {"item": item})
    assert status == 201 and body["id"] == "che-liang-diao-du" and body["page"] == "duties/che-liang-diao-du/"
    text = (content / "duties/che-liang-diao-du.yaml").read_text(encoding="utf-8")
    assert "title:\n  zh: 车辆调度\n  en: Vehicle dispatch\n" in text and "{zh:" not in text
    assert client.call("POST", "/_edit/api/duties", {"id": "che-liang-diao-du", "item": item})[0] == 409


def test_ids_are_proposed_from_titles():
    assert propose_id(["值班交接"]) == "zhi-ban-jiao-jie"
    assert propose_id(["值班交接"], ["zhi-ban-jiao-jie"]) == "zhi-ban-jiao-jie-2"
    assert propose_id(["Document review: 2026"]) == "document-review-2026"


def test_deleting_an_item_others_refer_to_is_409_with_the_referrers(client, content):
    status, body = client.call("DELETE", "/_edit/api/standards/duty-discipline")
    assert status == 409
    assert {"file": DUTY, "kind": "duties", "id": "duty-watch", "path": "standards[0]"} in body["referrers"]
    assert (content / "standards/duty-discipline.yaml").exists()


@pytest.mark.slow  # a new or removed id: every file's meaning is checked again
def test_deleting_an_unreferenced_item(client, content):
    item = {"title": "临时职能"}
    ident = client.call("POST", "/_edit/api/functions", {"item": item})[1]["id"]
    assert client.call("DELETE", f"/_edit/api/functions/{ident}")[0] == 200
    assert not (content / f"functions/{ident}.yaml").exists()


@pytest.mark.slow  # a new or removed id: every file's meaning is checked again
def test_renaming_an_id_updates_every_reference(client, content):
    got = client.call("GET", "/_edit/api/standards/duty-discipline")[1]
    got["id"] = "duty-room-discipline"
    status, body = client.call("PUT", "/_edit/api/standards/duty-discipline", got)
    assert status == 200 and body["id"] == "duty-room-discipline"
    assert not (content / "standards/duty-discipline.yaml").exists()
    assert (content / "standards/duty-room-discipline.yaml").exists()
    from officebook.pipeline import run_check

    result = run_check(content, use_cache=False, link_model=False)
    assert not result.has_errors
    for path in body["changed"]:
        if (content / path).exists():
            assert "duty-discipline" not in (content / path).read_text(encoding="utf-8").replace("duty-room-discipline", "")


def test_the_site_pages_get_the_editors_links_from_a_script_file(client):
    tag = client.app.links_tag()
    assert 'src="/_edit/static/links.js"' in tag and "<script>" not in tag


def test_the_form_page_allows_only_the_packages_scripts(client):
    environ_page = client.call("GET", "/_edit/duties/duty-watch")
    assert environ_page[0] == 200 and "officebook-edit-config" in environ_page[1]
    assert client.call("GET", "/_edit/static/vendor/json-editor/jsoneditor.js", token=False)[0] == 200
    assert client.call("GET", "/_edit/static/../app.py", token=False)[0] == 404


# ---- the round trip itself -----------------------------------------------------------------------------------


def test_rewrite_keeps_an_authors_own_indentation_comments_and_quotes():
    original = "# note\ntitle:\n    zh: 甲   # keep\n    en: 'A'\ntasks:\n-   zh: 一\n    en: one\nreview_by: 2020-01-01\n"
    data = load_bytes(original.encode(), "x.yaml")[0]
    data["title"]["zh"] = "乙"
    data["tasks"].append({"zh": "三", "en": "yes"})
    data["review_by"] = "2029-02-02"
    text = rewrite(original, data)
    assert text == ("# note\ntitle:\n    zh: 乙   # keep\n    en: 'A'\ntasks:\n-   zh: 一\n    en: one\n"
                    "-   zh: 三\n    en: \"yes\"\nreview_by: 2029-02-02\n")
    assert load_bytes(text.encode(), "x.yaml")[0] == data


def test_the_pickers_list_titles_and_a_procedures_steps(client):
    """Pickers search titles; the link picker offers a procedure's steps (`procedures/ID#STEP`) by title."""
    status, body = client.call("GET", "/_edit/api/procedures")
    assert status == 200
    drafting = next(entry for entry in body["items"] if entry["id"] == "document-drafting")
    assert drafting["title"]["zh"] == "发文办理"
    assert drafting["steps"][0] == {"id": "draft", "title": {"zh": "起草", "en": "Draft"}}
    assert all("steps" not in entry for entry in client.call("GET", "/_edit/api/duties")[1]["items"])


def test_an_unchanged_save_writes_nothing(client, content):
    """A form saved as it was opened leaves the file untouched (no watcher event, no rebuild, no reload)."""
    path = content / DUTY
    stamp = path.stat().st_mtime_ns
    body = client.call("GET", "/_edit/api/duties/duty-watch")[1]
    status, answer = client.call("PUT", "/_edit/api/duties/duty-watch", {"item": body["item"], "revision": body["revision"]})
    assert status == 200 and answer["revision"] == body["revision"]
    assert path.stat().st_mtime_ns == stamp and client.saved == []


def test_removing_a_step_changes_only_its_lines(client, content):
    """Steps are matched by id, not by position: a removed step's lines go, the steps after it stay."""
    body = client.call("GET", "/_edit/api/procedures/document-drafting")[1]
    item = body["item"]
    item["steps"] = [step for step in item["steps"] if step["id"] != "revise"]
    for step in item["steps"]:
        if "next" in step:
            step["next"] = [target for target in step["next"] if target != "revise"]
    status, _ = client.call("PUT", "/_edit/api/procedures/document-drafting", {"item": item, "revision": body["revision"]})
    assert status == 200
    assert _numstat(content) == ["2\t14\tcontent/procedures/document-drafting.yaml"]  # 12 lines of the step, 2 next lines
