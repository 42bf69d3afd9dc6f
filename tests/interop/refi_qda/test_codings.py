"""Codings of text selections: coders, positions and excerpts; every other coding reported with its reason."""

from __future__ import annotations

from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, TEXT1, G, project, qdpx, selection, source, two_sources


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
