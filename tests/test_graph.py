"""Tests for impt_analysis.graph, on small studies whose graphs were drawn by hand."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from impt_analysis import build_graph, flow_graph, who_knows_what
from impt_analysis.errors import UnknownCountryError


def _actor(actor_id, country, sector="ngo", level="national", kind="organisation"):
    return {"actor_id": actor_id, "country": country, "sector": sector, "level": level, "kind": kind}


@pytest.fixture
def two_countries(build):
    """DK: C (coordinator), L (local NGO), Q (regional police); SE: X (contact point), Y;
    two international bodies I and J. Items DT1, DT2 (DK) and ST1 (SE).

    Flows: L->C regular, L->C ad hoc, Q->L ad hoc, C->X ad hoc, I->C regular, X->Y, X->I, I->J.
    """
    actors = [
        _actor("C", "DK", "government", "national", "national_coordinator"),
        _actor("L", "DK", "ngo", "local"),
        _actor("Q", "DK", "police", "regional"),
        _actor("X", "SE", "government", "national", "contact_point"),
        _actor("Y", "SE", "police", "local"),
        _actor("I", None, "igo", "international", "professional_network"),
        _actor("J", None, "igo", "international"),
    ]
    flows = [
        {"source_actor": "L", "target_actor": "C", "channel": "formal_report"},
        {"source_actor": "L", "target_actor": "C", "channel": "informal_contact", "frequency": "ad_hoc"},
        {"source_actor": "Q", "target_actor": "L", "channel": "case_referral", "frequency": "ad_hoc"},
        {"source_actor": "C", "target_actor": "X", "frequency": "ad_hoc", "item_id": "DT1"},
        {"source_actor": "I", "target_actor": "C", "channel": "meeting"},
        {"source_actor": "X", "target_actor": "Y"},
        {"source_actor": "X", "target_actor": "I"},
        {"source_actor": "I", "target_actor": "J"},
    ]
    items = [
        {"item_id": "DT1", "country": "DK"},
        {"item_id": "DT2", "country": "DK"},
        {"item_id": "ST1", "country": "SE"},
    ]
    interviews = [
        {
            "interview_id": "DK-1",
            "country": "DK",
            "date": "2010-05-01",
            "sector": "ngo",
            "level": "local",
            "actor_id": "L",
        },
        {
            "interview_id": "DK-2",
            "country": "DK",
            "date": "2010-05-02",
            "sector": "police",
            "level": "regional",
            "actor_id": "Q",
        },
        {
            "interview_id": "DK-3",
            "country": "DK",
            "date": "2010-05-03",
            "sector": "government",
            "level": "national",
            "actor_id": "C",
        },
        {
            "interview_id": "SE-1",
            "country": "SE",
            "date": "2010-05-04",
            "sector": "government",
            "level": "national",
            "actor_id": "X",
        },
    ]
    knowledge = [
        # L: anecdotal, official and maybe in three interviews -> official is the strongest.
        {
            "interview_id": "DK-1",
            "actor_id": "L",
            "item_id": "DT1",
            "verification": "anecdotal",
            "source_type": "anecdote",
        },
        {"interview_id": "DK-2", "actor_id": "L", "item_id": "DT1", "verification": "official"},
        {
            "interview_id": "DK-3",
            "actor_id": "L",
            "item_id": "DT1",
            "verification": "maybe",
            "source_type": "media",
        },
        # Q: anecdotal and maybe -> maybe.
        {
            "interview_id": "DK-1",
            "actor_id": "Q",
            "item_id": "DT2",
            "verification": "anecdotal",
            "source_type": "anecdote",
        },
        {
            "interview_id": "DK-2",
            "actor_id": "Q",
            "item_id": "DT2",
            "verification": "maybe",
            "source_type": "research",
        },
        # X (SE) knows a DK item and an SE item; Y (SE, not linked to DK) knows a DK item.
        {
            "interview_id": "SE-1",
            "actor_id": "X",
            "item_id": "DT2",
            "verification": "anecdotal",
            "source_type": "anecdote",
        },
        {"interview_id": "SE-1", "actor_id": "X", "item_id": "ST1"},
        {"interview_id": "SE-1", "actor_id": "Y", "item_id": "DT1"},
    ]
    return build(actors, flows=flows, items=items, knowledge=knowledge, interviews=interviews)


def test_build_graph_nodes_and_attributes(two_countries):
    G = build_graph(two_countries)
    assert isinstance(G, nx.MultiDiGraph)
    assert set(G) == {"C", "L", "Q", "X", "Y", "I", "J", "DT1", "DT2", "ST1"}
    assert G.nodes["Q"] == {
        "type": "actor",
        "name": "Q",
        "country": "DK",
        "sector": "police",
        "level": "regional",
        "kind": "organisation",
    }
    assert G.nodes["I"]["country"] is None
    assert G.nodes["DT1"] == {
        "type": "item",
        "country": "DK",
        "label": "DT1",
        "info_type": "trend",
        "child_group": "other",
        "theme": "asylum_migration",
    }
    # 8 knowledge rows + 8 flows
    assert G.number_of_edges() == 16
    assert type(G.nodes["Q"]["sector"]) is str


def test_build_graph_edges(two_countries):
    G = build_graph(two_countries)
    knows = G.get_edge_data("L", "DT1")
    assert set(knows) == {"DK-1", "DK-2", "DK-3"}
    assert knows["DK-1"] == {
        "type": "knows",
        "verification": "anecdotal",
        "source_type": "anecdote",
        "interview_id": "DK-1",
        "evidence": (),
    }
    tells = G.get_edge_data("C", "X")
    assert list(tells) == ["F4"]
    assert tells["F4"] == {
        "type": "tells",
        "channel": "formal_report",
        "frequency": "ad_hoc",
        "flow_id": "F4",
        "interview_id": "DK-1",
        "item_id": "DT1",
        "cross_border": True,
        "evidence": (),
    }
    assert G.edges["L", "C", "F1"]["item_id"] is None


def test_cross_border(two_countries):
    G = build_graph(two_countries)
    cross = {d["flow_id"]: d["cross_border"] for _, _, d in G.edges(data=True) if d["type"] == "tells"}
    # same country, same country, same country, DK->SE, international->DK, SE->SE, SE->international,
    # international->international (neither has a country: not cross-border)
    assert cross == {
        "F1": False,
        "F2": False,
        "F3": False,
        "F4": True,
        "F5": True,
        "F6": False,
        "F7": True,
        "F8": False,
    }
    F = flow_graph(two_countries)
    assert [F.edges[e]["cross_border"] for e in [("L", "C"), ("C", "X"), ("I", "C"), ("I", "J")]] == [
        False,
        True,
        True,
        False,
    ]


def test_country_restriction(two_countries):
    G = build_graph(two_countries, "DK")
    # DK's actors and items, plus X and I (linked to DK actors by a flow); not Y, J or ST1.
    assert set(G) == {"C", "L", "Q", "X", "I", "DT1", "DT2"}
    tells = sorted(d["flow_id"] for _, _, d in G.edges(data=True) if d["type"] == "tells")
    assert tells == ["F1", "F2", "F3", "F4", "F5"]  # X->I is between two outside actors: left out
    knows = sorted((a, i, k) for a, i, k, d in G.edges(keys=True, data=True) if d["type"] == "knows")
    assert knows == [
        ("L", "DT1", "DK-1"),
        ("L", "DT1", "DK-2"),
        ("L", "DT1", "DK-3"),
        ("Q", "DT2", "DK-1"),
        ("Q", "DT2", "DK-2"),
        ("X", "DT2", "SE-1"),
    ]
    se = build_graph(two_countries, "SE")
    assert set(se) == {"X", "Y", "C", "I", "ST1"}
    assert set(flow_graph(two_countries, "SE").edges) == {("C", "X"), ("X", "Y"), ("X", "I")}


def test_unknown_country_and_clashing_ids(two_countries, build):
    with pytest.raises(
        UnknownCountryError, match=r"^build_graph: unknown country 'FI': the study has DK, SE$"
    ):
        build_graph(two_countries, "FI")
    with pytest.raises(UnknownCountryError, match="^flow_graph: unknown country 'dk'.*did you mean 'DK'"):
        flow_graph(two_countries, "dk")  # codes are compared as given
    clash = build([_actor("A1", "DK")], items=[{"item_id": "A1", "country": "DK"}])
    with pytest.raises(ValueError, match="actor .* and an item .*: A1"):
        build_graph(clash)


def test_flow_graph_aggregates_pairs(two_countries):
    F = flow_graph(two_countries)
    assert isinstance(F, nx.DiGraph)
    assert set(F) == {"C", "L", "Q", "X", "Y", "I", "J"}
    assert F.nodes["L"]["level"] == "local" and F.nodes["L"]["type"] == "actor"
    # two flows L->C: one regular formal report, one ad hoc informal contact
    # both reported in interview DK-1 (the source's country's first interview): one informant
    assert F.edges["L", "C"] == {
        "n_flows": 2,
        "regular": True,
        "frequency": "regular",
        "channels": ["formal_report", "informal_contact"],
        "cross_border": False,
        "n_interviews": 1,
        "flow_ids": ["F1", "F2"],
        "items": {"": "regular"},
        "evidence": (),
    }
    assert F.edges["Q", "L"] == {
        "n_flows": 1,
        "regular": False,
        "frequency": "ad_hoc",
        "channels": ["case_referral"],
        "cross_border": False,
        "n_interviews": 1,
        "flow_ids": ["F3"],
        "items": {"": "ad_hoc"},
        "evidence": (),
    }
    assert F.edges["C", "X"]["items"] == {"DT1": "ad_hoc"}
    assert F.number_of_edges() == 7


def test_flow_graph_counts_informants(build):
    # one tie A->B reported in two interviews (I1, I2), one regular flow naming T, one ad hoc naming none
    actors = [_actor("A", "DK"), _actor("B", "DK", "police")]
    interviews = [
        {
            "interview_id": i,
            "country": "DK",
            "date": "2010-05-01",
            "sector": s,
            "level": "national",
            "actor_id": a,
        }
        for i, a, s in (("I1", "A", "ngo"), ("I2", "B", "police"))
    ]
    flows = [
        {"source_actor": "A", "target_actor": "B", "interview_id": "I1", "item_id": "T"},
        {"source_actor": "A", "target_actor": "B", "interview_id": "I2", "frequency": "ad_hoc"},
    ]
    F = flow_graph(
        build(actors, flows=flows, items=[{"item_id": "T", "country": "DK"}], interviews=interviews)
    )
    assert F.edges["A", "B"]["n_interviews"] == 2
    assert F.edges["A", "B"]["items"] == {"": "ad_hoc", "T": "regular"}


def test_flow_graph_without_flows(build):
    F = flow_graph(build([_actor("A", "DK"), _actor("B", "DK")]))
    assert set(F) == {"A", "B"} and F.number_of_edges() == 0


def test_who_knows_what_strongest_verification(two_countries):
    wkw = who_knows_what(two_countries)
    assert list(wkw.index) == ["C", "L", "Q", "X", "Y", "I", "J"]
    assert list(wkw.columns) == ["DT1", "DT2", "ST1"]
    assert wkw.index.name == "actor_id" and wkw.columns.name == "item_id"
    assert wkw.loc["L", "DT1"] == "official"  # anecdotal, official, maybe
    assert wkw.loc["Q", "DT2"] == "maybe"  # anecdotal, maybe
    assert wkw.loc["X", "DT2"] == "anecdotal"
    assert wkw.loc["Y", "DT1"] == "official"
    assert pd.isna(wkw.loc["C", "DT1"]) and pd.isna(wkw.loc["L", "DT2"])
    assert int(wkw.notna().sum().sum()) == 5
    # ordered: official > maybe > anecdotal
    assert bool(wkw.loc["L", "DT1"] > wkw.loc["Q", "DT2"]) or wkw["DT1"].cat.ordered
    assert (wkw["DT2"] >= "maybe").tolist() == [False, False, True, False, False, False, False]


def test_who_knows_what_country(two_countries):
    wkw = who_knows_what(two_countries, "DK")
    assert list(wkw.index) == ["C", "L", "Q", "X", "I"]
    assert list(wkw.columns) == ["DT1", "DT2"]
    assert wkw.loc["X", "DT2"] == "anecdotal"
    assert int(wkw.notna().sum().sum()) == 3  # Y's DT1 is outside the DK graph


def test_demo_graph(demo):
    G = build_graph(demo, "DK")
    F = flow_graph(demo, "DK")
    assert set(F) == {n for n, d in G.nodes(data=True) if d["type"] == "actor"}
    n_tells = sum(1 for _, _, d in G.edges(data=True) if d["type"] == "tells")
    assert n_tells == sum(d["n_flows"] for _, _, d in F.edges(data=True))
    assert len(build_graph(demo).nodes) == len(demo.actors) + len(demo.items)


def _segment(segment_id, interview_id="DK-I1", start=0, end=10, excerpt="passage"):
    return {
        "segment_id": segment_id,
        "interview_id": interview_id,
        "code": "unclear_definitions",
        "coder": "coder_1",
        "start": start,
        "end": end,
        "excerpt": excerpt,
    }


def test_edges_carry_their_evidence(build, tmp_path):
    """Rows coded from passages: knows edges hold their row's segment ids, a flow_graph edge the ids of
    all its flows (each once, in the order of flows.csv); a GraphML file writes them joined."""
    from impt_analysis.interop.export import export_graph

    study = build(
        actors=[_actor("A", "DK"), _actor("B", "DK", kind="national_coordinator")],
        items=[{"item_id": "T1", "country": "DK"}],
        knowledge=[{"actor_id": "A", "item_id": "T1", "evidence": "S1;S2"}],
        flows=[
            {"source_actor": "A", "target_actor": "B", "evidence": "S3;S1"},
            {"source_actor": "A", "target_actor": "B", "evidence": "S1;S4"},
            {"source_actor": "B", "target_actor": "A"},
        ],
        codings=[_segment(s) for s in ("S1", "S2", "S3", "S4")],
    )
    G = build_graph(study)
    assert G.edges["A", "T1", "DK-I1"]["evidence"] == ("S1", "S2")
    assert G.edges["A", "B", "F2"]["evidence"] == ("S1", "S4")
    assert G.edges["B", "A", "F3"]["evidence"] == ()
    F = flow_graph(study)
    assert F.edges["A", "B"]["evidence"] == ("S3", "S1", "S4")
    assert F.edges["B", "A"]["evidence"] == ()
    path = export_graph(F, tmp_path / "g.graphml")
    assert nx.read_graphml(path).edges["A", "B"]["evidence"] == "S3; S1; S4"
