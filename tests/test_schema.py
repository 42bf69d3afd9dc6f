"""One schema, two validators: the fast one (load_study) and frictionless reject the same packages.

The package is small and written by hand: two organisations in DK, two interviews, one item,
one knowledge row, one flow, one barrier, one coded segment and one case count. Each broken
package changes one cell (or adds one row), so the row both validators must name is known.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from impt_analysis import StudyValidationError, load_study, study_from_tables
from impt_analysis.cli import main
from impt_analysis.schema import COUNTRY_PATTERN, PUBLIC_TABLES, TABLES, table_schema
from impt_analysis.study import write_study
from impt_analysis.validation import frictionless_problems, iso_countries

ACTORS = [
    {
        "actor_id": "P",
        "name": "Police",
        "country": "DK",
        "sector": "police",
        "level": "local",
        "kind": "organisation",
    },
    {
        "actor_id": "N",
        "name": "NGO",
        "country": "DK",
        "sector": "ngo",
        "level": "local",
        "kind": "organisation",
    },
]
INTERVIEWS = [
    {
        "interview_id": "I1",
        "country": "DK",
        "date": "2010-05-01",
        "sector": "police",
        "level": "local",
        "actor_id": "P",
    },
    {
        "interview_id": "I2",
        "country": "DK",
        "date": "2010-05-02",
        "sector": "ngo",
        "level": "local",
        "actor_id": "N",
    },
]
ITEMS = [
    {
        "item_id": "T1",
        "country": "DK",
        "label": "Begging",
        "info_type": "trend",
        "child_group": "unaccompanied_minors",
        "theme": "regional_trends",
    }
]
KNOWLEDGE = [
    {
        "interview_id": "I1",
        "actor_id": "P",
        "item_id": "T1",
        "verification": "official",
        "source_type": "own_case",
    }
]
FLOWS = [
    {
        "flow_id": "F1",
        "interview_id": "I1",
        "source_actor": "P",
        "target_actor": "N",
        "channel": "formal_report",
        "frequency": "regular",
        "item_id": "T1",
    }
]
BARRIERS = [
    {
        "interview_id": "I2",
        "barrier": "data_protection",
        "source_actor": "P",
        "target_actor": "N",
        "severity": 2,
    }
]


@pytest.fixture
def package(tmp_path, demo):
    """A valid small package, written by write_study (so its descriptor is the current schema's)."""
    codings = [
        {"segment_id": "S1", "interview_id": "I1", "code": _a_code(demo), "coder": "c1", "start": 0, "end": 4}
    ]
    study = study_from_tables(
        {
            "actors": ACTORS,
            "interviews": INTERVIEWS,
            "items": [{**ITEMS[0], "child_group": _code(demo, "child_group"), "theme": _code(demo, "theme")}],
            "knowledge": [{**KNOWLEDGE[0], "source_type": _code(demo, "source_type")}],
            "flows": [{**FLOWS[0], "channel": _code(demo, "channel")}],
            "barriers": [{**BARRIERS[0], "barrier": _code(demo, "barrier")}],
            "codings": codings,
        },
        meta={"name": "small", "title": "Small"},
    )
    return write_study(study, tmp_path / "small")


def _code(demo, category: str) -> str:
    return str(demo.codebook.loc[demo.codebook["category"] == category, "code"].iloc[0])


def _a_code(demo) -> str:
    return str(demo.codebook.loc[demo.codebook["category"] == "code", "code"].iloc[0])


def edit(folder: Path, file: str, change):
    """Apply ``change(rows)`` to a CSV's rows (header included) and write it back."""
    path = folder / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(file: str, row: int, column: str, value: str):
    def change(rows):
        rows[row - 1][rows[0].index(column)] = value

    return file, change


def duplicate_row(file: str, row: int):
    def change(rows):
        rows.append(list(rows[row - 1]))

    return file, change


# (what is broken, the edit, the file, row and column both validators must name; None: not named)
BROKEN = {
    "bad pattern (UK is no ISO code)": (
        set_cell("interviews.csv", 2, "country", "UK"),
        ("interviews.csv", 2, "country"),
    ),
    "bad pattern (lower case)": (set_cell("actors.csv", 3, "country", "dk"), ("actors.csv", 3, "country")),
    "out-of-range integer": (set_cell("barriers.csv", 2, "severity", "4"), ("barriers.csv", 2, "severity")),
    "integer below its minimum": (set_cell("codings.csv", 2, "start", "-1"), ("codings.csv", 2, "start")),
    "duplicate primary key": (duplicate_row("flows.csv", 2), ("flows.csv", 3, None)),
    "broken foreign key": (set_cell("knowledge.csv", 2, "item_id", "T9"), ("knowledge.csv", 2, None)),
    "missing required value": (set_cell("flows.csv", 2, "frequency", ""), ("flows.csv", 2, "frequency")),
    "wrong enum": (set_cell("flows.csv", 2, "frequency", "weekly"), ("flows.csv", 2, "frequency")),
    "not a date": (set_cell("interviews.csv", 3, "date", "2010-13-01"), ("interviews.csv", 3, "date")),
}


def test_the_small_package_is_valid_for_both(package):
    assert len(load_study(package).flows) == 1
    assert frictionless_problems(package) == []


@pytest.mark.parametrize("case", list(BROKEN))
def test_both_validators_reject_the_same_broken_package(package, case):
    (file, change), (where, row, column) = BROKEN[case]
    edit(package, file, change)
    with pytest.raises(StudyValidationError) as info:
        load_study(package)
    fast = [(p.file, p.row) for p in info.value.problems if column is None or p.column == column]
    assert fast == [(where, row)], info.value.report()
    strict = frictionless_problems(package)
    assert strict, f"frictionless accepted: {case}"
    assert {(p.file, p.row) for p in strict} == {(where, row)}, strict
    if column is not None:
        assert {p.column for p in strict} == {column}


def test_the_descriptor_country_pattern_is_exactly_the_iso_codes():
    pattern = re.compile(COUNTRY_PATTERN)
    two_letters = {a + b for a in map(chr, range(65, 91)) for b in map(chr, range(65, 91))}
    assert {c for c in two_letters if pattern.fullmatch(c)} == iso_countries()
    assert pattern.fullmatch("GB") and not pattern.fullmatch("UK") and not pattern.fullmatch("dk")


@pytest.mark.parametrize("tables", [TABLES, PUBLIC_TABLES], ids=["full", "public"])
def test_every_declared_constraint_is_one_the_fast_validator_checks(tables, demo):
    """The constraints a descriptor can hold are those check_table checks (nothing declared unchecked)."""
    checked = {"required", "enum", "minimum", "maximum", "pattern"}
    for table in tables.values():
        for spec in table_schema(table, demo.codebook)["fields"]:
            assert set(spec.get("constraints", {})) <= checked, (table.name, spec["name"])
            assert spec["type"] in {"string", "integer", "date"}, (table.name, spec["name"])


def test_impt_validate_strict_reports_both_in_the_same_form(package):
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", "--strict", str(package)])
    assert ok.exit_code == 0, ok.output
    file, change = set_cell("flows.csv", 2, "frequency", "weekly")
    edit(package, file, change)
    bad = runner.invoke(main, ["validate", "--strict", str(package)])
    assert bad.exit_code == 1
    lines = [line.strip() for line in bad.output.splitlines()]
    assert f"{package}: 1 problem(s) found" in lines
    assert "frictionless: 1 problem(s) found" in lines
    fast = [
        line
        for line in lines
        if line.startswith("- flows.csv, row 2, column frequency: 'weekly': not a code")
    ]
    strict = [
        line
        for line in lines
        if line.startswith("- flows.csv, row 2, column frequency: 'weekly': Constraint")
    ]
    assert len(fast) == 1 and len(strict) == 1
    assert "Traceback" not in bad.output


def test_strict_reports_a_path_out_of_the_folder(package, tmp_path):
    (tmp_path / "outside.csv").write_text(
        (package / "flows.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "flows")["path"] = "../outside.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(
        StudyValidationError, match="resources.flows.path: '../outside.csv': must be a relative"
    ):
        load_study(package)
    assert frictionless_problems(package) != []
