"""The Excel coding template: its sheets and drop-down lists, the round trip, and errors by cell."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import StudyValidationError, load_study
from impt_analysis.cli import main
from impt_analysis.interop.spreadsheet import README_SHEET, read_workbook, write_template
from impt_analysis.schema import TABLE_ORDER, TABLES

openpyxl = pytest.importorskip("openpyxl")


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
    assert visible == [README_SHEET, *TABLE_ORDER]
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
    from impt_analysis.interop.spreadsheet import UNSET_PROPERTIES

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
        "sheet flows, row 6, column frequency: 'weekly': not a code of category 'frequency' in the codebook "
        "(cell F6)" in found
    )
    assert (
        "sheet interviews, row 4, column date: '2010-13-01': not a date in the form YYYY-MM-DD (cell C4)"
        in found
    )
    assert "sheet barriers, row 2, column severity: '2.5': not a whole number (cell E2)" in found
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
    assert "sheet actors, row 2: 'DK': value in cell C2, a column without a header" in found
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
        "sheet actors, row 2, column sector: 'polizei'" in result.output and "Traceback" not in result.output
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
