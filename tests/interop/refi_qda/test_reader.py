"""read_qdpx puts the parts together: what it does not import is counted, a project without the frame derives nothing."""

from __future__ import annotations

import zipfile

from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, G, project, qdpx, selection, source
from tests.interop.refi_qda.worked_example import project_xml


def test_links_graphs_sets_and_notes_are_counted(tmp_path):
    extra = (
        f'<Notes><Note guid="{G(6001)}"/></Notes><Links><Link guid="{G(6002)}"/><Link guid="{G(6003)}"/></Links>'
        f'<Sets><Set guid="{G(6004)}" name="memo group"/></Sets><Graphs><Graph guid="{G(6005)}"/></Graphs>'
    )
    sel = selection(1, 0, 2, (20, 1))
    xml = project(sources=source(1, "Interview 1", "internal://s1.txt", sel), extra=extra)
    summary = import_summary(
        read_qdpx(qdpx(tmp_path / "p.qdpx", xml, {"sources/s1.txt": "Hi there"}), mapping=DEFAULTS)
    )
    assert summary.unused == {"links": 2, "graphs": 1, "sets": 1, "notes": 1}
    assert "not imported: 2 links" in str(summary)


def test_a_project_without_the_frame_derives_nothing(tmp_path):
    xml, files = project_xml("maxqda")
    for name in ("Actors", "Information", "Flow"):
        xml = xml.replace(f'name="{name}"', f'name="My {name}"')
    path = tmp_path / "plain.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text)
    study = read_qdpx(path, mapping={"defaults": {"sector": "police", "level": "local"}})
    assert study.flows.empty and study.knowledge.empty
    assert len(study.codings) > 0
