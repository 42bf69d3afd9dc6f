"""Text sources and their plain texts: code points, line endings, NVivo's UTF-16 positions, PDF selections."""

from __future__ import annotations

from impt_analysis import load_study
from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from impt_analysis.study import write_study
from tests.interop.refi_qda.handmade import (
    CALL,
    CP_START,
    DEFAULTS,
    EMOJI_TEXT,
    TEXT2,
    U16_START,
    G,
    emoji_project,
    project,
    qdpx,
    selection,
    source,
)


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


# --- NVivo's UTF-16 positions ------------------------------------------------------------------


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


# --- PDF sources --------------------------------------------------------------------------------


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
