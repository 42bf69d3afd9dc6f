"""Each kind of validation problem, on a small broken copy of the demo study."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from impt_analysis import StudyValidationError, load_study
from impt_analysis.codebook import default_codebook
from impt_analysis.schema import (
    BARRIER_COUNTS,
    COUNTRY_PATTERN,
    PUBLIC_TABLES,
    SPANS,
    TABLES,
    Field,
    ForeignKey,
    Span,
    Table,
    table_schema,
)
from impt_analysis.study import rewrite_descriptor
from impt_analysis.validation import REGENERATE, check_descriptor, check_keys, check_span_texts, check_table


def rewrite(path: Path, edit):
    """Apply ``edit(rows)`` to a CSV file's rows (header included) and write it back."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str):
    """Set the cell at spreadsheet row ``row`` (header = 1) and ``column``."""

    def edit(rows):
        rows[row - 1][rows[0].index(column)] = value

    rewrite(path, edit)


def problems_of(folder) -> list:
    with pytest.raises(StudyValidationError) as info:
        load_study(folder)
    return info.value.problems


def only(problems, file):
    return [p for p in problems if p.file == file]


def test_demo_is_valid(demo):
    assert len(demo.interviews) == 60
    assert demo.synthetic


def test_missing_file(demo_copy):
    (demo_copy / "flows.csv").unlink()
    [p] = [p for p in problems_of(demo_copy) if p.file == "flows.csv"]
    assert "missing" in p.message and p.row is None


def test_missing_column(demo_copy):
    def drop_theme(rows):
        col = rows[0].index("theme")
        for r in rows:
            del r[col]

    rewrite(demo_copy / "items.csv", drop_theme)
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column) == ("items.csv", 1, "theme")
    assert "required column" in p.message


def test_wrong_type(demo_copy):
    set_cell(demo_copy / "barriers.csv", 4, "severity", "high")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column, p.value) == ("barriers.csv", 4, "severity", "high")
    assert "whole number" in p.message


def test_value_out_of_range(demo_copy):
    set_cell(demo_copy / "barriers.csv", 5, "severity", "4")
    [p] = problems_of(demo_copy)
    assert (p.row, p.column) == (5, "severity") and "at most 3" in p.message


def test_value_not_in_codebook(demo_copy):
    set_cell(demo_copy / "flows.csv", 7, "frequency", "weekly")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column, p.value) == ("flows.csv", 7, "frequency", "weekly")
    assert "frequency" in p.message


def test_codebook_addition_is_accepted(demo_copy):
    """A study's own codebook may add values: they are then valid, once the descriptor says so too."""

    def add(rows):
        rows.append(["weekly", "frequency", "Weekly"] + [""] * (len(rows[0]) - 3))

    rewrite(demo_copy / "codebook.csv", add)
    set_cell(demo_copy / "flows.csv", 7, "frequency", "weekly")
    # The descriptor's enums (frictionless reads them) still leave 'weekly' out: said, not ignored.
    found = {(p.file, p.column): p.message for p in problems_of(demo_copy)}
    assert set(found) == {("datapackage.json", "flows.frequency"), ("datapackage.json", "codings.code")}
    assert found["datapackage.json", "flows.frequency"] == (
        "the descriptor's enum leaves out 'weekly', which the workbench accepts (the codes of category "
        "'frequency' in codebook.csv): regenerate the descriptor with "
        "impt_analysis.study.rewrite_descriptor(folder)"
    )
    assert rewrite_descriptor(demo_copy) == ["flows", "codings"]
    study = load_study(demo_copy)
    assert study.flows["frequency"].iat[5] == "weekly"


def test_invalid_country_code(demo_copy):
    set_cell(demo_copy / "interviews.csv", 3, "country", "XX")
    set_cell(demo_copy / "actors.csv", 2, "country", "dk")
    problems = problems_of(demo_copy)
    where = {(p.file, p.row, p.column, p.value) for p in problems}
    assert ("interviews.csv", 3, "country", "XX") in where
    assert ("actors.csv", 2, "country", "dk") in where


def test_duplicate_key(demo_copy):
    def edit(rows):
        rows[5][0] = rows[2][0]  # row 6 gets row 3's actor_id

    rewrite(demo_copy / "actors.csv", edit)
    problems = only(problems_of(demo_copy), "actors.csv")
    [p] = [p for p in problems if "duplicate" in p.message]
    assert (p.row, p.column) == (6, "actor_id") and "row 3" in p.message


