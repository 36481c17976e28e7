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
