"""The project's packaging: dependencies named for conda too, data shipped in the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_every_runtime_dependency_is_in_environment_yml():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = (REPO / "environment.yml").read_text()
    named = {_name(line.strip().lstrip("- ")) for line in env.splitlines() if line.strip().startswith("- ")}
    missing = [r for r in project["dependencies"] if _name(r) not in named]
    assert missing == []


def test_lock_pins_every_runtime_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lock = (REPO / "requirements.lock").read_text().lower()
    pinned = {_name(line) for line in lock.splitlines() if "==" in line and not line.startswith(" ")}
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    assert [r for r in deps if _name(r) not in pinned] == []


def test_frictionless_validates_the_packages():
    import frictionless

    for folder in ("data/demo", "data/reference"):
        report = frictionless.validate(str(REPO / folder / "datapackage.json"))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_frictionless_catches_a_dangling_foreign_key(demo_copy):
    """The descriptor's foreign keys are real: frictionless fails a dangling reference."""
    import frictionless

    path = demo_copy / "flows.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(text[1].split(",")[3], "NOBODY", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = frictionless.validate(str(demo_copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_wheel_ships_the_demo_and_reference_data(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("impt_analysis-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "impt_analysis/data/demo/datapackage.json" in names
    assert "impt_analysis/data/demo/flows.csv" in names
    assert "impt_analysis/data/reference/three_aspects_2010.csv" in names
    assert "impt_analysis/notebooks/country_mapping.ipynb" in names  # impt report works from a wheel
