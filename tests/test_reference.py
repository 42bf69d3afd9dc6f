"""The 2010 report's published table of the three aspects, as the workbench reads it."""

from __future__ import annotations

from impt_analysis.reference import (
    ABSENT,
    ASPECTS,
    PARTLY,
    PRESENT,
    VERDICTS,
    reference_path,
    reference_table,
)


def test_the_three_verdicts_are_the_reports_marks():
    assert (PRESENT, PARTLY, ABSENT) == ("X", "(X)", "-")
    assert VERDICTS == ("X", "(X)", "-")
    assert ASPECTS == ("coordination", "networks", "local_input")


def test_the_table_is_the_published_one_row_by_row():
    # Typed from data/reference/three_aspects_2010.csv, which copies the report's table.
    table = reference_table()
    assert list(table.columns) == list(ASPECTS)
    assert table.index.name == "country"
    assert table.to_dict("index") == {
        "DK": {"coordination": "X", "networks": "X", "local_input": "X"},
        "EE": {"coordination": "(X)", "networks": "X", "local_input": "-"},
        "FI": {"coordination": "X", "networks": "X", "local_input": "-"},
        "DE": {"coordination": "(X)", "networks": "X", "local_input": "-"},
        "LV": {"coordination": "X", "networks": "(X)", "local_input": "-"},
        "LT": {"coordination": "(X)", "networks": "(X)", "local_input": "-"},
        "NO": {"coordination": "X", "networks": "X", "local_input": "X"},
        "PL": {"coordination": "X", "networks": "X", "local_input": "-"},
        "SE": {"coordination": "(X)", "networks": "X", "local_input": "-"},
    }
    assert set(table.to_numpy().ravel()) <= set(VERDICTS)


def test_the_notes_record_where_the_prose_disagrees_with_the_table():
    notes = reference_table(with_notes=True)["note"]
    assert notes.dropna().index.tolist() == ["DE", "LV", "LT"]  # the other six have no note (None)
    assert notes["DE"].startswith("The table gives (X) for national co-ordination")
    assert notes["DK"] is None


def test_the_reference_package_is_found():
    folder = reference_path()
    assert (folder / "datapackage.json").is_file() and (folder / "three_aspects_2010.csv").is_file()
