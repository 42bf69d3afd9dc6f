"""The package's layout is a contract: analysis modules never reach into privacy or reporting.

The analysis modules (``impt_analysis/*.py`` but the command line and the package's front door)
answer questions about a study; ``privacy/`` makes public exports, ``reporting/`` draws and
writes pages, ``interop/`` reads and writes other formats. An analysis that imported privacy
or reporting would tie the answer to how it is shown or published (issue 15). The imports are
read with :mod:`ast`, so an import inside a function counts as much as one at the top.
``tests/`` mirrors the package: every module has its test file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "impt_analysis"
TESTS = Path(__file__).resolve().parent
ANALYSIS = sorted(p for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "cli.py"))
FORBIDDEN = ("impt_analysis.privacy", "impt_analysis.reporting")
#: Analysis modules allowed to import interop, and why.
INTEROP_ALLOWED = {
    "study": "write_study writes a data package, and its README.md and CITATION.cff are part of it "
    "(interop.package_docs makes them from the descriptor, as impt export-public does)",
}


def imported(path: Path, package: str = "impt_analysis") -> set[str]:
    """The absolute names of the modules a file of ``package`` imports (relative imports resolved)."""
    return imported_source(path.read_text(encoding="utf-8"), path.name, package)


def imported_source(source: str, filename: str, package: str = "impt_analysis") -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
        elif isinstance(node, ast.ImportFrom):  # "from .x import y" in impt_analysis/m.py: impt_analysis.x
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            if node.module:
                names.add(f"{base}.{node.module}")
            else:  # "from . import privacy" imports the subpackage by its name
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def reaches(names: set[str], prefix: str) -> list[str]:
    return sorted(n for n in names if n == prefix or n.startswith(prefix + "."))


def test_the_import_reader_resolves_relative_imports():
    source = "from .privacy.deidentify import X\nfrom . import reporting\nimport pandas as pd\nfrom .graph import g\n"
    assert imported_source(source, "m.py") == {
        "impt_analysis.privacy.deidentify",
        "impt_analysis",
        "impt_analysis.reporting",
        "pandas",
        "impt_analysis.graph",
    }
    assert reaches(imported_source(source, "m.py"), "impt_analysis.privacy") == [
        "impt_analysis.privacy.deidentify"
    ]
    # an import inside a function is read too
    assert reaches(
        imported_source("def f():\n    from ..reporting import x\n", "m.py", "impt_analysis.sub"),
        "impt_analysis.reporting",
    ) == ["impt_analysis.reporting"]


def test_there_are_analysis_modules_to_check():
    names = {p.stem for p in ANALYSIS}
    assert {"study", "graph", "barriers", "reach", "triangulation"} <= names
    assert not {"cli", "__init__"} & names


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
def test_analysis_modules_never_import_privacy_or_reporting(path):
    names = imported(path)
    found = [n for prefix in FORBIDDEN for n in reaches(names, prefix)]
    assert not found, f"{path.name} imports {', '.join(found)}: an analysis may not depend on {FORBIDDEN}"


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
def test_analysis_modules_import_interop_only_where_justified(path):
    found = reaches(imported(path), "impt_analysis.interop")
    assert not found or path.stem in INTEROP_ALLOWED, f"{path.name} imports {', '.join(found)}"


def modules() -> list[Path]:
    """Every module of the package that holds code (not a package's __init__, not the demo data)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" and "templates" not in p.parts)


def test_tests_mirror_the_package():
    """impt_analysis/x/y.py is tested in tests/x/test_y.py, a module of a subpackage as much as any."""
    missing = []
    for path in modules():
        relative = path.relative_to(PACKAGE)
        if not TESTS.joinpath(*relative.parts[:-1], f"test_{path.stem}.py").is_file():
            missing.append(str(relative))
    assert not missing, f"modules without a test file: {', '.join(missing)}"