def test_dangling_foreign_key(demo_copy):
    set_cell(demo_copy / "flows.csv", 10, "target_actor", "NOBODY")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column, p.value) == ("flows.csv", 10, "target_actor", "NOBODY")
    assert "actors.csv" in p.message


def test_malformed_date(demo_copy):
    set_cell(demo_copy / "interviews.csv", 2, "date", "2010-13-01")
    set_cell(demo_copy / "interviews.csv", 3, "date", "12/05/2010")
    problems = problems_of(demo_copy)
    assert [(p.row, p.column) for p in problems] == [(2, "date"), (3, "date")]


def test_negative_count(demo_copy):
    set_cell(demo_copy / "case_counts.csv", 2, "count", "-3")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column, p.value) == ("case_counts.csv", 2, "count", "-3")


def test_start_after_end(demo_copy):
    set_cell(demo_copy / "codings.csv", 8, "start", "999999")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column) == ("codings.csv", 8, "start")
    assert "after end" in p.message


def test_required_value_empty(demo_copy):
    set_cell(demo_copy / "knowledge.csv", 4, "verification", "")
    [p] = problems_of(demo_copy)
    assert (p.file, p.row, p.column) == ("knowledge.csv", 4, "verification")


def test_ragged_row_is_reported_not_dropped(demo_copy):
    rewrite(demo_copy / "items.csv", lambda rows: rows[3].append("extra"))
    [p] = problems_of(demo_copy)
    assert (p.file, p.row) == ("items.csv", 4) and "fields" in p.message


def test_all_problems_collected_at_once(demo_copy):
    set_cell(demo_copy / "flows.csv", 2, "frequency", "weekly")
    set_cell(demo_copy / "barriers.csv", 3, "severity", "0")
    set_cell(demo_copy / "interviews.csv", 4, "date", "yesterday")
    err_text = None
    with pytest.raises(StudyValidationError) as info:
        load_study(demo_copy)
    err_text = str(info.value)
    assert len(info.value.problems) == 3
    assert "flows.csv, row 2, column frequency" in err_text
    assert "barriers.csv, row 3, column severity" in err_text
    frame = info.value.to_frame()
    assert list(frame.columns) == ["file", "row", "column", "value", "message"]


def test_not_utf8_is_reported(demo_copy):
    path = demo_copy / "items.csv"
    text = path.read_text(encoding="utf-8")
    assert text.isascii()
    lines = text.split("\n")
    lines[6] = lines[6].replace("children", "childrén", 1)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    [p] = problems_of(demo_copy)
    assert (p.file, p.row) == ("items.csv", 7) and "UTF-8" in p.message


def test_bom_crlf_and_baltic_letters(demo_copy):
    """A BOM, Windows line endings and Baltic, Nordic and Polish letters load unchanged."""
    names = ["Ośrodek pomocy społecznej, town Ł", "Bāriņtiesa, novads ė ų š ž", "Barnevern ø å ä õ ő ę ą"]
    path = demo_copy / "actors.csv"

    def edit(rows):
        for i, name in enumerate(names, start=1):
            rows[i][rows[0].index("name")] = name

    rewrite(path, edit)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    study = load_study(demo_copy)
    assert study.actors["name"].iloc[:3].tolist() == names
    assert list(study.actors.columns)[0] == "actor_id"


