"""verdict_stability: against a brute-force leave-one-out on the demo, and on hand-made cases."""

from __future__ import annotations

from dataclasses import replace

import pytest

from impt_analysis import AspectRules, aspect_table, three_aspects, verdict_stability
from impt_analysis.coordination import country_aspects
from impt_analysis.errors import UnknownCountryError
from impt_analysis.graph import flow_graph
from impt_analysis.stability import stability_counts

ASPECTS = ("coordination", "networks", "local_input")


def _brute_force(study, country, rules=None):
    """Leave each interview of the whole study out (all its rows), then each flow row, and judge
    the country again from scratch; the removals that change each aspect's verdict."""
    base = three_aspects(study, rules).loc[country]
    hung = {a: (set(), set()) for a in ASPECTS}
    for interview in study.interviews["interview_id"]:
        s = replace(
            study,
            interviews=study.interviews[study.interviews["interview_id"] != interview],
            flows=study.flows[study.flows["interview_id"] != interview],
            knowledge=study.knowledge[study.knowledge["interview_id"] != interview],
            barriers=study.barriers[study.barriers["interview_id"] != interview],
        )
        got = country_aspects(flow_graph(s, country), country, rules)
        for a in ASPECTS:
            if got[a] != base[a]:
                hung[a][0].add(interview)
    for flow in study.flows["flow_id"]:
        s = replace(study, flows=study.flows[study.flows["flow_id"] != flow])
        got = country_aspects(flow_graph(s, country), country, rules)
        for a in ASPECTS:
            if got[a] != base[a]:
                hung[a][1].add(flow)
    return base, hung


@pytest.mark.parametrize("country", ["DK"])
def test_matches_brute_force_on_the_demo(demo, country):
    base, hung = _brute_force(demo, country)
    table = verdict_stability(demo, countries=[country]).set_index("aspect")
    for a in ASPECTS:
        assert table.loc[a, "verdict"] == base[a]
        assert set(table.loc[a, "interviews"]) == hung[a][0], a
        assert set(table.loc[a, "flows"]) == hung[a][1], a
        assert table.loc[a, "stability"] == ("rests on" if hung[a][0] | hung[a][1] else "robust")


def test_demo_figures(demo):
    # Worked out once with the brute force above over every country (the default rules):
    # 14 of 27 cells robust; 9 rest on one flow row, 13 on one interview.
    counts = stability_counts(verdict_stability(demo))
    assert counts == {
        "cells": 27,
        "robust": 14,
        "rests_on_a_flow": 9,
        "rests_on_an_interview": 13,
        "not_known": 0,
    }


def A(actor_id, sector="ngo", level="national", kind="organisation"):
    return {"actor_id": actor_id, "country": "DK", "sector": sector, "level": level, "kind": kind}


def _interviews(*ids_actors):
    return [
        {
            "interview_id": i,
            "country": "DK",
            "date": "2010-05-01",
            "sector": s,
            "level": "national",
            "actor_id": a,
        }
        for i, a, s in ids_actors
    ]


def test_rests_on_one_flow_by_hand(build):
    """C is fed regularly by police P (F1, interview I1), migration M (F2, I2) and NGO N (F3, I2):
    three sectors, X. Every flow is needed: without any, two sectors, (X). Without I2, F2 and F3
    go: one sector, (X). Without I1, F1 goes: (X). Network W -> contact point K regularly twice
    (F4 from I1, F5 from I2; K is no co-ordinator, so W adds no sector to C): either flow alone
    keeps the tie, so networks X is robust to a flow, and to an interview."""
    actors = [
        A("C", "government", kind="national_coordinator"),
        A("P", "police"),
        A("M", "asylum_migration"),
        A("N", "ngo"),
        A("W", "child_protection", kind="professional_network"),
        A("K", "government", kind="contact_point"),
    ]
    interviews = _interviews(("I1", "P", "police"), ("I2", "M", "asylum_migration"))
    flows = [
        {"source_actor": "P", "target_actor": "C", "interview_id": "I1"},
        {"source_actor": "M", "target_actor": "C", "interview_id": "I2"},
        {"source_actor": "N", "target_actor": "C", "interview_id": "I2"},
        {"source_actor": "W", "target_actor": "K", "interview_id": "I1"},
        {"source_actor": "W", "target_actor": "K", "interview_id": "I2"},
    ]
    table = verdict_stability(build(actors, flows=flows, interviews=interviews)).set_index("aspect")
    row = table.loc["coordination"]
    assert row["verdict"] == "X" and row["stability"] == "rests on"
    assert row["flows"] == ["F1", "F2", "F3"] and row["interviews"] == ["I1", "I2"]
    assert row["without"] == {"I1": "(X)", "I2": "(X)", "F1": "(X)", "F2": "(X)", "F3": "(X)"}
    assert row["margin"] == "exactly the 3 sectors needed: losing any one gives (X)."
    assert row["summary"].startswith("X, rests on 3 flows: F1 from interview I1 (without it (X))")
    net = table.loc["networks"]
    assert (net["verdict"], net["stability"], net["flows"], net["interviews"]) == ("X", "robust", [], [])
    assert net["margin"] == (
        "one regular tie between networks and co-ordination (2 flow rows, 2 informants): "
        "X stands while this tie does."
    )
    assert net["summary"] == "X, robust"


