"""The project's codes as the codebook: nesting, categories, renamed duplicates, codes mapped by the mapping file."""

from __future__ import annotations

import zipfile

from impt_analysis.interop.refi_qda import CODE_CATEGORY, import_summary, read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, N_DEFAULT, G, two_sources
from tests.interop.refi_qda.worked_example import ACTORS, EXPECTED, POLICE, guid, project_xml, rows


def test_nested_codes_categories_and_renamed_duplicates(tmp_path):
    study = read_qdpx(two_sources(tmp_path), DEFAULTS)
    new = study.codebook.iloc[N_DEFAULT:].set_index("code")
    assert list(new.index) == [
        "barriers",
        "data_protection",
        "barriers/legislation",
        "border_crossing",
        "phone",
        "phone/phone",
        "good_practice_00000000",
    ]
    # "legislation" is a barrier code of the workbench's codebook, and the second "phone" is taken
    # by the first: each is qualified by its enclosing code. "good_practice" is a thematic code
    # of the workbench and has no enclosing code: the start of its GUID tells it apart.
    assert new.loc["barriers", "category"] == CODE_CATEGORY
    assert new.loc["barriers", "description"] == "What blocks information"
    assert new.loc["data_protection", ["category", "label", "parent"]].tolist() == [
        "code",
        "Data protection",
        "barriers",
    ]
    assert new.loc["phone", "parent"] == "border_crossing"
    assert new.loc["phone/phone", ["label", "parent"]].tolist() == ["Phone", "phone"]
    assert new.loc["good_practice_00000000", "label"] == "Good practice"
    summary = import_summary(study)
    assert summary.n_codes == 7
    assert "code 'Border crossing/Phone/Phone' is 'phone/phone': its name is taken" in summary.notes


def test_categories_and_codes_map_to_the_codebook_and_barriers(tmp_path):
    mapping = {
        **DEFAULTS,
        "categories": {"Barriers": "barrier"},
        "codes": {
            "Data protection": "data_protection_rules",
            "Border crossing/Phone": "informal_contact",
            G(30): "good_practice",
        },
        "barrier_severity": 2,
    }
    study = read_qdpx(two_sources(tmp_path), mapping)
    assert study.codings["code"].tolist() == [
        "border_crossing",
        "border_crossing",
        "data_protection_rules",
        "informal_contact",
    ]
    assert study.barriers[["interview_id", "barrier", "severity"]].astype(str).values.tolist() == [
        ["Interview DK 1", "data_protection_rules", "2"]
    ]
    new = study.codebook.iloc[N_DEFAULT:]
    # The category and the mapped codes (by name, path and GUID) make no new codes; "Legislation"
    # matched the vocabulary's code.
    assert new["code"].tolist() == ["border_crossing", "phone"]
    assert new.set_index("code").loc["phone", "parent"] == "informal_contact"


def test_mapping_maps_a_project_s_own_code_names_onto_the_frame(tmp_path):
    xml, files = project_xml("qualcoder")
    xml = xml.replace('name="Actors"', 'name="Organisations"').replace('name="Flow"', 'name="Communication"')
    xml = xml.replace('name="Passes on to"', 'name="We inform"')
    path = tmp_path / "own.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    mapping = {
        "frame": {
            "Organisations": "Actors",
            "Communication": "Flow",
            "Communication/We inform": "Flow/Passes on to",
        }
    }
    study = read_qdpx(path, mapping=mapping)
    assert rows(study.flows, 7) == EXPECTED["flows"]
    assert rows(study.actors, 6) == EXPECTED["actors"]


def test_actor_attributes_from_a_case_that_refers_to_the_actor_code(tmp_path, monkeypatch):
    # NVivo keeps organisations as cases with a classification: a Case with a CodeRef to the code
    monkeypatch.setitem(ACTORS, "Denmark/Police Aarhus", "")
    xml, files = project_xml("nvivo")
    case = (
        f'<Case guid="{guid("case", "police")}" name="Police Aarhus">'
        f'<VariableValue><VariableRef targetGUID="{guid("var", "sector")}"/><TextValue>Police</TextValue></VariableValue>'
        f'<VariableValue><VariableRef targetGUID="{guid("var", "level")}"/><TextValue>local</TextValue></VariableValue>'
        f'<CodeRef targetGUID="{guid("code", POLICE)}"/></Case>'
    )
    xml = xml.replace("</Cases>", case + "</Cases>").replace(
        "</Variables>",
        "".join(
            f'<Variable guid="{guid("var", n)}" name="{n}" typeOfVariable="Text"/>'
            for n in ("sector", "level")
        )
        + "</Variables>",
        1,
    )
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    study = read_qdpx(path)
    assert rows(study.barriers, 5) == EXPECTED["barriers"]
    assert rows(study.actors, 6) == EXPECTED["actors"]
