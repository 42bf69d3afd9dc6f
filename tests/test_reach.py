"""Tests for impt_analysis.reach's must_pass column (issue 15: renamed from gatekeepers)."""

from __future__ import annotations

from impt_analysis.reach import reach


def _actor(actor_id, level="local", kind="organisation", sector="ngo"):
    return {"actor_id": actor_id, "country": "DK", "sector": sector, "level": level, "kind": kind}


def test_must_pass_on_a_chain(build):
    """L -> R -> C (regular flows): every way from L to co-ordination passes R, so must_pass is [R];
    R itself has a direct flow and nobody to pass."""
    actors = [
        _actor("L"),
        _actor("R", level="regional"),
        _actor("C", level="national", kind="national_coordinator", sector="government"),
    ]
    flows = [{"source_actor": "L", "target_actor": "R"}, {"source_actor": "R", "target_actor": "C"}]
    r = reach(build(actors, flows=flows), "DK").set_index("actor_id")
    assert "gatekeepers" not in r.columns
    assert r.loc["L", "must_pass"] == ["R"] and r.loc["L", "path_length"] == 2
    assert r.loc["R", "must_pass"] == []