def test_nothing_lost_rows_and_order(demo):
    """Every record of every file is loaded, in file order (each table from its resource's path)."""
    import json

    from impt_analysis.study import demo_path

    descriptor = json.loads((demo_path() / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    for name, frame in demo.tables().items():
        if name not in paths:  # an optional table the package does not have is empty
            assert frame.empty, name
            continue
        with (demo_path() / paths[name]).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        assert len(frame) == len(rows), name
        assert frame.iloc[:, 0].astype(str).tolist() == [r[0] for r in rows], name


def test_categoricals_and_types(demo):
    assert isinstance(demo.flows["frequency"].dtype, __import__("pandas").CategoricalDtype)
    assert set(demo.flows["frequency"].cat.categories) == {"regular", "ad_hoc"}
    assert str(demo.codings["start"].dtype) == "int64"
    assert str(demo.interviews["date"].dtype).startswith("datetime64")
    assert demo.countries == ["DE", "DK", "EE", "FI", "LT", "LV", "NO", "PL", "SE"]


def test_no_such_folder(tmp_path):
    with pytest.raises(StudyValidationError) as info:
        load_study(tmp_path / "nope")
    assert "no such study folder" in str(info.value)


def test_in_memory_tables_follow_the_same_rules_as_files():
    """study_from_tables: an empty table gets its columns; a table missing a required column is refused."""
    from impt_analysis import study_from_tables

    assert "source_actor" in study_from_tables({"flows": []}).flows.columns
    with pytest.raises(StudyValidationError) as info:
        study_from_tables({"flows": [{"flow_id": "F1"}]})
    missing = {(p.file, p.row, p.column) for p in info.value.problems if "required column" in p.message}
    assert ("flows.csv", 1, "source_actor") in missing and ("flows.csv", 1, "interview_id") in missing


# --- the nearest valid value ---------------------------------------------------------------------


def test_a_misspelt_code_is_told_the_nearest_one(demo_copy):
    set_cell(demo_copy / "actors.csv", 2, "sector", "child_protecton")
    [p] = only(problems_of(demo_copy), "actors.csv")  # (and the interview of its respondent disagrees)
    assert (p.file, p.row, p.column, p.value) == ("actors.csv", 2, "sector", "child_protecton")
    assert p.message == "not a code of category 'sector' in the codebook: did you mean 'child_protection'?"
    assert "'child_protecton': not a code of category 'sector' in the codebook: did you mean" in str(p)


def test_a_value_near_no_code_gets_no_guess(demo_copy):
    set_cell(demo_copy / "flows.csv", 7, "frequency", "weekly")
    [p] = problems_of(demo_copy)
    assert p.message == "not a code of category 'frequency' in the codebook"


def test_a_dangling_key_is_told_the_nearest_key(demo_copy):
    with (demo_copy / "flows.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    actor = rows[1][rows[0].index("source_actor")]  # e.g. DK-A003
    set_cell(demo_copy / "flows.csv", 2, "source_actor", actor.lower())
    [p] = [p for p in problems_of(demo_copy) if p.column == "source_actor"]
    assert p.message == f"no such actor_id in actors.csv: did you mean {actor!r}?"  # case aside


def test_suggestions_stop_after_twenty_distinct_values(demo_copy):
    """A hostile file of many wrong values gets one message for the rest: the search stays bounded."""
    from impt_analysis.validation import MAX_SUGGESTIONS

    def typos(rows):
        col = rows[0].index("frequency")
        for i, r in enumerate(rows[1:]):
            r[col] = f"regularr{i}"

    rewrite(demo_copy / "flows.csv", typos)
    found = [p for p in problems_of(demo_copy) if p.column == "frequency"]
    guessed = [p for p in found if "did you mean" in p.message]
    assert len(guessed) == MAX_SUGGESTIONS and len(found) > MAX_SUGGESTIONS
    assert guessed[0].message.endswith("did you mean 'regular'?")


def test_uk_is_refused_and_pointed_at_gb(demo_copy):
    set_cell(demo_copy / "interviews.csv", 3, "country", "UK")
    [p] = problems_of(demo_copy)
    assert (p.row, p.column, p.value) == (3, "country", "UK")
    assert "ISO 3166-1 alpha-2" in p.message and "the UK is GB" in p.message


def test_the_descriptor_says_what_the_check_says(demo):
    """The pattern written into datapackage.json for a country is the one the loader checks."""
    from impt_analysis.schema import COUNTRY_PATTERN, TABLES, table_schema

    for name in ("actors", "interviews", "items", "case_counts"):
        [spec] = [f for f in table_schema(TABLES[name], demo.codebook)["fields"] if f["name"] == "country"]
        assert spec["constraints"]["pattern"] == COUNTRY_PATTERN


# --- each rule as the schema declares it, on small hand-made tables -------------------------------

ALLOWED = {"sector": {"police", "ngo"}, "barrier": {"corruption"}, "code": {"aspects"}}


def rows_of(problems):
    return [(p.file, p.row, p.column, p.value, p.message) for p in problems]


def test_a_coded_segment_takes_any_code_of_the_codebook():
    """codings.code declares any_code: a sector, a barrier or a thematic code; nothing else."""
    frame = pd.DataFrame({"code": ["police", "corruption", "aspects", "polic", ""]})
    assert rows_of(check_table(frame, TABLES["codings"], ALLOWED)) == [
        ("codings.csv", 6, "code", "", "a value is required"),
        ("codings.csv", 5, "code", "polic", "not a code of the codebook: did you mean 'police'?"),
    ]


def test_a_column_of_a_category_takes_only_its_codes():
    frame = pd.DataFrame({"sector": ["police", "aspects"]})
    assert rows_of(check_table(frame, TABLES["actors"], ALLOWED)) == [
        ("actors.csv", 3, "sector", "aspects", "not a code of category 'sector' in the codebook")
    ]


def test_a_span_whose_start_is_after_its_end():
    frame = pd.DataFrame({"start": ["0", "9", "5"], "end": ["4", "5", "5"]})
    assert rows_of(check_table(frame, TABLES["codings"], ALLOWED)) == [
        ("codings.csv", 3, "start", "9", "start is after end (5)")
    ]


def test_a_span_text_of_another_length_is_named():
    """'a\\r\\nb' is 4 code points where 10-16 asks for 6; a start after its end is not measured."""
    frame = pd.DataFrame(
        {"start": ["0", "10", "3"], "end": ["5", "16", "1"], "excerpt": ["Hello", "a\r\nb", "x"]}
    )
    [p] = check_span_texts(frame, TABLES["codings"])
    assert (p.file, p.row, p.column) == ("codings.csv", 3, "excerpt")
    assert p.message.startswith("the excerpt has 4 code points, but end - start is 6 (10-16)")


def test_a_public_export_has_no_spans():
    """It publishes no positions: its codings declare no span, and none is checked."""
    assert TABLES["codings"].spans and not PUBLIC_TABLES["codings"].spans
    assert check_table(pd.DataFrame({"start": ["9"], "end": ["4"]}), PUBLIC_TABLES["codings"], ALLOWED) == []


def test_a_barrier_count_names_a_country_of_a_published_interview():
    """barrier_counts.country refers to interviews.country (not unique): a foreign key all the same."""
    frames = {
        "interviews": pd.DataFrame({"country": ["DK", "DK", "EE"]}),
        "barrier_counts": pd.DataFrame({"country": ["DK", "EE", "FI"], "barrier": ["corruption"] * 3}),
    }
    tables = {"interviews": PUBLIC_TABLES["interviews"], "barrier_counts": BARRIER_COUNTS}
    assert rows_of(check_keys(frames, tables)) == [
        (
            "barrier_counts.csv",
            4,
            "country",
            "FI",
            "no published interview from this country in interviews.csv",
        )
    ]


def test_a_table_the_workbench_never_saw_is_checked_from_its_declarations():
    """A new table with a code column, a span and a reference: validation.py needs no change."""
    passages = Table(
        "passages",
        "Passages of an interview's recording, in seconds.",
        (
            Field("interview_id"),
            Field("code", any_code=True),
            Field("from_s", type="integer", minimum=0),
            Field("to_s", type="integer", minimum=0),
        ),
        foreign_keys=(ForeignKey("interview_id", "interviews", "interview_id", message="no such interview"),),
        spans=(Span("from_s", "to_s"),),
    )
    frames = {
        "interviews": pd.DataFrame({"interview_id": ["I1"]}),
        "passages": pd.DataFrame(
            {
                "interview_id": ["I1", "I2"],
                "code": ["aspects", "weekly"],
                "from_s": ["60", "30"],
                "to_s": ["90", "20"],
            }
        ),
    }
    found = check_table(frames["passages"], passages, ALLOWED)
    found += check_keys(frames, {"interviews": TABLES["interviews"], "passages": passages})
    assert rows_of(found) == [
        ("passages.csv", 3, "code", "weekly", "not a code of the codebook"),
        ("passages.csv", 3, "from_s", "30", "from_s is after to_s (20)"),
        ("passages.csv", 3, "interview_id", "I2", "no such interview"),
    ]
    # ... and the descriptor says the same, the span as the custom property frictionless leaves alone
    codebook = default_codebook()
    schema = table_schema(passages, codebook)
    assert schema[SPANS] == [{"start": "from_s", "end": "to_s"}]
    assert schema["foreignKeys"] == [
        {"fields": ["interview_id"], "reference": {"resource": "interviews", "fields": ["interview_id"]}}
    ]
    assert schema["fields"][1]["constraints"]["enum"] == sorted(set(codebook["code"]))


# --- the descriptor says what the workbench checks ----------------------------------------------


def descriptor_of(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save(folder: Path, descriptor: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def resource_of(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field_of(descriptor: dict, table: str, column: str) -> dict:
    return next(f for f in resource_of(descriptor, table)["schema"]["fields"] if f["name"] == column)


def declared(problems):
    """(column, message without the advice every such problem ends with) of the descriptor's problems."""
    assert all(p.message.endswith(": " + REGENERATE) for p in problems)
    return [
        (p.column, p.message.removesuffix(": " + REGENERATE))
        for p in problems
        if p.file == "datapackage.json"
    ]


def test_a_constraint_the_descriptor_adds_is_refused(demo_copy):
    """frictionless would check it, the workbench would not: the fast validator refuses the package."""
    d = descriptor_of(demo_copy)
    field_of(d, "items", "label")["constraints"]["pattern"] = "^[a-z ]+$"
    field_of(d, "barriers", "severity")["constraints"]["maximum"] = 2
    field_of(d, "flows", "frequency")["constraints"]["unique"] = True
    save(demo_copy, d)
    assert declared(problems_of(demo_copy)) == [
        ("items.label", "the descriptor declares pattern '^[a-z ]+$', but the workbench checks no pattern"),
        ("flows.frequency", "the descriptor declares unique true, but the workbench checks no unique"),
        ("barriers.severity", "the descriptor declares maximum 2, but the workbench checks maximum 3"),
    ]


def test_a_constraint_the_descriptor_leaves_out_is_reported(demo_copy):
    """frictionless would not check it: the package would be valid for one validator only."""
    d = descriptor_of(demo_copy)
    channel = field_of(d, "flows", "channel")["constraints"]
    channel["enum"] = [c for c in channel["enum"] if c != "meeting"] + ["fax"]
    del field_of(d, "interviews", "country")["constraints"]["pattern"]
    del resource_of(d, "codings")["schema"][SPANS]
    resource_of(d, "knowledge")["schema"]["foreignKeys"].pop()
    resource_of(d, "actors")["schema"]["fields"] = [
        f for f in resource_of(d, "actors")["schema"]["fields"] if f["name"] != "kind"
    ]
    save(demo_copy, d)
    assert declared(problems_of(demo_copy)) == [
        (
            "actors.kind",
            "the descriptor does not declare this column, which the workbench checks (type string, "
            "required, enum of 4 codes)",
        ),
        (
            "interviews.country",
            f"the descriptor declares no pattern, but the workbench checks pattern "
            f"'{COUNTRY_PATTERN[:59]}... ({len(COUNTRY_PATTERN) + 2:,} characters)",  # quoted, shortened
        ),
        (
            "knowledge",
            "the descriptor does not declare the foreign key item_id -> items.item_id, which the workbench checks",
        ),
        (
            "flows.channel",
            "the descriptor's enum lists 'fax', which the workbench does not accept and leaves out "
            "'meeting', which the workbench accepts (the codes of category 'channel' in codebook.csv)",
        ),
        (
            "codings",
            "the descriptor declares no impt:spans, but the workbench checks impt:spans "
            '[{"end": "end", "start": "start", "text": "excerpt"}]',
        ),
    ]


def test_the_same_schema_written_otherwise_is_the_same(demo_copy):
    """Enum order, one name for a key of one column, required false, missing values [""]: no difference."""
    d = descriptor_of(demo_copy)
    field_of(d, "flows", "channel")["constraints"]["enum"].reverse()
    flows = resource_of(d, "flows")["schema"]
    flows["primaryKey"] = "flow_id"
    flows["foreignKeys"][0]["fields"] = "interview_id"
    flows["foreignKeys"].reverse()
    del flows["missingValues"]
    field_of(d, "flows", "item_id")["constraints"] = {"required": False}
    field_of(d, "flows", "flow_id")["description"] = "Another description: documentation is not compared."
    save(demo_copy, d)
    assert len(load_study(demo_copy).flows) == len(pd.read_csv(demo_copy / "flows.csv"))


HOSTILE_SCHEMAS = [
    (
        None,
        "resources.flows.schema",
        "the descriptor declares no schema for flows.csv: frictionless would check "
        "nothing of it, the workbench checks the study's schema",
    ),
    (
        "flows.schema.json",
        "resources.flows.schema",
        "the schema is a reference ('flows.schema.json'), which the "
        "workbench does not read: the descriptor must hold the table's schema itself",
    ),
    ([1, 2], "resources.flows.schema", "must be a Table Schema (a JSON object), not a list"),
    ({"fields": "all"}, "resources.flows.schema.fields", "must be the list of the table's columns"),
]


@pytest.mark.parametrize(
    "schema, column, message", HOSTILE_SCHEMAS, ids=["none", "reference", "list", "fields"]
)
def test_a_schema_the_workbench_cannot_compare_is_refused(demo_copy, schema, column, message):
    """Without a schema a resource declares nothing frictionless could check: refused, not taken as it is."""
    d = descriptor_of(demo_copy)
    if schema is None:
        del resource_of(d, "flows")["schema"]
    else:
        resource_of(d, "flows")["schema"] = schema
    save(demo_copy, d)
    assert declared(problems_of(demo_copy)) == [(column, message)]


def test_hostile_columns_of_a_declared_schema_are_named(demo):
    codebook = demo.codebook
    schema = table_schema(TABLES["flows"], codebook)
    schema["fields"][0] = 7
    schema["fields"].append({"name": "channel", "type": "string"})
    field = schema["fields"][5]
    field["constraints"] = ["required"]
    schema["fields"][4]["constraints"]["enum"] = "formal_report"
    schema["fields"][3]["type"] = "integer"
    schema["fields"][2]["format"] = "%d/%m/%Y"
    schema["fields"].append({"name": "extra", "type": "string"})
    schema["missingValues"] = ["", "NA"]
    found = declared(
        check_descriptor(
            {"schema": schema, "dialect": {"delimiter": ";"}, "encoding": "latin-1"},
            TABLES["flows"],
            codebook,
        )
    )
    assert found == [
        (
            "resources.flows.encoding",
            "the descriptor declares encoding 'latin-1', but the workbench reads flows.csv as utf-8",
        ),
        (
            "resources.flows.dialect",
            "the descriptor declares a dialect, but the workbench reads flows.csv as plain UTF-8 CSV "
            "(commas, double quotes, a header row) and checks none",
        ),
        ("resources.flows.schema.fields[0]", "must be a column: a JSON object with a name"),
        ("flows.channel", "the descriptor declares this column twice"),
        (
            "flows.source_actor",
            "the descriptor declares format '%d/%m/%Y', but the workbench checks no format",
        ),
        (
            "flows.target_actor",
            "the descriptor declares type 'integer', but the workbench checks type 'string'",
        ),
        (
            "flows.channel",
            "the descriptor declares enum 'formal_report', but the workbench checks enum "
            '["case_referral", "database", "formal_report", "informal_con... (110 characters)',
        ),
        ("flows.frequency", "the descriptor's constraints must be a JSON object, not a list"),
        (
            "flows.extra",
            "the descriptor declares this column, but the workbench checks none (it is no column of the table)",
        ),
        (
            "flows.flow_id",
            "the descriptor does not declare this column, which the workbench checks (type string, required)",
        ),
        (
            "flows",
            'the descriptor declares missingValues ["", "NA"], but the workbench checks missingValues [""]',
        ),
    ]


def test_resources_the_workbench_does_not_read_are_named(demo_copy):
    d = descriptor_of(demo_copy)
    d["resources"].append({**resource_of(d, "flows"), "path": "flows.csv"})
    d["resources"].append({"name": "notes", "path": "flows.csv", "schema": {"fields": []}})
    save(demo_copy, d)
    found = [(p.file, p.column, p.value, p.message) for p in problems_of(demo_copy)]
    assert found == [
        (
            "datapackage.json",
            "resources",
            "flows",
            "the descriptor lists this resource twice: the workbench reads the first",
        ),
        (
            "datapackage.json",
            "resources",
            "notes",
            "no table of a study: the workbench does not read it, so nothing "
            "it declares is checked; remove it from the descriptor",
        ),
    ]


def test_rewrite_descriptor_writes_what_the_workbench_checks(demo_copy):
    """Back to the descriptor write_study wrote, byte for byte; a property of its own stays."""
    from impt_analysis.study import demo_path

    d = descriptor_of(demo_copy)
    del resource_of(d, "flows")["schema"]
    resource_of(d, "codings")["dialect"] = {"delimiter": ";"}
    save(demo_copy, d)
    assert rewrite_descriptor(demo_copy) == ["flows", "codings"]
    for name in ("datapackage.json", "README.md"):
        assert (demo_copy / name).read_bytes() == (demo_path() / name).read_bytes(), name
    assert rewrite_descriptor(demo_copy) == []
    d = descriptor_of(demo_copy)
    resource_of(d, "flows")["impt:note"] = "kept"
    resource_of(d, "flows")["path"] = "flows.csv"
    save(demo_copy, d)
    assert (
        rewrite_descriptor(demo_copy) == []
        and resource_of(descriptor_of(demo_copy), "flows")["impt:note"] == "kept"
    )
