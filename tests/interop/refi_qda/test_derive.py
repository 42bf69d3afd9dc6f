"""Rows derived from the coding frame: the worked example of docs/coding-frame.md imported from each tool's layout.

Every row is worked out by hand from the passages in INTERVIEWS (see the document and
:mod:`tests.interop.refi_qda.worked_example`); passages that cannot become rows are listed.
"""

from __future__ import annotations

import pytest

from impt_analysis.interop.refi_qda import import_summary, read_qdpx
from tests.interop.refi_qda.worked_example import (
    ACTORS,
    EVIDENCE,
    EXPECTED,
    INTERVIEWS,
    ITEM,
    ITEM_ID,
    NCP,
    ORIGINS,
    SCHOOL,
    SCHOOL_ID,
    SOCIAL,
    rows,
    write_project,
)


@pytest.mark.parametrize("layout", sorted(ORIGINS))
def test_worked_example_gives_every_row_by_hand(tmp_path, layout):
    study = read_qdpx(write_project(tmp_path / f"{layout}.qdpx", layout))
    for table, expected in EXPECTED.items():
        assert rows(getattr(study, table), len(expected[0])) == expected, (layout, table)
    excerpts = study.codings.drop_duplicates("segment_id").set_index("segment_id")["excerpt"]
    for table, passages in EVIDENCE.items():
        got = [
            "|".join(dict.fromkeys(excerpts[s] for s in e.split(";")))
            for e in getattr(study, table)["evidence"]
        ]
        assert got == passages, (layout, table)


@pytest.mark.parametrize("layout", sorted(ORIGINS))
def test_worked_example_summary_lists_the_passage_without_actor_and_the_duplicates(tmp_path, layout):
    summary = import_summary(read_qdpx(write_project(tmp_path / "p.qdpx", layout)))
    text2 = INTERVIEWS["Interview 2"][2]
    start = text2.index("We tell someone about it.")
    assert [(u["interview"], u["start"], u["end"]) for u in summary.unrowable] == [
        ("Interview 2", start, start + len("We tell someone about it."))
    ]
    assert "no actor" in summary.unrowable[0]["reason"]
    assert [d["actors"] for d in summary.duplicates] == [["police_aarhus", "aarhus_police"]]
    assert summary.derived == {"items": 1, "knowledge": 2, "flows": 3, "barriers": 1, "case_counts": 1}
    assert summary.n_skipped == 0
    # ATLAS.ti's document groups: country DK, two dates, two actors (read as variables, counted all the same)
    assert summary.unused["sets"] == (5 if layout == "atlas" else 0)
    assert "We tell someone" not in str(summary)  # the summary never holds an excerpt


def test_direction_survives_two_passages_of_opposite_direction(tmp_path):
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "maxqda"))
    f = study.flows.set_index("flow_id")
    # "we send monthly reports to the NCP" and "the school calls us": opposite directions
    assert (f.loc["F00001", "source_actor"], f.loc["F00001", "target_actor"]) == (SOCIAL, "dk_ncp")
    assert (f.loc["F00002", "source_actor"], f.loc["F00002", "target_actor"]) == (SCHOOL_ID, SOCIAL)


def _with(interviews, interview, passages=None, variables=None):
    v, coder, text, old = interviews[interview]
    return {
        **interviews,
        interview: ({**v, **(variables or {})}, coder, text, old if passages is None else passages),
    }


def test_two_actors_and_no_direction_and_an_actor_without_attributes_are_listed(tmp_path):
    sentence = "The school told the National Contact Point about the missing girl."
    changed = _with(
        INTERVIEWS,
        "Interview 2",
        [
            (sentence, [NCP, SCHOOL, "Flow/Channel/Case referral", "Flow/Frequency/Ad hoc"]),
            (
                "The school",
                ["Flow/Between others", NCP, SCHOOL, "Flow/Channel/Case referral", "Flow/Frequency/Ad hoc"],
            ),
        ],
    )
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "qualcoder", changed))
    reasons = [u["reason"] for u in import_summary(study).unrowable]
    assert reasons[0].startswith("two actors and no direction")
    assert "no actor's name is coded Sender" in reasons[1]
    assert len(study.flows) == 2  # interview 1's flows only


def test_actor_code_without_sector_or_level_is_listed_with_its_passage(tmp_path, monkeypatch):
    monkeypatch.setitem(ACTORS, "Denmark/Police Aarhus", "a description with no attribute lines")
    changed = _with(INTERVIEWS, "Interview 2", variables={"sector": "police", "level": "local"})
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "atlas", changed))
    unrowable = import_summary(study).unrowable
    assert [u["interview"] for u in unrowable][:1] == ["Interview 1"]
    assert "Police Aarhus" in unrowable[0]["reason"] and "no sector" in unrowable[0]["reason"]
    # the barrier stands; the link it blocks is not known (the passage is listed)
    assert rows(study.barriers, 5) == [("Interview 1", "data_protection_rules", "", "", 2)]
    assert "police_aarhus" not in set(study.actors["actor_id"])


def test_two_actor_codes_given_one_id_in_the_mapping_are_one_actor(tmp_path):
    path = write_project(tmp_path / "p.qdpx", "qualcoder")
    study = read_qdpx(
        path,
        mapping={
            "actors": {"Aarhus police": {"id": "police_aarhus"}, "Police Aarhus": {"id": "police_aarhus"}}
        },
    )
    assert study.actors["actor_id"].tolist().count("police_aarhus") == 1
    assert "aarhus_police" not in set(study.actors["actor_id"])
    assert import_summary(study).duplicates == []
    # one id for two different actors: the first code holds it, the passages of the other are listed
    conflicting = read_qdpx(path, mapping={"actors": {"Aarhus police": {"id": "dk_ncp"}}})
    assert conflicting.actors.set_index("actor_id").loc["dk_ncp", "sector"] == "police"
    reasons = [u["reason"] for u in import_summary(conflicting).unrowable]
    assert sum("share the id 'dk_ncp'" in r for r in reasons) == 2  # the NCP's two flow passages


def test_a_knowledge_passage_inside_a_flow_passage_names_no_end_of_the_flow(tmp_path):
    text = "We send reports to the NCP. The school knows about au pairs leaving, from a newspaper."
    inner = "The school knows about au pairs leaving, from a newspaper."
    interviews = {
        "Interview 1": (
            {"country": "DK", "date": "2010-05-04", "actor_id": "Social services Aarhus"},
            "coder_a",
            text,
            [
                (text, ["Flow/Passes on to", NCP, "Flow/Channel/Formal report", "Flow/Frequency/Regular"]),
                (inner, [ITEM, SCHOOL, "Verification/Anecdotal evidence", "Source type/Media"]),
            ],
        )
    }
    study = read_qdpx(write_project(tmp_path / "p.qdpx", "atlas", interviews))
    assert rows(study.flows, 7) == [
        ("F00001", "Interview 1", SOCIAL, "dk_ncp", "formal_report", "regular", "")
    ]
    assert rows(study.knowledge, 5) == [("Interview 1", SCHOOL_ID, ITEM_ID, "anecdotal", "media")]
