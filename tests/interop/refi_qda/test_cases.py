"""Case variables as interviews and actors: the three places the tools put them, the mapping, the errors."""

from __future__ import annotations

import pytest

from impt_analysis import StudyValidationError
from impt_analysis.interop.refi_qda import read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, G, project, qdpx, selection, source, two_sources, value


def test_case_variables_in_named_cases(tmp_path):
    cases = (
        "<Cases>"
        f'<Case guid="{G(701)}" name="Denmark">{value("Country", "Denmark")}<SourceRef targetGUID="{G(3001)}"/></Case>'
        f'<Case guid="{G(702)}" name="Police">{value("Sector", "Police")}{value("Level", "national")}'
        f'{value("Date", "2010-05-04", "DateValue")}<SourceRef targetGUID="{G(3001)}"/></Case>'
        f'<Case guid="{G(703)}" name="Estonian NGO">{value("Country", "ee")}{value("Sector", "NGO")}'
        f"{value('Level', 'Local')}{value('Date', '2010-05-20T10:30:00Z', 'DateTimeValue')}"
        f'<SourceRef targetGUID="{G(3002)}"/></Case></Cases>'
    )
    study = read_qdpx(two_sources(tmp_path, cases=cases))
    got = study.interviews.set_index("interview_id")[["country", "sector", "level", "date"]].astype(str)
    # Country by English name and by lower-case code; sector and level by label or code, any case.
    assert got.loc["Interview DK 1"].tolist() == ["DK", "police", "national", "2010-05-04"]
    assert got.loc["Interview EE 1"].tolist() == ["EE", "ngo", "local", "2010-05-20"]


def test_case_variables_in_one_unnamed_case_per_source(tmp_path):
    cases = (
        "<Cases>"
        f'<Case guid="{G(701)}">{value("Country", "DK")}{value("Sector", "child_protection")}{value("Level", "regional")}'
        f'{value("Date", "2010-04-01")}<SourceRef targetGUID="{G(3001)}"/></Case>'
        f'<Case guid="{G(702)}">{value("Country", "Estonia")}{value("Sector", "Child protection")}'
        f'{value("Level", "local")}{value("Date", "2010-04-02")}<SourceRef targetGUID="{G(3002)}"/></Case>'
        "</Cases>"
    )
    study = read_qdpx(two_sources(tmp_path, cases=cases))
    assert study.interviews["country"].tolist() == ["DK", "EE"]
    assert study.interviews["sector"].astype(str).tolist() == ["child_protection", "child_protection"]
    assert study.interviews["level"].astype(str).tolist() == ["regional", "local"]


def test_case_variables_on_the_text_source(tmp_path):
    v1 = (
        value("Country", "DK")
        + value("Sector", "police")
        + value("Level", "local")
        + value("Date", "2010-03-01")
    )
    v2 = (
        value("Country", "EE")
        + value("Sector", "health")
        + value("Level", "national")
        + value("Date", "2010-03-02")
    )
    study = read_qdpx(two_sources(tmp_path, v1, v2))
    assert study.interviews["date"].dt.strftime("%Y-%m-%d").tolist() == ["2010-03-01", "2010-03-02"]
    assert study.interviews["sector"].astype(str).tolist() == ["police", "health"]
    # Without an actor variable, each interview gets a placeholder actor with its attributes.
    assert study.actors["actor_id"].tolist() == ["A-Interview DK 1", "A-Interview EE 1"]
    assert study.actors["country"].tolist() == ["DK", "EE"]


def test_a_value_without_a_variable_reference_is_ignored(tmp_path):
    """A VariableValue whose VariableRef has no targetGUID names no variable: it is skipped,
    as a value with no VariableRef at all, and the other values still count."""
    orphan = "<VariableValue><VariableRef/><TextValue>Norway</TextValue></VariableValue>"
    v1 = (
        orphan
        + value("Country", "DK")
        + value("Sector", "police")
        + value("Level", "local")
        + value("Date", "2010-03-01")
    )
    v2 = (
        value("Country", "EE")
        + value("Sector", "health")
        + value("Level", "national")
        + value("Date", "2010-03-02")
    )
    study = read_qdpx(two_sources(tmp_path, v1, v2))
    assert study.interviews["country"].tolist() == ["DK", "EE"]


