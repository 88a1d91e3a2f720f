"""The house's rules, read from the code with ``ast`` (nothing is imported or run).

1. No import cycle among ``assess`` modules. Imports inside a function count too: a
   function-level import that exists to hide a cycle is still one. Only imports under
   ``if TYPE_CHECKING:`` are left out, since they never run.
2. Dependencies point one way: the domain knows no interface or database, storage knows
   no use case, reports know no use case, services know no page.
3. Every public service function that takes a ``session`` also takes an ``actor``: who
   asks is checked by the service, not by whichever page happens to call it. The few
   entry points for people who are not signed in (respondents, sign-in, sign-up, the
   first administrator) say so where they are defined, with
   ``@public_entry_point(reason=...)`` (``assess/services/access.py``). Building blocks
   other services call are private (``_name``) or live in a private module
   (``assess/services/_something.py``), and pages and the CLI never reach for them.

Each failure names the module and the line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assess"

@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported assess module (or third-party top-level name)
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking_only(child):
            for other in child.orelse:
                yield other, in_function
                yield from _walk(other, in_function)
            continue
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield child, inner
        yield from _walk(child, inner)


def _resolve(source: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(source: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node, in_function in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, node.lineno, in_function)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(source, path, node)
            for alias in node.names:
                # "from assess.services import audit" imports the module assess.services.audit
                submodule = f"{base}.{alias.name}"
                yield Import(source, submodule if submodule in MODULES else base, node.lineno, in_function)


ALL_IMPORTS = [i for name, path in MODULES.items() for i in imports_of(name, path)]


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def where(imp: Import) -> str:
    path = MODULES[imp.source].relative_to(ROOT)
    return f"{path}:{imp.line} ({imp.source} imports {imp.target})"


# 1. no cycle ---------------------------------------------------------------------------


def _cycles() -> list[list[Import]]:
    """One cycle per strongly connected group of modules (Tarjan), as its import lines."""
    edges: dict[str, list[Import]] = {}
    for imp in ALL_IMPORTS:
        if imp.target in MODULES and imp.target != imp.source:
            # a package's submodule importing the package itself runs no new code: the
            # package is already being imported; leave those edges out
            if within(imp.source, imp.target) and MODULES[imp.target].name == "__init__.py":
                continue
            edges.setdefault(imp.source, []).append(imp)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for imp in edges.get(node, ()):
            if imp.target not in index:
                visit(imp.target)
                low[node] = min(low[node], low[imp.target])
            elif imp.target in stack:
                low[node] = min(low[node], index[imp.target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in MODULES:
        if module not in index:
            visit(module)
    return [sorted((i for m in g for i in edges.get(m, ()) if i.target in g), key=where) for g in groups]


def test_no_import_cycle():
    cycles = _cycles()
    assert not cycles, "import cycles:\n" + "\n\n".join("\n".join(where(i) for i in c) for c in cycles)


# 2. one-way dependencies ---------------------------------------------------------------

#: layer -> what it must not import
FORBIDDEN = {
    "assess.domain": ("assess.services", "assess.storage", "assess.reports", "assess.ui", "assess.cli",
                      "streamlit", "sqlalchemy"),
    "assess.storage": ("assess.services", "assess.reports", "assess.ui", "assess.cli"),
    "assess.reports": ("assess.services", "assess.ui", "assess.cli"),
    "assess.services": ("assess.ui", "assess.cli", "streamlit"),
}


def test_dependencies_point_one_way():
    wrong = [
        where(imp)
        for imp in ALL_IMPORTS
        for layer, banned in FORBIDDEN.items()
        if within(imp.source, layer) and any(within(imp.target, b) for b in banned)
    ]
    assert not wrong, "imports against the direction of the layers:\n" + "\n".join(wrong)


# 3. an actor for every service ---------------------------------------------------------


def _service_modules() -> dict[str, Path]:
    return {
        name: path for name, path in MODULES.items()
        if within(name, "assess.services") and not any(part.startswith("_") and part != "__init__"
                                                      for part in path.relative_to(PACKAGE).with_suffix("").parts)
    }


def _public_entry_point_reason(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        called = decorator.func
        name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", None)
        if name != "public_entry_point":
            continue
        for keyword in decorator.keywords:
            if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant) and str(keyword.value.value).strip():
                return str(keyword.value.value)
    return None


def _without_actor() -> list[tuple[str, str, int]]:
    found = []
    for name, path in _service_modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
                continue
            arguments = [a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]]
            takes_actor = "actor" in arguments
            if "session" in arguments and not takes_actor and _public_entry_point_reason(node) is None:
                found.append((name, node.name, node.lineno))
    return found


def test_every_public_service_function_takes_an_actor():
    missing = [
        f"{MODULES[module].relative_to(ROOT)}:{line} {function}() takes a session but no actor keyword "
        "(add actor=, make it private, or mark it @public_entry_point(reason=...))"
        for module, function, line in _without_actor()
    ]
    assert not missing, "\n".join(missing)


@cache
def _session_functions(module: str) -> frozenset[str]:
    """The functions of ``module`` that take a session but no actor."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            arguments = [a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]]
            if "session" in arguments and "actor" not in arguments:
                found.add(node.name)
    return frozenset(found)


def _borrowed() -> dict[str, set[str]]:
    """Per public service module, the session functions of a private module it names as its
    own (``get = _settings_values.get``, ``from ._x import f``): still building blocks."""
    found: dict[str, set[str]] = {}
    for name, path in _service_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        private_modules = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    if target in MODULES and alias.name.startswith("_"):
                        private_modules[alias.asname or alias.name] = target
                    elif base in MODULES and base.rsplit(".", 1)[-1].startswith("_") \
                            and alias.name in _session_functions(base):
                        found.setdefault(name, set()).add(alias.asname or alias.name)
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute)
                    and isinstance(node.value.value, ast.Name) and node.value.value.id in private_modules
                    and node.value.attr in _session_functions(private_modules[node.value.value.id])):
                found.setdefault(name, set()).update(t.id for t in node.targets if isinstance(t, ast.Name))
    return found


BORROWED_BUILDING_BLOCKS = _borrowed()


def test_pages_and_cli_never_call_a_service_building_block():
    """A private module or function of the services is for other services only."""
    wrong = []
    interfaces = {name: path for name, path in MODULES.items() if within(name, "assess.ui") or within(name, "assess.cli")}
    interfaces["app"] = ROOT / "app.py"  # the Streamlit entry point: the shell every page runs in
    for name, path in interfaces.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        services_names = {}  # local name -> service module
        for node, _ in _walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    local = alias.asname or alias.name
                    if within(base, "assess.services") and (alias.name.startswith("_") or "._" in base):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {target}")
                    elif target in MODULES and within(target, "assess.services"):
                        services_names[local] = target
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if within(alias.name, "assess.services") and "._" in alias.name:
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}")
        for node, _ in _walk(tree):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in services_names):
                continue
            module = services_names[node.value.id]
            if node.attr.startswith("_") or node.attr in BORROWED_BUILDING_BLOCKS.get(module, ()):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {module}.{node.attr}")
    assert not wrong, "pages and the CLI call services' private building blocks:\n" + "\n".join(wrong)


def test_the_public_entry_points_say_why():
    """The marker is where the exemption is declared; it needs a reason a reviewer can read."""
    from assess.services.access import PUBLIC_ENTRY_POINTS

    assert PUBLIC_ENTRY_POINTS, "no public entry point declared"
    assert all(reason.strip() for reason in PUBLIC_ENTRY_POINTS.values())
