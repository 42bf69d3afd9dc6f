"""What real exports do: NVivo's UTF-16 positions, PDF selections with their text, unused elements."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

from impt_analysis.interop.refi_qda import import_summary, read_qdpx, write_qdpx
from tests.interop.test_refi_qda import DEFAULTS, G, project, qdpx, selection, source

EMOJI_TEXT = "Hi \U0001f600 we call the police.\r\nThen we wait."
CALL = "we call the police"
# In code points "we" starts at 5; in UTF-16 code units (the emoji is two) at 6.
CP_START, U16_START = EMOJI_TEXT.index(CALL), EMOJI_TEXT.index(CALL) + 1


def emoji_project(tmp_path, origin: str, name="p.qdpx"):
    sel = selection(1, U16_START, U16_START + len(CALL), (20, 1))
    xml = project(sources=source(1, "Interview 1", "internal://s1.txt", sel)).replace(
        'origin="hand"', f'origin="{origin}"'
    )
    return qdpx(tmp_path / name, xml, {"sources/s1.txt": EMOJI_TEXT})


def test_nvivo_positions_in_utf16_code_units_give_the_right_excerpt(tmp_path):
    study = read_qdpx(emoji_project(tmp_path, "NVivo 14.24.0"), mapping=DEFAULTS)
    row = study.codings.iloc[0]
    assert (row["start"], row["end"], row["excerpt"]) == (CP_START, CP_START + len(CALL), CALL)
    assert any("UTF-16" in note for note in import_summary(study).notes)


def test_another_tool_s_positions_are_code_points(tmp_path):
    study = read_qdpx(emoji_project(tmp_path, "MAXQDA 24"), mapping=DEFAULTS)
    assert study.codings.iloc[0]["excerpt"] == EMOJI_TEXT[U16_START : U16_START + len(CALL)]  # taken as given
    assert not any("UTF-16" in note for note in import_summary(study).notes)


def test_a_utf16_position_inside_an_emoji_is_reported(tmp_path):
    sel = selection(1, 4, 10, (20, 1))  # 4 is between the emoji's two code units
    xml = project(sources=source(1, "Interview 1", "internal://s1.txt", sel)).replace(
        'origin="hand"', 'origin="NVivo for Mac 15.0.0"'
    )
    study = read_qdpx(qdpx(tmp_path / "p.qdpx", xml, {"sources/s1.txt": EMOJI_TEXT}), mapping=DEFAULTS)
    assert study.codings.empty
    assert "cuts a character in two" in import_summary(study).skipped[0]["reason"]


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


PDF_TEXT = "Page one. The school calls us.\n\nPage two. We report to the NCP."


def _pdf(tmp_path, representation: bool):
    rep = f'<Representation guid="{G(3100)}" plainTextPath="internal://pdf.txt"/>' if representation else ""
    sels = "".join(
        f'<PDFSelection guid="{G(4100 + i)}" page="{i + 1}" firstX="0" firstY="0" secondX="9" secondY="9">'
        f'<Representation guid="{G(4200 + i)}"><PlainTextContent>{t}</PlainTextContent></Representation>'
        f'<Coding guid="{G(5100 + i)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(30)}"/></Coding>'
        "</PDFSelection>"
        for i, t in enumerate(["The school calls us.", "We report to the NCP."])
    )
    xml = project(
        sources=f'<PDFSource guid="{G(3001)}" name="Interview PDF" path="internal://i.pdf">{sels}{rep}'
        "</PDFSource>"
    )
    return qdpx(tmp_path / "pdf.qdpx", xml, {"sources/pdf.txt": PDF_TEXT, "sources/i.pdf": b"%PDF-1.4"})


def test_pdf_selections_with_their_text_are_imported_where_the_text_occurs(tmp_path):
    study = read_qdpx(_pdf(tmp_path, representation=True), mapping=DEFAULTS)
    got = study.codings[["start", "end", "excerpt"]].values.tolist()
    assert got == [[10, 30, "The school calls us."], [42, 63, "We report to the NCP."]]
    assert import_summary(study).n_skipped == 0


def test_pdf_without_text_representation_is_rebuilt_from_its_selections(tmp_path):
    study = read_qdpx(_pdf(tmp_path, representation=False), mapping=DEFAULTS)
    assert study.codings[["start", "end"]].values.tolist() == [[0, 20], [22, 43]]
    assert any("rebuilt from the 2 selection(s)" in n for n in import_summary(study).notes)


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


def test_a_case_that_names_its_sources_with_membersource(tmp_path):
    # some exporters write a Case's sources as MemberSource (as in a Set), not SourceRef
    from tests.interop.test_refi_qda import value

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
