"""The coding frame as files: every code has a role, the codebook file, the starter project."""

from __future__ import annotations

from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from impt_analysis.interop.refi_qda.frame import frame_tree, role_of, write_codebook, write_starter


def _paths(nodes, above=()):
    for node in nodes:
        yield (*above, node["name"])
        yield from _paths(node["children"], (*above, node["name"]))


def test_every_code_of_the_frame_has_a_role():
    for path in _paths(frame_tree()):
        assert role_of(list(path)) is not None, path


def test_codebook_file_holds_the_frame(tmp_path):
    from xml.etree import ElementTree as ET

    root = ET.parse(write_codebook(tmp_path / "frame.qdc")).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    names = [c.get("name") for c in root.find("{urn:QDA-XML:codebook:1.0}Codes")]
    assert names == [
        "Actors",
        "Information",
        "Verification",
        "Source type",
        "Flow",
        "Barriers",
        "Barrier severity",
        "Case counts",
    ]
    # vocabularies come from the codebook: 15 barriers, 7 channels
    barriers = next(c for c in root.iter("{urn:QDA-XML:codebook:1.0}Code") if c.get("name") == "Barriers")
    assert len(barriers.findall("{urn:QDA-XML:codebook:1.0}Code")) == 15


def test_starter_project_imports_as_an_empty_study(tmp_path):
    study = read_qdpx(write_starter(tmp_path / "start.qdpx"))
    assert study.interviews.empty and study.flows.empty
    assert import_summary(study).n_codes == sum(1 for _ in _paths(frame_tree()))
