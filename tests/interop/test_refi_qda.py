"""REFI-QDA import and export: small hand-built projects, the shared samples, unsafe archives."""

from __future__ import annotations

import json
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import StudyValidationError, load_study
from impt_analysis.cli import main
from impt_analysis.codebook import default_codebook
from impt_analysis.interop.refi_qda import (
    CODE_CATEGORY,
    QdpxError,
    UnsafeArchiveError,
    import_summary,
    read_mapping,
    read_qdpx,
    write_qdpx,
)
from impt_analysis.study import write_study
from tests.conftest import SAMPLES

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the shared REFI-QDA samples are not in {SAMPLES}"
)
DEFAULTS = {"defaults": {"country": "DK", "date": "2010-06-01", "sector": "government", "level": "national"}}
N_DEFAULT = len(default_codebook())


# --- building small projects -----------------------------------------------------------------


def G(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


VARIABLES = {
    "Country": G(901),
    "Sector": G(902),
    "Level": G(903),
    "Date": G(904),
    "Land": G(905),
    "actor_id": G(906),
}


def project(codes: str = "", sources: str = "", cases: str = "", users: str = "", extra: str = "") -> str:
    users = (
        users or f'<Users><User guid="{G(1)}" name="coder_a"/><User guid="{G(2)}" name="coder_b"/></Users>'
    )
    variables = "".join(
        f'<Variable guid="{g}" name="{n}" typeOfVariable="Text"/>' for n, g in VARIABLES.items()
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Test project" '
        f'origin="hand">{users}<CodeBook><Codes>{codes or CODES}</Codes></CodeBook>'
        f"<Variables>{variables}</Variables>{cases}<Sources>{sources}</Sources>{extra}</Project>"
    )


def value(name: str, text: str, kind: str = "TextValue") -> str:
    return (
        f'<VariableValue><VariableRef targetGUID="{VARIABLES[name]}"/><{kind}>{text}</{kind}></VariableValue>'
    )


def selection(n: int, start: int, end: int, *codings: tuple[int, int]) -> str:
    inner = "".join(
        f'<Coding guid="{G(5000 + n * 10 + i)}" creatingUser="{G(user)}"><CodeRef targetGUID="{G(code)}"/>'
        f"</Coding>"
        for i, (code, user) in enumerate(codings)
    )
    return f'<PlainTextSelection guid="{G(4000 + n)}" startPosition="{start}" endPosition="{end}">{inner}</PlainTextSelection>'


def source(n: int, name: str, path: str, body: str = "", values: str = "") -> str:
    return (
        f'<TextSource guid="{G(3000 + n)}" name="{name}" plainTextPath="{path}">{body}{values}</TextSource>'
    )


# Codes: a non-codable category "Barriers" (10) with "Data protection" (11) and "Legislation"
# (12); "Border crossing" (20) with a child "Phone" (21) and a grand-child "Phone" (22); and
# "Good practice" (30), whose identifier the workbench's own codebook already holds.
CODES = (
    f'<Code guid="{G(10)}" name="Barriers" isCodable="false"><Description>What blocks information</Description>'
    f'<Code guid="{G(11)}" name="Data protection" isCodable="true"/>'
    f'<Code guid="{G(12)}" name="Legislation" isCodable="true"/></Code>'
    f'<Code guid="{G(20)}" name="Border crossing" isCodable="true"><Code guid="{G(21)}" name="Phone" isCodable="true">'
    f'<Code guid="{G(22)}" name="Phone" isCodable="true"/></Code></Code>'
    f'<Code guid="{G(30)}" name="Good practice" isCodable="true"/>'
)
TEXT1 = "Die Polizei ruft an. Datenschutz verbietet es."  # selection 0-20, 21-46
TEXT2 = "We phone the border guard.\r\nThen we wait.\r\n"


def qdpx(path, xml: str, files: dict | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, data in (files or {}).items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def two_sources(tmp_path, values1: str = "", values2: str = "", cases: str = "", name="p.qdpx"):
    sources = source(
        1,
        "Interview DK 1",
        "internal://s1.txt",
        selection(1, 0, 20, (20, 1), (20, 2)) + selection(2, 21, 46, (11, 1)),
        values1,
    ) + source(2, "Interview EE 1", "s2.txt", selection(3, 13, 26, (21, 1)), values2)
    return qdpx(
        tmp_path / name,
        project(sources=sources, cases=cases),
        {"sources/s1.txt": TEXT1, "sources/s2.txt": TEXT2},
    )


# --- case variables: the three places --------------------------------------------------------


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


# --- codes, selections, text -----------------------------------------------------------------


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


def test_codings_with_coders_positions_and_excerpts(tmp_path):
    study = read_qdpx(two_sources(tmp_path), DEFAULTS)
    c = study.codings
    assert c[["interview_id", "code", "coder", "start", "end"]].values.tolist() == [
        ["Interview DK 1", "border_crossing", "coder_a", 0, 20],
        ["Interview DK 1", "border_crossing", "coder_b", 0, 20],
        ["Interview DK 1", "data_protection", "coder_a", 21, 46],
        ["Interview EE 1", "phone", "coder_a", 13, 26],
    ]
    assert c["excerpt"].tolist() == [
        "Die Polizei ruft an.",
        "Die Polizei ruft an.",
        "Datenschutz verbietet es.",
        "border guard.",
    ]
    assert c["segment_id"].iloc[0] == c["segment_id"].iloc[1] == G(4001)


def test_non_ascii_positions_count_code_points(tmp_path):
    text = "Gefährdet: 👧 lief weg. Ende"
    # Code points: G0 e1 f2 ä3 h4 r5 d6 e7 t8 :9 ' '10 👧11 ' '12 l13 i14 e15 f16 ' '17 w18 e19 g20 .21
    # (in UTF-16 the girl would take 2 units, in UTF-8 4 bytes, 'ä' 2 bytes).
    xml = project(
        sources=source(
            1, "i1", "internal://t.txt", selection(1, 11, 21, (20, 1)) + selection(2, 13, 17, (21, 1))
        )
    )
    study = read_qdpx(qdpx(tmp_path / "u.qdpx", xml, {"sources/t.txt": text}), DEFAULTS)
    assert study.codings["excerpt"].tolist() == ["👧 lief weg", "lief"]


def test_windows_line_endings_are_kept_as_positions_count_them(tmp_path):
    # "We phone the border guard.\r\nThen we wait.\r\n": \r is 26, \n 27, "Then" starts at 28.
    xml = project(
        sources=source(
            1, "i1", "internal://t.txt", selection(1, 13, 32, (20, 1)) + selection(2, 28, 41, (21, 1))
        )
    )
    study = read_qdpx(qdpx(tmp_path / "w.qdpx", xml, {"sources/t.txt": TEXT2}), DEFAULTS)
    assert study.codings["excerpt"].tolist() == ["border guard.\r\nThen", "Then we wait."]
    reloaded = load_study(write_study(study, tmp_path / "study"))
    assert reloaded.codings["excerpt"].iloc[0] == "border guard.\r\nThen"


def test_sources_inline_bare_paths_and_docx_without_text(tmp_path):
    sources = (
        f'<TextSource guid="{G(3001)}" name="inline"><PlainTextContent>Kurz gesagt.</PlainTextContent>'
        f"{selection(1, 0, 4, (20, 1))}</TextSource>"
        + source(2, "bare", "s2.txt", selection(2, 0, 2, (20, 1)))
        + f'<TextSource guid="{G(3003)}" name="word" plainTextPath="internal://w.txt" '
        f'richTextPath="internal://w.docx">{selection(3, 5, 9, (20, 2))}</TextSource>'
        + source(4, "lost", "internal://missing.txt", selection(4, 0, 3, (20, 2)))
    )
    files = {"sources/s2.txt": "Hi there", "sources/w.txt": "\n", "sources/w.docx": b"PK fake"}
    study = read_qdpx(qdpx(tmp_path / "s.qdpx", project(sources=sources), files), DEFAULTS)
    assert study.codings["excerpt"].fillna("").tolist() == ["Kurz", "Hi", "", ""]
    assert study.codings[["start", "end"]].values.tolist() == [[0, 4], [0, 2], [5, 9], [0, 3]]
    notes = " | ".join(import_summary(study).notes)
    assert (
        "source 'word': its plain text is empty (only w.docx): its codings are imported without excerpts"
        in notes
    )
    assert "source 'lost': its plain text 'internal://missing.txt' is not in the archive" in notes


def test_every_coding_is_imported_or_reported(tmp_path):
    sources = (
        source(
            1,
            "i1",
            "internal://t.txt",
            selection(1, 0, 5, (20, 1), (20, 1), (99, 1))
            + selection(2, 3, 500, (20, 1))
            + selection(3, 9, 4, (20, 1))
            + selection(4, 0, 3, (10, 1))
            + f'<Coding guid="{G(6001)}"><CodeRef targetGUID="{G(20)}"/></Coding>',
        )
        + f'<PictureSource guid="{G(3009)}" name="photo"><PictureSelection guid="{G(4009)}" firstX="0" '
        f'firstY="0" secondX="1" secondY="1"><Coding guid="{G(6002)}"><CodeRef targetGUID="{G(20)}"/>'
        f"</Coding></PictureSelection></PictureSource>"
    )
    study = read_qdpx(qdpx(tmp_path / "k.qdpx", project(sources=sources), {"sources/t.txt": TEXT1}), DEFAULTS)
    summary = import_summary(study)
    # Imported: selection 1 with "Border crossing", and selection 4 with the category "Barriers"
    # (a code of category code_category: the file codes it, so it is kept).
    assert study.codings["code"].tolist() == ["border_crossing", "barriers"]
    assert (summary.n_codings, summary.n_imported, summary.n_skipped) == (8, 2, 6)
    assert summary.reasons() == {
        "the same coder applied the same code to the same selection twice": 1,
        "its CodeRef points to no code of the codebook": 1,
        "its selection ends at 500, beyond the source text (46 code points)": 1,
        "its selection runs from 9 to 4": 1,
        "it codes the whole source, not a text selection": 1,
        "it is in a PictureSource (only text sources are imported)": 1,
    }
    frame = summary.skipped_frame()
    assert list(frame.columns) == ["coding", "source", "code", "reason"]
    assert frame.set_index("coding").loc[G(5012), "code"] == G(99)  # an unknown code is named by its GUID
    assert frame.set_index("coding").loc[G(5011), "code"] == "Border crossing"  # a known one by its path


def test_summary_counts_and_reasons(tmp_path):
    sources = source(
        1, "i1", "internal://t.txt", selection(1, 0, 5, (20, 1), (99, 1)) + selection(2, 3, 500, (20, 2))
    )
    study = read_qdpx(qdpx(tmp_path / "k.qdpx", project(sources=sources), {"sources/t.txt": TEXT1}), DEFAULTS)
    summary = import_summary(study)
    assert (summary.n_codings, summary.n_imported, summary.n_skipped) == (3, 1, 2)
    assert summary.reasons() == {
        "its CodeRef points to no code of the codebook": 1,
        "its selection ends at 500, beyond the source text (46 code points)": 1,
    }
    assert "1 of 3 codings imported" in str(summary)
    with pytest.raises(ValueError, match="not imported from a REFI-QDA project"):
        import_summary(load_study())


def test_codings_without_a_user_take_the_mapping_default_coder(tmp_path):
    sources = source(
        1,
        "i1",
        "internal://t.txt",
        f'<PlainTextSelection guid="{G(4001)}" startPosition="0" endPosition="3">'
        f'<Coding guid="{G(6001)}"><CodeRef targetGUID="{G(20)}"/></Coding></PlainTextSelection>',
    )
    path = qdpx(tmp_path / "n.qdpx", project(sources=sources), {"sources/t.txt": TEXT1})
    assert import_summary(read_qdpx(path, DEFAULTS)).reasons() == {
        "it names no user: set 'defaults: coder:' in the mapping file": 1
    }
    study = read_qdpx(path, {"defaults": {**DEFAULTS["defaults"], "coder": "coder_x"}})
    assert study.codings["coder"].tolist() == ["coder_x"]


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


def test_mapping_errors_are_clear(tmp_path):
    path = two_sources(tmp_path)
    with pytest.raises(QdpxError, match="unknown section"):
        read_qdpx(path, {"default": {}})
    with pytest.raises(QdpxError, match="'Datenschutz' is not a code"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Datenschutz": "data_protection_rules"}})
    with pytest.raises(QdpxError, match="names 2 codes"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Phone": "informal_contact"}})
    with pytest.raises(QdpxError, match="'nonsense' is not a code of the codebook"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Legislation": "nonsense"}})
    with pytest.raises(QdpxError, match="match none of its codes"):
        read_qdpx(path, {**DEFAULTS, "categories": {"Border crossing": "barrier"}})
    with pytest.raises(QdpxError, match="'Interview DK 9' is not a source"):
        read_qdpx(path, {**DEFAULTS, "sources": {"Interview DK 9": {"level": "local"}}})
    with pytest.raises(QdpxError, match="barrier_severity must be 1"):
        read_mapping({"barrier_severity": 5})


def test_mapping_files_yaml_and_json(tmp_path):
    (tmp_path / "m.yaml").write_text(
        "defaults:\n  country: DK\n  date: 2010-06-01\n  sector: government\n  level: national\n",
        encoding="utf-8",
    )
    (tmp_path / "m.json").write_text(json.dumps(DEFAULTS), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("defaults: [\n", encoding="utf-8")
    assert read_mapping(tmp_path / "m.yaml").defaults == DEFAULTS["defaults"]  # YAML dates become text
    assert read_mapping(tmp_path / "m.json").defaults == DEFAULTS["defaults"]
    with pytest.raises(QdpxError, match="not valid YAML"):
        read_mapping(tmp_path / "bad.yaml")


# --- the shared samples ----------------------------------------------------------------------


@needs_samples
def test_sample_demo_qdpx():
    study = read_qdpx(SAMPLES / "demo.qdpx", DEFAULTS)
    summary = import_summary(study)
    assert (summary.n_codings, summary.n_imported, summary.n_skipped) == (205, 205, 0)
    assert summary.n_codes == 262 and len(study.codebook) - N_DEFAULT == 262
    assert len(study.interviews) == 2 and study.interviews["interview_id"].tolist() == [
        "board_2017",
        "admin-1",
    ]
    assert study.codings["coder"].unique().tolist() == ["cp"]
    # Excerpts are the source text cut at the positions.
    with zipfile.ZipFile(SAMPLES / "demo.qdpx") as archive:
        text = archive.read("sources/board_2017.txt").decode("utf-8")
    first = study.codings.iloc[0]
    assert first["excerpt"] == text[first["start"] : first["end"]]
    assert (study.codings["excerpt"].str.len() == study.codings["end"] - study.codings["start"]).all()
    # Nesting: top-level codes have no parent; a duplicated name is qualified by its parent.
    new = study.codebook.iloc[N_DEFAULT:].set_index("code")
    assert set(new.index[new["parent"].isna()]) == {
        "rq1_definition",
        "rq2_curriculum_and_instruction",
        "rq3_process",
    }
    assert new.loc["cs_as_programming/programming", "parent"] == "cs_as_programming"
    assert new.loc["programming", "parent"] == "competencies"


@needs_samples
def test_sample_nvivo_project():
    study = read_qdpx(SAMPLES / "nvivo_project.qdpx", DEFAULTS)
    summary = import_summary(study)
    assert (summary.n_codes, summary.n_codings, summary.n_sources) == (262, 0, 2)
    assert len(study.codebook) - N_DEFAULT == 262 and study.codings.empty
    assert sum("plain text is empty (only" in note and ".docx" in note for note in summary.notes) == 2


@needs_samples
def test_sample_without_mapping_says_what_is_missing():
    with pytest.raises(StudyValidationError) as err:
        read_qdpx(SAMPLES / "demo.qdpx")
    assert {p.column for p in err.value.problems} == {"country", "date", "sector", "level"}


@needs_samples
def test_sample_round_trip_through_export(tmp_path):
    study = read_qdpx(SAMPLES / "demo.qdpx", DEFAULTS)
    back = read_qdpx(write_qdpx(study, tmp_path / "again.qdpx"))
    pd.testing.assert_frame_equal(back.codings, study.codings)
    pd.testing.assert_frame_equal(back.codebook, study.codebook)


# --- export ----------------------------------------------------------------------------------


def test_demo_round_trip_and_schema(tmp_path, demo):
    import xmlschema

    path = write_qdpx(demo, tmp_path / "demo.qdpx")
    if SAMPLES.is_dir():
        schema = xmlschema.XMLSchema(str(SAMPLES / "Project.xsd"))
        with zipfile.ZipFile(path) as archive:
            schema.validate(archive.read("project.qde").decode("utf-8"))
    back = read_qdpx(path)
    key = ["segment_id", "code", "coder"]
    pd.testing.assert_frame_equal(
        back.codings.sort_values(key).reset_index(drop=True),
        demo.codings.sort_values(key).reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(back.codebook, demo.codebook)
    cols = ["interview_id", "country", "date", "sector", "level", "actor_id"]
    pd.testing.assert_frame_equal(back.interviews[cols], demo.interviews[cols])
    assert back.synthetic  # the synthetic label travels with the export
    assert import_summary(back).n_skipped == 0


@needs_samples
def test_written_project_validates_against_the_schema(tmp_path, build):
    import xmlschema

    study = build(
        [{"actor_id": "A", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"}],
        codings=[
            {
                "segment_id": "s1",
                "interview_id": "DK-I1",
                "code": "legislation",
                "coder": "c1",
                "start": 2,
                "end": 6,
                "excerpt": "Ärzt",
            }
        ],
    )
    path = write_qdpx(study, tmp_path / "one.qdpx", texts={"DK-I1": "Ä Ärzte"})
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        names = archive.namelist()
    xmlschema.XMLSchema(str(SAMPLES / "Project.xsd")).validate(xml)
    root = ET.fromstring(xml)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    group = root.find("q:CodeBook/q:Codes/q:Code[@name='barrier']", ns)
    assert group.get("isCodable") == "false" and group.find("q:Code", ns).get("name") == "legislation"
    assert [n for n in names if n.startswith("sources/")] and read_qdpx(path).codings["excerpt"].tolist() == [
        "Ärzt"
    ]


def test_export_refuses_inconsistent_excerpts(tmp_path, build):
    actors = [
        {"actor_id": "A", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"}
    ]
    study = build(
        actors,
        codings=[
            {
                "segment_id": "s1",
                "interview_id": "DK-I1",
                "code": "legislation",
                "coder": "c1",
                "start": 0,
                "end": 4,
                "excerpt": "abcd",
            },
            {
                "segment_id": "s2",
                "interview_id": "DK-I1",
                "code": "legislation",
                "coder": "c1",
                "start": 2,
                "end": 6,
                "excerpt": "xyef",
            },
        ],
    )
    with pytest.raises(ValueError, match="overlap with different text at position 2"):
        write_qdpx(study, tmp_path / "x.qdpx")
    with pytest.raises(ValueError, match="does not hold the excerpt"):
        write_qdpx(study, tmp_path / "x.qdpx", texts={"DK-I1": "abcdef"})
    assert not (tmp_path / "x.qdpx").exists()


# --- untrusted archives ----------------------------------------------------------------------


def _zip_with(tmp_path, name: str, data: bytes = b"x", xml: str | None = None):
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml or project())
        archive.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.mark.parametrize(
    "name, why",
    [
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.txt", "absolute path"),
        ("sources/../../evil.txt", "'..'"),
        ("..\\evil.txt", "'..'"),
    ],
)
def test_entries_outside_the_archive_are_refused(tmp_path, name, why):
    with pytest.raises(UnsafeArchiveError, match=why):
        read_qdpx(_zip_with(tmp_path, name), DEFAULTS)


def test_uncompressed_size_and_entries_are_capped(tmp_path):
    bomb = _zip_with(tmp_path, "sources/zeros.txt", b"0" * 2_000_000)  # deflates to a few kB
    with pytest.raises(UnsafeArchiveError, match="more than 1,000,000 bytes"):
        read_qdpx(bomb, DEFAULTS, max_bytes=1_000_000)
    many = tmp_path / "many.qdpx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("project.qde", project())
        for i in range(20):
            archive.writestr(f"sources/{i}.txt", "x")
    with pytest.raises(UnsafeArchiveError, match="21 entries, more than the 10 allowed"):
        read_qdpx(many, DEFAULTS, max_entries=10)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # entity expansion
        '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # external entity
        '<!DOCTYPE Project SYSTEM "http://example.org/project.dtd">',  # external DTD
    ],
)
def test_xml_with_dtd_or_entities_is_refused(tmp_path, doctype):
    xml = (
        project()
        .replace("<Project ", doctype + "<Project ", 1)
        .replace('name="Test project"', 'name="&b;"' if "ENTITY b" in doctype else 'name="x"')
    )
    path = qdpx(tmp_path / "xml.qdpx", xml)
    with pytest.raises(UnsafeArchiveError, match="DTD, entities or external references"):
        read_qdpx(path, DEFAULTS)


def test_not_a_project_is_a_clear_error(tmp_path):
    (tmp_path / "plain.qdpx").write_text("hello", encoding="utf-8")
    with pytest.raises(QdpxError, match="not a ZIP archive"):
        read_qdpx(tmp_path / "plain.qdpx")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("sources/a.txt", "x")
    with pytest.raises(QdpxError, match="project.qde is missing"):
        read_qdpx(empty)
    with pytest.raises(QdpxError, match="not well-formed XML"):
        read_qdpx(qdpx(tmp_path / "broken.qdpx", "<Project"))
    with pytest.raises(QdpxError, match="namespace"):
        read_qdpx(qdpx(tmp_path / "other.qdpx", '<Project xmlns="urn:other" name="x"/>'))


# --- the command line ------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_import_writes_a_valid_study(tmp_path):
    (tmp_path / "m.yaml").write_text(
        "defaults: {country: DK, date: 2010-06-01, sector: police, level: local}\n", encoding="utf-8"
    )
    out = tmp_path / "study"
    result = run("import-qdpx", two_sources(tmp_path), "--out", out, "--mapping", tmp_path / "m.yaml")
    assert result.exit_code == 0, result.output
    assert "4 of 4 codings imported" in result.output
    assert run("validate", out).exit_code == 0
    assert json.loads((out / "datapackage.json").read_text())["impt:import_summary"]["n_imported"] == 4
    again = run("import-qdpx", two_sources(tmp_path), "--out", out, "--mapping", tmp_path / "m.yaml")
    assert again.exit_code == 2 and "--force" in again.output


def test_cli_refuses_unsafe_archives_and_writes_nothing(tmp_path):
    out = tmp_path / "study"
    result = run("import-qdpx", _zip_with(tmp_path, "../../evil.txt"), "--out", out)
    assert result.exit_code == 1
    assert "refused" in result.output and "Traceback" not in result.output
    assert not out.exists()
    missing = run("import-qdpx", two_sources(tmp_path), "--out", out)
    assert missing.exit_code == 1 and "column country" in missing.output and not out.exists()


def test_cli_export(tmp_path, demo_copy, demo):
    texts = tmp_path / "texts"
    texts.mkdir()
    result = run("export-qdpx", "--data", demo_copy, "--out", tmp_path / "d.qdpx", "--texts", texts)
    assert result.exit_code == 0, result.output
    assert f"60 sources, {len(demo.codings)} codings (synthetic demonstration data)" in result.output
