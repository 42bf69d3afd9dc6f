"""write_qdpx: the demo and back, the schema, inconsistent excerpts refused, positions for NVivo."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from impt_analysis.interop.refi_qda import import_summary, read_qdpx, write_qdpx
from tests.conftest import SAMPLES
from tests.interop.refi_qda.handmade import (
    CP_START,
    DEFAULTS,
    EMOJI_TEXT,
    U16_START,
    emoji_project,
    needs_samples,
)


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


def test_positions_round_trip_to_nvivo(tmp_path):
    study = read_qdpx(emoji_project(tmp_path, "NVivo 14.24.0"), mapping=DEFAULTS)
    out = write_qdpx(study, tmp_path / "back.qdpx", {"Interview 1": EMOJI_TEXT}, positions="utf16")
    root = ET.fromstring(zipfile.ZipFile(out).read("project.qde"))
    sel = root.find(".//{urn:QDA-XML:project:1.0}PlainTextSelection")
    assert int(sel.get("startPosition")) == U16_START  # what NVivo reads
    again = read_qdpx(out, mapping=DEFAULTS)
    cols = ["segment_id", "start", "end", "excerpt"]
    assert again.codings[cols].values.tolist() == study.codings[cols].values.tolist()
    # the same study written for the other tools counts code points
    plain = ET.fromstring(
        zipfile.ZipFile(write_qdpx(study, tmp_path / "cp.qdpx", {"Interview 1": EMOJI_TEXT})).read(
            "project.qde"
        )
    )
    assert int(plain.find(".//{urn:QDA-XML:project:1.0}PlainTextSelection").get("startPosition")) == CP_START
