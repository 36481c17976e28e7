"""Editor support: the schemas as the YAML language server sees them in a project made by `init`.

The language-server test installs the real `yaml-language-server` from the npm registry (once, into
the user's cache folder) and talks to it over stdio with LSP JSON-RPC, as VS Code does.
"""

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from conftest import ROOT, run_tool, write_files
from officebook.guide import SchemaSet
from officebook.scaffold import SCHEMA_FOLDER, init_project
from officebook.vocabulary.kinds import KIND_SCHEMA

YAML_LANGUAGE_SERVER = "yaml-language-server@1.25.0"  # 1.x runs on Node 20; 2.x needs Node 22


# ---- the schemas' own examples and the mapping --------------------------------------------------------


def _annotated(node, pointer=""):
    """(JSON pointer, schema) of every subschema that carries `examples` (examples themselves are data,
    not searched)."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list):
            yield pointer, node
        for key, value in node.items():
            if key not in ("examples", "enum", "const"):
                yield from _annotated(value, f"{pointer}/{key}")


@pytest.mark.parametrize("path", sorted((ROOT / "schemas").glob("*.schema.json")), ids=lambda p: p.name)
def test_every_example_in_the_schemas_is_valid_where_it_stands(path):
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.json")}
    registry = Registry().with_resources((name, Resource.from_contents(doc)) for name, doc in documents.items())
    document = documents[path.name]
    checked = 0
    for pointer, schema in _annotated(document):
        validator = jsonschema.Draft202012Validator(
            {**schema, "$id": path.name} if pointer == "" else {"$ref": f"{path.name}#{pointer}"},
            registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        for example in schema["examples"]:
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], f"{path.name}#{pointer}: example {example!r}: {errors}"
            checked += 1
    assert checked


def test_the_editor_settings_map_every_schema_to_its_files():
    files = init_project(("zh", "en")).files
    settings = json.loads(files[".vscode/settings.json"])
    mapping = settings["yaml.schemas"]
    assert {Path(key).name for key in mapping} == {f"{name}.schema.json" for name in KIND_SCHEMA.values()}
    for key in mapping:
        assert key.startswith(f"./{SCHEMA_FOLDER}/") and key[2:] in files  # the schema is in the project
    assert f"{SCHEMA_FOLDER}/common.schema.json" in files  # the target of every relative $ref
    assert mapping[f"./{SCHEMA_FOLDER}/duty.schema.json"] == ["content/duties/**/*.yaml", "content/duties/**/*.yml"]
    assert json.loads(files[".vscode/extensions.json"]) == {"recommendations": ["redhat.vscode-yaml"]}


def test_the_projects_schemas_are_the_packages():
    files = init_project(("en",)).files
    for name, document in SchemaSet().documents.items():
        if name.removesuffix(".schema.json") in ("common", *KIND_SCHEMA.values()):
            assert json.loads(files[f"{SCHEMA_FOLDER}/{name}"]) == document


def _without_texts(node):
    """A schema with its titles and descriptions taken out: its shape."""
    if isinstance(node, dict):
        return {key: value if key in ("examples", "enum", "const", "default") else _without_texts(value)
                for key, value in node.items() if key not in ("title", "description")}
    if isinstance(node, list):
        return [_without_texts(value) for value in node]
    return node


def test_a_chinese_projects_schemas_have_the_packages_shape_and_chinese_help():
    """schemas/ is the single source of truth for shape: the localised copies differ only in their
    titles and descriptions, which come from the catalogue."""
    files = init_project(("zh", "en")).files
    for name, document in SchemaSet().documents.items():
        if name.removesuffix(".schema.json") in ("common", *KIND_SCHEMA.values()):
            localised = json.loads(files[f"{SCHEMA_FOLDER}/{name}"])
            assert _without_texts(localised) == _without_texts(document), name
    duty = json.loads(files[f"{SCHEMA_FOLDER}/duty.schema.json"])
    assert duty["description"] == "职责：本单位承担的一项工作。"
    assert duty["properties"]["frequency"]["description"] == "这项职责多久进行一次。"
    common = json.loads(files[f"{SCHEMA_FOLDER}/common.schema.json"])
    assert common["$defs"]["text"]["description"] == "用手册默认语言写的字符串，或者从语言代码到字符串的映射。"


# ---- the real YAML language server --------------------------------------------------------------------


@pytest.fixture(scope="session")
def yaml_language_server() -> list[str]:
    """The command that starts yaml-language-server on stdio, installed from npm once per cache."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not (npm and node):
        pytest.skip("npm and node are needed to install yaml-language-server (apt-get install nodejs npm)")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "officebook-tests"
    folder = cache / YAML_LANGUAGE_SERVER.replace("@", "-")
    entry = folder / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not entry.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(cache / f".{folder.name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        run_tool([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(staging),
                  YAML_LANGUAGE_SERVER], timeout=300)  # a failure shows npm's own words (a proxy, a certificate)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return [node, str(entry), "--stdio"]


