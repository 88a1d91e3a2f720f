"""Every package the suite imports is declared in pyproject.toml, so that an installation
from the wheel has it (numpy and markupsafe were imported but not declared)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def imported_top_level_modules() -> set[str]:
    """Top-level names imported anywhere in assess/ and app.py (absolute imports only)."""
    found: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "assess").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"assess", "__future__"}


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}


def test_every_imported_package_is_a_declared_dependency():
    distributions = packages_distributions()
    undeclared = {}
    for module in sorted(imported_top_level_modules()):
        names = {canonicalize_name(name) for name in distributions.get(module, [module])}
        if not names & set(declared()):
            undeclared[module] = sorted(names)
    assert undeclared == {}


def test_packages_whose_internals_we_use_are_bounded_above():
    """The workbook writer drives openpyxl 3.1's private writer; the PDF fetcher subclasses
    WeasyPrint 70's URLFetcher. A new minor/major release could break them silently."""
    requirements = declared()
    assert "3.2" not in requirements["openpyxl"].specifier and "3.1.5" in requirements["openpyxl"].specifier
    assert "71" not in requirements["weasyprint"].specifier and "70.0" in requirements["weasyprint"].specifier


def test_one_version_number(monkeypatch):
    """The version is pyproject.toml's, nowhere else: the code reads the installed metadata."""
    import assess

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert assess.__version__ == project["version"]
    assert f'"{project["version"]}"' not in (ROOT / "assess" / "__init__.py").read_text(encoding="utf-8")
