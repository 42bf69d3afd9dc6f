"""Tests for impt_analysis.basis.passages: the passages behind an edge, on a small hand-coded study."""

from __future__ import annotations

import pytest

from impt_analysis import flow_graph
from impt_analysis.basis import passages


def _segment(segment_id, start, end, excerpt, interview_id="DK-I1"):
    return {
        "segment_id": segment_id,
        "interview_id": interview_id,
        "code": "unclear_definitions",
        "coder": "coder_1",
        "start": start,
        "end": end,
        "excerpt": excerpt,
    }


@pytest.fixture
def coded(build):
    """A tells B twice, coded from S1+S2 and S2+S3; S1 is coded twice (two codes), shown once."""
    actors = [
        {"actor_id": "A", "country": "DK", "sector": "ngo", "level": "local", "kind": "organisation"},
        {
            "actor_id": "B",
            "country": "DK",
            "sector": "government",
            "level": "national",
            "kind": "national_coordinator",
        },
    ]
    return build(
        actors=actors,
        items=[{"item_id": "T1", "country": "DK"}],
        knowledge=[{"actor_id": "A", "item_id": "T1"}],
        flows=[
            {"source_actor": "A", "target_actor": "B", "evidence": "S1;S2"},
            {"source_actor": "A", "target_actor": "B", "evidence": "S2;S3"},
        ],
        codings=[
            _segment("S1", 0, 30, "We send monthly reports to B."),
            dict(_segment("S1", 0, 30, "We send monthly reports to B."), code="limited_knowledge_of_others"),
            _segment("S2", 40, 60, "B calls us back."),
            _segment("S3", 70, 80, "By e-mail."),
        ],
    )


def test_passages_behind_an_edge(coded):
    edge = flow_graph(coded).edges["A", "B"]
    assert edge["evidence"] == ("S1", "S2", "S3")
    p = passages(coded, edge["evidence"])
    assert p.to_dict("records") == [
        {
            "segment_id": "S1",
            "interview_id": "DK-I1",
            "start": 0,
            "end": 30,
            "excerpt": "We send monthly reports to B.",
        },
        {"segment_id": "S2", "interview_id": "DK-I1", "start": 40, "end": 60, "excerpt": "B calls us back."},
        {"segment_id": "S3", "interview_id": "DK-I1", "start": 70, "end": 80, "excerpt": "By e-mail."},
    ]
    assert passages(coded, ["S3", "S3"])["segment_id"].tolist() == ["S3"]


def test_unknown_segment_is_named(coded):
    with pytest.raises(ValueError, match="S9"):
        passages(coded, ["S1", "S9"])


def test_public_study_is_refused(coded, monkeypatch):
    monkeypatch.setattr(type(coded), "public", property(lambda self: True))
    with pytest.raises(ValueError, match="public export"):
        passages(coded, ["S1"])