class LanguageClient:
    """A minimal LSP client over stdio: requests, notifications, and answers to the server's requests."""

    def __init__(self, command: list[str], root: Path, settings: dict) -> None:
        self.settings = settings
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=root)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 1
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not line:
                self.messages.put(None)
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 30) -> object:
        request_id = self.next_id
        self.next_id += 1
        self._send({"id": request_id, "method": method, "params": params})
        reply = self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout)
        assert "error" not in reply, reply
        return reply.get("result")

    def wait_for(self, accept, timeout: float = 30) -> dict:
        """The next message `accept`s, answering the server's own requests meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the language server did not answer in time"
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            assert message is not None, "the language server stopped"
            if "method" in message and "id" in message:
                self._answer(message)
            elif accept(message):
                return message

    def _answer(self, request: dict) -> None:
        if request["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section"), None) for item in request["params"]["items"]]
        else:  # client/registerCapability, window/workDoneProgress/create, ...
            result = None
        self._send({"id": request["id"], "result": result})

    def diagnostics(self, path: Path, timeout: float = 30) -> list[dict]:
        uri = path.as_uri()
        message = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri, timeout)
        return message["params"]["diagnostics"]

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdin.close()
            self.reader.join(timeout=10)
            self.process.stdout.close()


def _vscode_settings(project: Path) -> dict:
    """`.vscode/settings.json` as VS Code hands it to the server: `yaml.schemas` → {"yaml": {"schemas"}}."""
    flat = json.loads((project / ".vscode/settings.json").read_text(encoding="utf-8"))
    nested: dict = {}
    for key, value in flat.items():
        section, _, name = key.partition(".")
        if name:
            nested.setdefault(section, {})[name] = value
        else:
            nested[key] = value
    return nested


BROKEN = {
    # a typo'd key, in a sub-folder of duties/
    "content/duties/service/meals.yaml": "title: {zh: 餐饮保障, en: Meals}\nfunction: coordination\n"
                                         "frequncy: weekly\nraci:\n  responsible: [secretary]\n"
                                         "  accountable: director\n",
    # a typo'd key inside a step (a nested object)
    "content/procedures/intake.yaml": "title: {zh: 收文, en: Intake}\nowner: secretary\nsteps:\n"
                                      "  - id: receive\n    acter: secretary\n    action: {zh: 收文, en: Receive}\n",
    # a post id that breaks the pattern defined in common.schema.json (a relative $ref)
    "content/posts/driver.yaml": "title: {zh: 驾驶员, en: Driver}\nreports_to: Director\n",
    # a typo'd key in manual.yaml (mapped by its exact name)
    "content/manual.yaml": "title: {zh: 手册, en: Manual}\norganization: {zh: 办公室, en: Office}\n"
                           "editon: '2026.1'\nlanguages: [zh, en]\n",
}


def test_yaml_language_server_reports_typos_and_resolves_the_common_schema(tmp_path, yaml_language_server):
    project = write_files(tmp_path / "manual", init_project(("zh", "en")).files)
    write_files(project, BROKEN)
    client = LanguageClient(yaml_language_server, project, _vscode_settings(project))
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": project.as_uri(),
                                      "workspaceFolders": [{"uri": project.as_uri(), "name": "manual"}],
                                      "capabilities": {"workspace": {"configuration": True}}})
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": client.settings})
        opened = [*BROKEN, "content/functions/coordination.yaml", "content/duties/document-handling.yaml"]
        found = {}
        for relative in opened:
            path = project / relative
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
            found[relative] = client.diagnostics(path)

        messages = {relative: [d["message"] for d in diagnostics] for relative, diagnostics in found.items()}
        duty = found["content/duties/service/meals.yaml"]
        typo = [d for d in duty if "frequncy" in d["message"]]
        assert typo and typo[0]["message"] == "Property frequncy is not allowed.", messages
        assert typo[0]["range"]["start"] == {"line": 2, "character": 0}
        assert typo[0]["severity"] == 1  # an error: a red underline
        assert 'Missing property "frequency".' in messages["content/duties/service/meals.yaml"]
        assert "Property acter is not allowed." in messages["content/procedures/intake.yaml"]
        assert any("does not match the pattern" in m for m in messages["content/posts/driver.yaml"]), messages
        assert "Property editon is not allowed." in messages["content/manual.yaml"]
        # the examples made by init are clean: no false alarms, no complaint about the schema draft
        assert messages["content/functions/coordination.yaml"] == []
        assert messages["content/duties/document-handling.yaml"] == []

        # hover shows the schema's help; completion offers the fields
        example = (project / "content/duties/document-handling.yaml").as_uri()
        line = (project / "content/duties/document-handling.yaml").read_text(encoding="utf-8").splitlines()
        row = next(i for i, text in enumerate(line) if text.startswith("frequency:"))
        hover = client.request("textDocument/hover", {"textDocument": {"uri": example},
                                                      "position": {"line": row, "character": 3}})
        # a zh project: its editor schemas speak Chinese (generated from schemas/ and the catalogue)
        assert "这项职责多久进行一次。" in hover["contents"]["value"], hover
        assert "频次" in hover["contents"]["value"]
        assert "How often" not in hover["contents"]["value"]
        partial = project / "content/standards/new.yaml"
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": partial.as_uri(), "languageId": "yaml", "version": 1, "text": "title: x\ncat"}})
        completion = client.request("textDocument/completion", {"textDocument": {"uri": partial.as_uri()},
                                                                "position": {"line": 1, "character": 3}})
        items = completion["items"] if isinstance(completion, dict) else completion
        assert "category" in {item["label"] for item in items}
    finally:
        client.close()
