"""The import summary: counts and reasons, its dict form, the passages behind each row and those without one."""

from __future__ import annotations

import pytest

from impt_analysis import load_study
from impt_analysis.interop.refi_qda import ImportSummary, import_summary, read_qdpx, unrowable_passages
from tests.interop.refi_qda.handmade import DEFAULTS, TEXT1, project, qdpx, selection, source
from tests.interop.refi_qda.worked_example import EVIDENCE, INTERVIEWS, write_project


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


def test_evidence_gives_the_passages_behind_each_row(tmp_path):
    from impt_analysis.interop.refi_qda import evidence

    study = read_qdpx(write_project(tmp_path / "p.qdpx", "maxqda"))
    passages = evidence(study, "flows")
    third = passages[passages["row"] == 2]
    assert third["excerpt"].tolist() == [EVIDENCE["flows"][2].split("|")[0], "The school"]
    assert set(third["interview_id"]) == {"Interview 2"}


def test_the_summary_survives_its_dict_form():
    """The summary travels in the package's properties as a dict: it comes back the same, n_skipped added."""
    summary = ImportSummary(
        file="p.qdpx",
        n_codings=3,
        n_imported=2,
        skipped=[{"coding": "g1", "source": "Interview 1", "code": "c", "reason": "r"}],
        derived={"flows": 2},
    )
    data = summary.to_dict()
    assert (data["n_codings"], data["n_imported"], data["n_skipped"]) == (3, 2, 1)
    assert ImportSummary.from_dict(data) == summary
    assert str(summary).splitlines() == [
        "p.qdpx: 2 of 3 codings imported, 0 codes, 0 sources",
        "  skipped 1: r",
        "  derived from the coding frame: 2 flows",
    ]


def test_unrowable_passages_add_the_excerpt_the_summary_leaves_out(tmp_path):
    """The worked example's one passage without an actor, "We tell someone about it." (interview 2, coder_b)."""
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "qualcoder"))
    sentence = "We tell someone about it."
    start = INTERVIEWS["Interview 2"][2].index(sentence)
    passages = unrowable_passages(study)
    assert passages[["interview", "coder", "start", "end", "excerpt"]].values.tolist() == [
        ["Interview 2", "coder_b", start, start + len(sentence), sentence]
    ]
    assert "excerpt" not in import_summary(study).unrowable[0]  # the summary itself holds no text
