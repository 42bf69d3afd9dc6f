"""The shared REFI-QDA samples (../shared/samples/refi-qda/) read, checked and written back."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from impt_analysis import StudyValidationError
from impt_analysis.interop.refi_qda import import_summary, read_qdpx, write_qdpx
from tests.conftest import SAMPLES
from tests.interop.refi_qda.handmade import DEFAULTS, N_DEFAULT, needs_samples


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