def test_conflicting_values_are_an_error_naming_both_places(tmp_path):
    cases = f'<Cases><Case guid="{G(701)}" name="Land A">{value("Country", "SE")}<SourceRef targetGUID="{G(3001)}"/></Case></Cases>'
    v1 = (
        value("Country", "DK")
        + value("Sector", "police")
        + value("Level", "local")
        + value("Date", "2010-03-01")
    )
    with pytest.raises(StudyValidationError) as err:
        read_qdpx(two_sources(tmp_path, v1, cases=cases), DEFAULTS)
    [problem] = err.value.problems
    assert problem.column == "country"
    assert "'SE' in case 'Land A'" in problem.message and "'DK' in the source" in problem.message


def test_mapping_renames_variables_maps_values_and_overrides_per_source(tmp_path):
    v1 = value("Land", "Dänemark") + value("Sector", "Polizei") + value("actor_id", "DK-POL")
    v2 = value("Land", "Estland") + value("actor_id", "EE-NGO")
    mapping = {
        "variables": {"country": "land"},
        "values": {"country": {"Dänemark": "DK", "Estland": "EE"}, "sector": {"polizei": "police"}},
        "defaults": {"sector": "ngo", "level": "national", "date": "2010-01-01"},
        "sources": {G(3002).upper(): {"level": "local", "date": "2010-02-02"}},
    }  # by GUID, any case
    study = read_qdpx(two_sources(tmp_path, v1, v2), mapping)
    rows = study.interviews.set_index("interview_id")
    assert rows.loc["Interview DK 1", ["country", "sector", "level", "actor_id"]].astype(str).tolist() == [
        "DK",
        "police",
        "national",
        "DK-POL",
    ]
    assert rows.loc["Interview EE 1", ["country", "sector", "level", "actor_id"]].astype(str).tolist() == [
        "EE",
        "ngo",
        "local",
        "EE-NGO",
    ]
    assert str(rows.loc["Interview EE 1", "date"].date()) == "2010-02-02"
    assert "date, level from the mapping's defaults" in rows.loc["Interview DK 1", "notes"]
    assert study.actors.set_index("actor_id").loc["DK-POL", "sector"] == "police"


def test_missing_and_unmappable_values_are_listed_with_the_way_out(tmp_path):
    v1 = value("Country", "Atlantis") + value("Sector", "Polizei")
    with pytest.raises(StudyValidationError) as err:
        read_qdpx(two_sources(tmp_path, v1))
    messages = {(p.column, p.value): p.message for p in err.value.problems}
    assert "values: country:" in messages["country", "Atlantis"]
    assert "values: sector:" in messages["sector", "Polizei"]
    assert "defaults: {level: national}" in messages["level", None]
    assert "no sector for 1 source(s) (Interview EE 1)" in messages["sector", None]


def test_a_case_that_names_its_sources_with_membersource(tmp_path):
    # some exporters write a Case's sources as MemberSource (as in a Set), not SourceRef
    cases = (
        f'<Cases><Case guid="{G(701)}" name="Interview 1">{value("Country", "EE")}{value("Sector", "ngo")}'
        f'{value("Level", "local")}{value("Date", "2010-03-01")}<MemberSource targetGUID="{G(3001)}"/></Case></Cases>'
    )
    xml = project(
        sources=source(1, "Interview 1", "internal://s1.txt", selection(1, 0, 2, (20, 1))), cases=cases
    )
    study = read_qdpx(qdpx(tmp_path / "p.qdpx", xml, {"sources/s1.txt": "Hi there"}))
    assert study.interviews[["country", "sector", "level"]].astype(str).values.tolist() == [
        ["EE", "ngo", "local"]
    ]
