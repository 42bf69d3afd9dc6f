"""One schema, two validators: the fast one (load_study) and frictionless reject the same packages.

The package is small and written by hand: two organisations in DK, two interviews, one item,
one knowledge row, one flow, one barrier, one coded segment and one case count. Each broken
package changes one cell (or adds one row), so the row both validators must name is known.

A descriptor that declares a constraint the workbench does not check is refused by both: by
frictionless in the data it reads with it, by the fast validator in ``datapackage.json`` itself.
Some rules Table Schema cannot say (:data:`FAST_ONLY`): only the fast validator checks them, and
the tests say so by expecting frictionless to pass them.
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
from impt_analysis.schema import COUNTRY_PATTERN, PUBLIC_TABLES, SPANS, TABLES, table_schema
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
    "no code of the codebook": (set_cell("codings.csv", 2, "code", "nonsense"), ("codings.csv", 2, "code")),
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


def declare(table: str, column: str, key: str, value):
    """A descriptor edit: a constraint ``key: value`` on ``table.column``."""

    def change(descriptor):
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        spec = next(f for f in resource["schema"]["fields"] if f["name"] == column)
        spec.setdefault("constraints", {})[key] = value

    return change


def enum_without(table: str, column: str, code: str):
    def change(descriptor):
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        spec = next(f for f in resource["schema"]["fields"] if f["name"] == column)
        spec["constraints"]["enum"].remove(code)

    return change


# A descriptor declaring a constraint the workbench does not check, which the package breaks:
# (the edit, the file, row and column frictionless names, the column the fast validator names
# in datapackage.json).
DECLARED = {
    "a pattern on items.label": (declare("items", "label", "pattern", "^[a-z]+$"), ("items.csv", 2, "label")),
    "severity at most 1": (declare("barriers", "severity", "maximum", 1), ("barriers.csv", 2, "severity")),
    "an enum leaving out a code in use": (
        enum_without("flows", "frequency", "regular"),
        ("flows.csv", 2, "frequency"),
    ),
    "a minimum length of a code": (declare("codings", "coder", "minLength", 3), ("codings.csv", 2, "coder")),
}


@pytest.mark.parametrize("case", list(DECLARED))
def test_both_validators_reject_a_constraint_only_the_descriptor_declares(package, case):
    change, (file, row, column) = DECLARED[case]
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    with pytest.raises(StudyValidationError) as info:
        load_study(package)
    table = file.removesuffix(".csv")
    assert [(p.file, p.column) for p in info.value.problems] == [("datapackage.json", f"{table}.{column}")]
    strict = frictionless_problems(package)
    assert {(p.file, p.row, p.column) for p in strict} == {(file, row, column)}, strict


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
        schema = table_schema(table, demo.codebook)
        assert set(schema) <= {"$schema", "fields", "missingValues", "primaryKey", "foreignKeys", SPANS}
        for spec in schema["fields"]:
            assert set(spec) <= {"name", "type", "description", "constraints"}, (table.name, spec["name"])
            assert set(spec.get("constraints", {})) <= checked, (table.name, spec["name"])
            assert spec["type"] in {"string", "integer", "date"}, (table.name, spec["name"])


# Rules Table Schema cannot say (a rule across columns, or across tables other than a foreign key):
# only the fast validator checks them. frictionless passes each of these packages, as it must.
FAST_ONLY = {
    "a span's start after its end (codings: start <= end, the descriptor's impt:spans)": (
        set_cell("codings.csv", 2, "start", "9"),
        ("codings.csv", 2, "start"),
    ),
    "an interview's sector not its respondent's organisation's": (
        set_cell("interviews.csv", 2, "sector", "ngo"),
        ("interviews.csv", 2, "sector"),
    ),
    "evidence naming no coded segment": (
        set_cell("flows.csv", 2, "evidence", "S9"),
        ("flows.csv", 2, "evidence"),
    ),
}


@pytest.mark.parametrize("case", list(FAST_ONLY))
def test_rules_only_the_fast_validator_checks(package, case):
    (file, change), (where, row, column) = FAST_ONLY[case]
    edit(package, file, change)
    with pytest.raises(StudyValidationError) as info:
        load_study(package)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [(where, row, column)]
    assert frictionless_problems(package) == []


def test_the_descriptor_carries_the_span_frictionless_cannot_check(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    codings = next(r for r in descriptor["resources"] if r["name"] == "codings")
    assert codings["schema"][SPANS] == [{"start": "start", "end": "end", "text": "excerpt"}]
    code = next(f for f in codings["schema"]["fields"] if f["name"] == "code")
    assert set(code["constraints"]["enum"]) == set(load_study(package).codebook["code"])


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


def test_both_validators_reject_a_barrier_count_of_a_country_without_interviews(demo, tmp_path):
    """barrier_counts.country refers to interviews.country in a public export's descriptor too."""
    from impt_analysis.privacy.publish import export_public

    folder = export_public(demo, tmp_path / "public", key=b"0123456789abcdef").path
    edit(folder, *set_cell("barrier_counts.csv", 2, "country", "GB"))
    with pytest.raises(StudyValidationError) as info:
        load_study(folder)
    [p] = info.value.problems
    assert (p.file, p.row, p.column, p.value) == ("barrier_counts.csv", 2, "country", "GB")
    assert p.message == "no published interview from this country in interviews.csv"
    assert [(p.file, p.row) for p in frictionless_problems(folder)] == [("barrier_counts.csv", 2)]
