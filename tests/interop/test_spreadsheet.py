"""The Excel coding template: its sheets and drop-down lists, the round trip, and errors by cell."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import StudyValidationError, load_study
from impt_analysis.cli import main
from impt_analysis.interop.spreadsheet import (
    README_SHEET,
    STUDY_SHEET,
    UNSET_PROPERTIES,
    read_workbook,
    write_template,
)
from impt_analysis.schema import TABLE_ORDER, TABLES


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def problems_of(path) -> list[str]:
    with pytest.raises(StudyValidationError) as err:
        read_workbook(path)
    return [str(p) for p in err.value.problems]


def test_template_has_a_sheet_per_table_headers_and_a_read_me(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == [README_SHEET, STUDY_SHEET, *TABLE_ORDER]
    for name in TABLE_ORDER:
        assert [c.value for c in wb[name][1]] == [f.name for f in TABLES[name].fields]
    readme = [row[0] for row in wb[README_SHEET].iter_rows(values_only=True)]
    assert "IMPT Workbench: coding template" in readme
    assert any(str(line).startswith("Import: impt import-xlsx") for line in readme)
    # The codebook sheet holds the default codebook, for the user to extend.
    assert wb["codebook"].max_row - 1 == len(load_study().codebook)


def test_template_dropdowns_come_from_the_codebook(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "coding.xlsx", empty_rows=10))
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    rules = {str(dv.sqref): dv for dv in wb["flows"].data_validations.dataValidation}
    frequency = rules["F2:F11"]  # flows: frequency is the sixth column, rows 2 to 1 + 10
    assert frequency.type == "list"
    column = frequency.formula1.split("!")[1].replace("$", "")  # e.g. K2:K3
    cells = [c.value for row in lists[column] for c in row]
    assert cells == ["regular", "ad_hoc"]
    # Identifiers other sheets define are offered too: flows.source_actor lists actors.actor_id.
    assert rules["C2:C11"].formula1 == "='actors'!$A$2:$A$1048576"
    severity = {str(dv.sqref): dv for dv in wb["barriers"].data_validations.dataValidation}["E2:E11"]
    assert (severity.type, severity.formula1, severity.formula2) == ("whole", "1", "3")


def test_round_trip_of_the_demo_study(tmp_path, demo):
    study = read_workbook(write_template(tmp_path / "demo.xlsx", demo))
    for name, frame in demo.tables().items():
        pd.testing.assert_frame_equal(study.tables()[name], frame, obj=name)
    # A workbook cannot mark a study synthetic or public (issue 16): every other property comes back.
    assert not study.synthetic and study.meta == {
        k: v for k, v in demo.meta.items() if k not in UNSET_PROPERTIES
    }


def test_a_hand_filled_workbook(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["actors"].append(
        ["DK-A1", "Municipal social services", "DK", "social_services", "local", "organisation"]
    )
    wb["interviews"].append(
        ["DK-I1", "DK", dt.datetime(2010, 5, 3), "social_services", "local", "DK-A1", None]
    )
    wb["barriers"].append(["DK-I1", "data_protection_rules", None, None, 2.0])  # Excel numbers are floats
    wb["codings"].append(["s1", "DK-I1", "data_protection_rules", "coder_a", 0, 12, "We may not t"])
    wb.save(path)
    study = read_workbook(path)
    assert study.interviews["date"].dt.strftime("%Y-%m-%d").tolist() == ["2010-05-03"]
    assert study.barriers["severity"].tolist() == [2]
    assert study.codings[["code", "start", "end"]].values.tolist() == [["data_protection_rules", 0, 12]]
    assert study.meta["title"] == "coding"


def test_a_broken_cell_is_named_by_sheet_row_and_column(tmp_path, demo):
    path = write_template(tmp_path / "demo.xlsx", demo)
    wb = openpyxl.load_workbook(path)
    assert wb["flows"]["F5"].value in ("regular", "ad_hoc")
    wb["flows"]["F5"] = "weekly"
    wb["flows"].insert_rows(3)  # a blank row: the broken cell is now F6, and rows keep Excel's numbers
    wb["interviews"]["C4"] = "2010-13-01"
    wb["barriers"]["E2"] = 2.5
    wb.save(path)
    found = problems_of(path)
    assert (
        "sheet flows, cell F6, column frequency: 'weekly': not a code of category 'frequency' in the codebook"
        in found
    )
    assert "sheet interviews, cell C4, column date: '2010-13-01': not a date in the form YYYY-MM-DD" in found
    assert "sheet barriers, cell E2, column severity: '2.5': not a whole number" in found
    assert len(found) == 3


def test_headers_and_sheets_are_checked(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["actors"]["C1"] = None  # the country header is optional: a value under it is not
    wb["actors"]["F1"] = "type"  # kind is required
    wb["actors"].append(["DK-A1", "Service", "DK", "police", "local", "organisation"])
    wb.remove(wb["case_counts"])
    wb.create_sheet("Scratch")
    wb.save(path)
    found = problems_of(path)
    assert "sheet actors, row 1, column kind: required column is missing from the header row" in found
    assert "sheet actors, cell C2: 'DK': a value in a column without a header" in found
    assert "sheet case_counts: sheet is missing from the workbook" in found
    assert any(p.startswith("sheet Scratch: not a table of the study") for p in found)


def test_not_a_workbook(tmp_path):
    (tmp_path / "x.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match="not an Excel workbook"):
        read_workbook(tmp_path / "x.xlsx")


def test_cli_template_and_import(tmp_path, demo_copy):
    path = tmp_path / "coding.xlsx"
    assert run("template", "--out", path, "--data", demo_copy).exit_code == 0
    out = tmp_path / "imported"
    result = run("import-xlsx", path, "--out", out)
    assert result.exit_code == 0, result.output
    assert "60 interviews in 9 countries" in result.output
    assert run("validate", out).exit_code == 0
    assert run("import-xlsx", path, "--out", demo_copy).exit_code == 2  # a study is there: --force needed
    assert run("import-xlsx", path, "--out", demo_copy, "--force").exit_code == 0


def test_cli_import_of_a_broken_workbook_exits_1_and_writes_nothing(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["actors"].append(["DK-A1", "Service", "DK", "polizei", "local", "organisation"])
    wb.save(path)
    out = tmp_path / "study"
    result = run("import-xlsx", path, "--out", out)
    assert result.exit_code == 1
    assert (
        "sheet actors, cell D2, column sector: 'polizei'" in result.output
        and "Traceback" not in result.output
    )
    assert not out.exists()


def _crlf_study(excerpt: str):
    from impt_analysis import study_from_tables

    actors = [
        {
            "actor_id": "A1",
            "name": "Municipal social services",
            "country": "DK",
            "sector": "social_services",
            "level": "local",
            "kind": "organisation",
        }
    ]
    interviews = [
        {
            "interview_id": "I1",
            "country": "DK",
            "date": "2010-05-04",
            "sector": "social_services",
            "level": "local",
            "actor_id": "A1",
        }
    ]
    codings = [
        {
            "segment_id": "S1",
            "interview_id": "I1",
            "code": "good_practice",
            "coder": "c1",
            "start": 3,
            "end": 3 + len(excerpt),
            "excerpt": excerpt,
        }
    ]
    return study_from_tables({"actors": actors, "interviews": interviews, "codings": codings})


def test_crlf_and_a_literal_escape_in_excerpts_survive_the_round_trip_byte_for_byte(tmp_path):
    excerpt = "We call.\r\nThey wait.\r\n_x000D_ stays as typed.\n"
    path = write_template(tmp_path / "coding.xlsx", _crlf_study(excerpt))
    back = read_workbook(path)
    assert back.codings["excerpt"].iat[0].encode() == excerpt.encode()
    assert run("import-xlsx", path, "--out", tmp_path / "study").exit_code == 0
    assert load_study(tmp_path / "study").codings["excerpt"].iat[0] == excerpt


def test_validate_checks_excerpt_length_against_the_positions(tmp_path):
    from impt_analysis.study import write_study

    folder = write_study(_crlf_study("We call.\r\nThey wait."), tmp_path / "study")
    codings = (folder / "codings.csv").read_bytes()
    (folder / "codings.csv").write_bytes(codings.replace(b"\r\n", b"\n"))  # what an editor does
    result = run("validate", folder)
    assert "the excerpt has 19 code points, but end - start is 20" in result.output  # a warning


# The Study sheet: the study's title, authors, licence, wave and description, as a person types them.


def study_cells(ws) -> dict[str, tuple[int, object]]:
    """field -> (row, value) of the Study sheet."""
    return {row[0].value: (row[0].row, row[1].value) for row in ws.iter_rows(min_row=2)}


def fill_study(path, **values):
    wb = openpyxl.load_workbook(path)
    cells = study_cells(wb[STUDY_SHEET])
    for field, value in values.items():
        wb[STUDY_SHEET].cell(row=cells[field][0], column=2, value=value)
    wb.save(path)


def test_the_study_sheet_lists_one_field_per_row_with_a_note(tmp_path, demo):
    wb = openpyxl.load_workbook(write_template(tmp_path / "demo.xlsx", demo))
    ws = wb[STUDY_SHEET]
    assert ws.sheet_state == "visible"
    assert [c.value for c in ws[1]] == ["field", "value", "what to write"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        "title",
        "name",
        "authors",
        "licence",
        "version",
        "wave",
        "description",
    ]
    assert all(r[2] for r in ws.iter_rows(min_row=2, values_only=True))  # every field has its note
    cells = {field: value for field, (_, value) in study_cells(ws).items()}
    # The demo's datapackage.json, as the sheet shows it (its wave is the generator's, not a property).
    assert cells["title"] == "BSR IMPT synthetic demonstration study"
    assert cells["name"] == "bsr-impt-demo"
    assert cells["authors"] == "IMPT Workbench contributors"
    assert cells["licence"] == "CC-BY-4.0"
    assert cells["version"] == "1.0.0"
    assert cells["wave"] is None
    # The hidden sheet keeps only what the Study sheet does not say: one fact in one place.
    hidden = json.loads(wb["package"]["A2"].value)
    assert not {"title", "name", "version", "wave", "description"} & set(hidden)
    assert hidden["keywords"][0] == "synthetic" and "impt:synthetic" not in hidden


def test_a_filled_study_sheet_becomes_the_package_metadata(tmp_path):
    path = write_template(tmp_path / "filled.xlsx")
    fill_study(
        path,
        title="Coding round 2, Tallinn",
        authors="Ana Tamm\nChild protection unit; Coder B",
        licence="cc-by-4.0",
        version="1.0",
        wave="2",
        description="Twelve interviews with Estonian services, coded by two coders.",
    )
    study = read_workbook(path)
    assert study.meta == {
        "name": "coding-round-2-tallinn",  # made from the title
        "title": "Coding round 2, Tallinn",
        "description": "Twelve interviews with Estonian services, coded by two coders.",
        "version": "1.0",
        "wave": 2,
        "contributors": [
            {"title": "Ana Tamm", "roles": ["author"]},
            {"title": "Child protection unit", "roles": ["author"]},
            {"title": "Coder B", "roles": ["author"]},
        ],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
    }
    # The imported package names its authors and version (not "anonymous", not "version ").
    out = tmp_path / "study"
    assert run("import-xlsx", path, "--out", out).exit_code == 0
    citation = (out / "CITATION.cff").read_text(encoding="utf-8")
    assert "name: Ana Tamm" in citation and "anonymous" not in citation
    back = load_study(out)
    assert (back.name, back.version, back.meta["title"], back.meta["wave"]) == (
        "coding-round-2-tallinn",
        "1.0",
        "Coding round 2, Tallinn",
        2,
    )


def test_an_empty_study_sheet_names_the_study_after_the_file(tmp_path):
    study = read_workbook(write_template(tmp_path / "round-3.xlsx"))
    assert study.meta == {
        "name": "round-3",
        "title": "round-3",
        "description": "Entered in the coding template round-3.xlsx.",
    }


def test_the_study_sheet_is_checked_like_any_input(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    fill_study(path, title="T" * 201, licence="my own licence", version=1.5, wave="second", name="Round 2")
    wb = openpyxl.load_workbook(path)
    wb[STUDY_SHEET].append(["impt:public", "true"])  # row 9
    wb[STUDY_SHEET].append(["funder", "someone"])  # row 10
    wb[STUDY_SHEET].append(["title", "Again"])  # row 11
    wb.save(path)
    found = problems_of(path)
    assert found == [
        "sheet Study, cell B2, column title: is 201 characters long, more than the 200 a title may hold",
        "sheet Study, cell B3, column name: 'Round 2': not a package name (lower-case letters, digits, '.', "
        "'_', '-'): for example 'round-2', or leave it empty",
        "sheet Study, cell B5, column licence: 'my own licence' is not an SPDX licence identifier: give one "
        "such as CC-BY-4.0, CC0-1.0 or ODbL-1.0 (see https://spdx.org/licenses/)",
        "sheet Study, cell B6, column version: '1.5': must be text: type it with a leading apostrophe (Excel "
        "took it for a number or a date)",
        "sheet Study, cell B7, column wave: 'second': not a whole number from 1 (the wave)",
        "sheet Study, cell A9, column impt:public: a workbook cannot say whether a study is public or "
        "synthetic: delete the row (a public export is made by impt export-public)",
        "sheet Study, cell A10: 'funder': not a field of the Study sheet: use one of title, name, authors, "
        "licence, version, wave, description",
        "sheet Study, cell A11, column title: field appears twice",
    ]


def test_an_old_workbook_with_only_the_hidden_package_sheet_still_reads(tmp_path):
    path = write_template(tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.remove(wb[STUDY_SHEET])
    wb["package"]["A2"] = json.dumps({"name": "old-study", "title": "Old study", "version": "0.9"})
    wb.save(path)
    assert read_workbook(path).meta == {"name": "old-study", "title": "Old study", "version": "0.9"}


def test_a_missing_reference_names_the_sheets_and_cells(tmp_path):
    path = write_template(tmp_path / "coding.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["actors"].append(
        ["DK-A1", "Municipal social services", "DK", "social_services", "local", "organisation"]
    )
    rows = {2: ["DK-I1", "DK", "2010-05-03", "social_services", "local", "DK-A1"]}
    rows[4] = [
        "DK-I2",
        "DK",
        "2010-05-04",
        "social_services",
        "local",
        "DK-A9",
    ]  # row 3 blank: loader's row 3
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            wb["interviews"].cell(row=number, column=column, value=value)
    wb.save(path)
    found = problems_of(path)
    assert len(found) == 1
    assert found[0].startswith(
        "sheet interviews, cell F4, column actor_id: 'DK-A9': no such actor_id in sheet actors"
    )
