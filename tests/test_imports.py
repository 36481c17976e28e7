"""No import cycles: none between modules at import time anywhere in the package, and in render/
none at all, not even through imports inside functions (site, editions and onboarding share
render/pages.py instead of importing each other)."""

import ast
from pathlib import Path

import officebook

PACKAGE = Path(officebook.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, modules: set[str]) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    elif isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        return set()
    return {t for t in targets if t in modules and t != "officebook"}


def _module_level(tree: ast.Module):
    """The statements run at import time: the module body, into if/try blocks, not into functions."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            pending += [*node.body, *node.orelse, *getattr(node, "handlers", []), *getattr(node, "finalbody", [])]
        elif isinstance(node, ast.ExceptHandler):
            pending += node.body


def _graph(anywhere: bool, prefix: str = "officebook") -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        if not name.startswith(prefix):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = ast.walk(tree) if anywhere else _module_level(tree)
        graph[name] = {t for node in nodes for t in _imported(node, modules) if t != name and t.startswith(prefix)}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for target in graph.get(node, ()):
                if target == start:
                    found.append(" → ".join([*path, start]))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    return found


def test_no_module_imports_itself_through_others_at_import_time():
    assert _cycles(_graph(anywhere=False)) == []


def test_render_modules_do_not_import_each_other_in_a_circle_even_inside_functions():
    assert _cycles(_graph(anywhere=True, prefix="officebook.render")) == []


# The layers of the package, bottom first: a module imports (at import time or inside a function)
# only from its own layer or the layers below. A new module finds its place here by its prefix.
LAYERS = (
    ("officebook.i18n", "officebook.diagnostics", "officebook.cells", "officebook.collation", "officebook.gc_pause",
     "officebook.tempfiles", "officebook.yaml_emit", "officebook.vocabulary"),  # the shared vocabulary
    ("officebook.model", "officebook.load", "officebook.yaml_mistakes"),
    ("officebook.validate", "officebook.assets"),
    ("officebook.newcomer", "officebook.link", "officebook.link_views"),
    ("officebook.pipeline", "officebook.outline", "officebook.review", "officebook.export", "officebook.diff"),
    # a flowchart: laid out, drawn, cut into pages or drawn for the site (officebook.render.flowchart is their face)
    ("officebook.render.svgtext", "officebook.render.flowchart.layout"),
    ("officebook.render.flowchart.drawing",),
    ("officebook.render.flowchart.pages", "officebook.render.flowchart.web"),
    ("officebook.render", "officebook.xlsx", "officebook.xlsx_layout"),
    ("officebook.build",),
    ("officebook.guide", "officebook.scaffold", "officebook.languages", "officebook.importer", "officebook.xlsx_read", "officebook.edit"),
    ("officebook.cli", "officebook._babel", "officebook.__main__"),
)


def _layer(module: str) -> int:
    if module == "officebook":  # the package's face: its version
        return 0
    for index, prefixes in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    raise AssertionError(f"{module} has no place in the layer table of tests/test_imports.py: add it")


def test_every_import_points_down_the_layers():
    graph = _graph(anywhere=True)
    upward = [f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
              for module, targets in sorted(graph.items())
              for target in sorted(targets) if _layer(target) > _layer(module)]
    assert upward == []


def test_no_cycle_even_through_imports_inside_functions_outside_the_command_line():
    """The command line and the Babel extractor may import lazily in any direction they need; every
    other module imports in one direction only."""
    graph = {module: {t for t in targets if _layer(t) < _layer("officebook.cli")}
             for module, targets in _graph(anywhere=True).items() if _layer(module) < _layer("officebook.cli")}
    assert _cycles(graph) == []


def test_no_renderer_and_not_diff_runs_the_pipeline_or_the_exporter():
    """The pipeline and the exporter are run by the command line, which passes their results in."""
    runners = {"officebook.pipeline", "officebook.export.export_data", "officebook.export.export_json"}
    found = [f"{module} imports {target}" for module, _ in sorted(_graph(anywhere=True).items())
             if module.startswith(("officebook.render", "officebook.diff", "officebook.outline"))
             for target in sorted(_imported_names(module) & runners)]
    assert found == []


def _imported_names(module: str) -> set[str]:
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names
