"""Each kind of validation problem, on a small broken copy of the demo study."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from impt_analysis import StudyValidationError, load_study


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
    """A study's own codebook may add values: they are then valid."""

    def add(rows):
        rows.append(["weekly", "frequency", "Weekly"] + [""] * (len(rows[0]) - 3))

    rewrite(demo_copy / "codebook.csv", add)
    set_cell(demo_copy / "flows.csv", 7, "frequency", "weekly")
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