def test_not_known_and_aspect_table(build):
    study = build([A("C", "government", kind="national_coordinator")])
    table = verdict_stability(study)
    assert table["stability"].tolist() == ["not known"] * 3
    assert table["n_flows_tested"].tolist() == [0, 0, 0]
    shown = aspect_table(study, "DK")
    assert shown["stability"].tolist() == ["not known: no flows coded"] * 3


def test_aspect_table_carries_stability(demo):
    table = aspect_table(demo, "DK")
    # DK's co-ordination loses its X without DK-I01 (worked out by the brute force above)
    assert table.loc[0, "stability"] == "X, rests on one interview: DK-I01 (without it (X))"
    assert table.loc[0, "margin"] == "5 sectors feed the co-ordinator, 2 more than the 3 needed."


def test_unknown_country(demo):
    with pytest.raises(
        UnknownCountryError, match=r"^verdict_stability: unknown country 'XX': the study has DE, DK, "
    ):
        verdict_stability(demo, countries=["DK", "XX"])
    with pytest.raises(UnknownCountryError, match=r"^aspect_table: unknown country 'XX'"):
        aspect_table(demo, "XX")


def test_rules_are_used(build):
    # with min_sectors=1, a single regular sender is enough and losing it gives (X)
    actors = [A("C", "government", kind="national_coordinator"), A("P", "police")]
    study = build(actors, flows=[{"source_actor": "P", "target_actor": "C"}])
    row = verdict_stability(study, AspectRules(min_sectors=1)).set_index("aspect").loc["coordination"]
    assert (row["verdict"], row["flows"]) == ("X", ["F1"])


def test_tie_informants_by_hand(build):
    # W -> C reported by I1 and I2 (confirmed); P -> C by I1 only (one informant).
    from impt_analysis.stability import tie_informants

    actors = [
        A("C", "government", kind="national_coordinator"),
        A("P", "police"),
        A("W", "child_protection", kind="professional_network"),
    ]
    interviews = _interviews(("I1", "P", "police"), ("I2", "W", "child_protection"))
    flows = [
        {"source_actor": "W", "target_actor": "C", "interview_id": "I1"},
        {"source_actor": "W", "target_actor": "C", "interview_id": "I2"},
        {"source_actor": "P", "target_actor": "C", "interview_id": "I1"},
    ]
    t = tie_informants(build(actors, flows=flows, interviews=interviews)).loc["DK"]
    assert (t["ties"], t["one_informant"], t["confirmed"], t["share_one_informant"]) == (2, 1, 1, 0.5)


def test_on_a_public_export_the_unit_is_the_group(demo, tmp_path):
    # A public export names groups of interviews, not interviews: leaving one out is leaving a
    # group out, and the verdicts are those of the full study (flows and actors are kept).
    from impt_analysis import load_study
    from impt_analysis.privacy.publish import export_public

    public = load_study(export_public(demo, tmp_path / "public", key=b"k" * 32).path)
    table = verdict_stability(public, countries=["DK"]).set_index("aspect")
    assert table["verdict"].tolist() == verdict_stability(demo, countries=["DK"])["verdict"].tolist()
    hung = [u for units in table["interviews"] for u in units]
    assert hung and all(u.startswith("G-") for u in hung)
    assert "rests on one interview group: G-" in table.loc["coordination", "summary"]
