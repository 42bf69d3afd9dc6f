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
    rewrite(demo_copy / "codebook.csv", lambda rows: rows.append(["weekly", "frequency", "Weekly", "", ""]))
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
    """Every record of every file is loaded, in file order."""
    from impt_analysis.study import demo_path

    for name, frame in demo.tables().items():
        with (demo_path() / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
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
