"""The demonstration study as a project coded with the frame: written, imported, the same network back."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import load_study, study_from_tables
from impt_analysis.cli import main
from impt_analysis.demo import CODED_PROJECT
from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from impt_analysis.interop.refi_qda.coded import write_coded_qdpx
from impt_analysis.study import demo_path

NETWORK = ["actors", "items", "knowledge", "flows", "barriers", "case_counts"]
# interviews.notes is not carried: the import writes where the interview came from there.
INTERVIEW_COLUMNS = ["interview_id", "country", "date", "sector", "level", "actor_id"]
# flow_id is an identifier the import numbers itself; evidence is what the import adds.
NOT_COMPARED = {"flow_id", "evidence"}


def _norm(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame[columns].astype(object).where(frame[columns].notna(), "").astype(str)
    return frame.sort_values(columns).reset_index(drop=True)


@pytest.fixture(scope="module")
def demo_round_trip(tmp_path_factory):
    demo = load_study()
    path = write_coded_qdpx(
        demo,
        tmp_path_factory.mktemp("coded") / "demo.qdpx",
        double_coded=list(demo.interviews["interview_id"][:12]),
    )
    return demo, read_qdpx(path)


@pytest.mark.parametrize("table", ["actors", "items", "knowledge", "flows", "barriers", "case_counts"])
def test_demo_coded_with_the_frame_gives_back_its_network(demo_round_trip, table):
    demo, back = demo_round_trip
    columns = [c for c in getattr(demo, table).columns if c not in NOT_COMPARED]
    assert _norm(getattr(back, table), columns).equals(_norm(getattr(demo, table), columns))


def test_demo_round_trip_interviews_summary_and_label(demo_round_trip):
    demo, back = demo_round_trip
    columns = ["interview_id", "country", "date", "sector", "level", "actor_id"]
    assert _norm(back.interviews, columns).equals(_norm(demo.interviews, columns))
    summary = import_summary(back)
    assert summary.unrowable == [] and summary.n_skipped == 0
    assert back.synthetic  # still labelled synthetic
    # every row's evidence opens onto its own generated sentence
    excerpts = dict(zip(back.codings["segment_id"], back.codings["excerpt"]))
    assert all(excerpts[e.split(";")[0]].endswith("knows this.") for e in back.knowledge["evidence"])


def test_between_others_and_a_count_of_thousands(tmp_path):
    actors = [
        {"actor_id": a, "name": n, "country": "EE", "sector": s, "level": "local", "kind": "organisation"}
        for a, n, s in [
            ("R", "Respondent NGO", "ngo"),
            ("S", "School", "education"),
            ("P", "Police", "police"),
        ]
    ]
    interviews = [
        {
            "interview_id": "I1",
            "country": "EE",
            "date": "2010-03-01",
            "sector": "ngo",
            "level": "local",
            "actor_id": "R",
        }
    ]
    flows = [
        {
            "flow_id": "F1",
            "interview_id": "I1",
            "source_actor": "S",
            "target_actor": "P",
            "channel": "case_referral",
            "frequency": "ad_hoc",
            "item_id": "",
        }
    ]
    counts = [
        {
            "country": "EE",
            "year": 2009,
            "tier": "at_risk_context",
            "child_group": "children_begging",
            "count": 2000,
            "basis": "maybe",
            "source_actor": "S",
        }
    ]
    study = study_from_tables(
        {"actors": actors, "interviews": interviews, "flows": flows, "case_counts": counts}
    )
    back = read_qdpx(write_coded_qdpx(study, tmp_path / "p.qdpx"))
    assert back.flows[["source_actor", "target_actor"]].values.tolist() == [["S", "P"]]
    assert back.case_counts[["year", "count", "source_actor"]].values.tolist() == [[2009, 2000, "S"]]


def test_demo_part_coded_by_two_coders_agrees_perfectly(demo_round_trip):
    from impt_analysis import agreement

    _, back = demo_round_trip
    assert set(back.codings["coder"]) == {"frame_writer", "frame_writer_2"}
    both = back.codings.groupby("segment_id")["coder"].nunique()
    assert (both == 2).sum() > 0
    table = agreement(back, by="code")
    assert (table["percent_agreement"].dropna() == 1).all()


@pytest.fixture(scope="module")
def shipped_demo_imported(tmp_path_factory):
    """``impt import-qdpx data/demo/demo.qdpx --out X``, through the command line, and X loaded."""
    out = tmp_path_factory.mktemp("shipped") / "study"
    result = CliRunner().invoke(main, ["import-qdpx", str(demo_path() / CODED_PROJECT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return load_study(), load_study(out)


@pytest.mark.parametrize("table", NETWORK)
def test_shipped_demo_qdpx_imports_to_the_demo_network(shipped_demo_imported, table):
    demo, back = shipped_demo_imported
    columns = [c for c in getattr(demo, table).columns if c not in NOT_COMPARED]
    assert _norm(getattr(back, table), columns).equals(_norm(getattr(demo, table), columns))


def test_shipped_demo_qdpx_interviews_coders_and_label(shipped_demo_imported):
    demo, back = shipped_demo_imported
    assert _norm(back.interviews, INTERVIEW_COLUMNS).equals(_norm(demo.interviews, INTERVIEW_COLUMNS))
    # the interviews the demo's second coder coded are the ones coded twice in the project
    twice = back.codings.groupby("interview_id")["coder"].nunique()
    second = set(demo.codings.loc[demo.codings["coder"] == "coder_2", "interview_id"])
    assert set(twice.index[twice > 1]) == second and len(second) == 18
    assert back.synthetic and "synthetic" in back.meta["title"]


def test_shipped_demo_qdpx_read_by_the_library(shipped_demo_imported):
    demo, _ = shipped_demo_imported
    back = read_qdpx(demo_path() / CODED_PROJECT)
    for table in NETWORK:
        columns = [c for c in getattr(demo, table).columns if c not in NOT_COMPARED]
        assert _norm(getattr(back, table), columns).equals(_norm(getattr(demo, table), columns)), table
    summary = import_summary(back)
    assert summary.unrowable == [] and summary.n_skipped == 0


def test_written_project_is_the_same_bytes_every_time(tmp_path):
    demo = load_study()
    a = write_coded_qdpx(demo, tmp_path / "a.qdpx", double_coded=["DK-I01"]).read_bytes()
    b = write_coded_qdpx(demo, tmp_path / "b.qdpx", double_coded=["DK-I01"]).read_bytes()
    assert a == b
