"""Brokerage roles (Gould and Fernandez 1989), worked out by hand on small graphs."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from impt_analysis import brokerage
from impt_analysis.brokerage import ROLES

ROLE_NAMES = list(ROLES)


def roles_of(frame: pd.DataFrame, node) -> dict[str, int]:
    return {role: int(frame.loc[node, role]) for role in ROLE_NAMES if frame.loc[node, role]}


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ({"a": "X", "v": "X", "b": "X"}, "coordinator"),  # A -> A -> A
        ({"a": "X", "v": "Y", "b": "X"}, "itinerant"),  # A -> B -> A
        ({"a": "X", "v": "Y", "b": "Y"}, "gatekeeper"),  # A -> B -> B
        ({"a": "X", "v": "X", "b": "Y"}, "representative"),  # A -> A -> B
        ({"a": "X", "v": "Y", "b": "Z"}, "liaison"),  # A -> B -> C
    ],
)
def test_one_two_path_per_role(groups, role):
    frame = brokerage(nx.DiGraph([("a", "v"), ("v", "b")]), groups)
    assert roles_of(frame, "v") == {role: 1}
    assert int(frame.loc["v", "total"]) == 1
    assert frame.loc[["a", "b"], "total"].tolist() == [0, 0]
    # v is on the only shortest path a -> b of the 2 ordered pairs that avoid it: 1 / ((3-1)(3-2)).
    assert frame.loc["v", "betweenness"] == pytest.approx(0.5)
    assert frame.loc["v", "group"] == groups["v"]


@pytest.mark.parametrize("groups", [{"a": "X", "v": "X", "b": "X"}, {"a": "X", "v": "Y", "b": "Z"}])
def test_no_brokerage_when_a_reaches_b_directly(groups):
    frame = brokerage(nx.DiGraph([("a", "v"), ("v", "b"), ("a", "b")]), groups)
    assert frame["total"].tolist() == [0, 0, 0]


def test_mutual_tie_is_not_brokered_back_to_its_source():
    # a <-> v -> b: v brokers (a, b) only; (a, a) is not a pair of distinct nodes.
    frame = brokerage(nx.DiGraph([("a", "v"), ("v", "a"), ("v", "b")]), {"a": "X", "v": "X", "b": "X"})
    assert frame["total"].to_dict() == {"a": 0, "v": 1, "b": 0}


def test_mixed_graph_worked_by_hand():
    # rp: regional police, lp: local police, sc: school, cp / rc / cq: child protection,
    # ng / ng2: NGOs. The edge lp -> cp is given twice (a multigraph), and lp -> ng closes
    # the two-path lp -> cp -> ng.
    G = nx.MultiDiGraph(
        [
            ("rp", "lp"),
            ("lp", "cp"),
            ("lp", "cp"),
            ("sc", "cp"),
            ("cp", "rc"),
            ("cp", "ng"),
            ("lp", "ng"),
            ("ng", "sc"),
            ("sc", "ng2"),
            ("rc", "cq"),
        ]
    )
    groups = {
        "rp": "police",
        "lp": "police",
        "sc": "education",
        "cp": "child_protection",
        "rc": "child_protection",
        "cq": "child_protection",
        "ng": "ngo",
        "ng2": "ngo",
    }
    frame = brokerage(G, groups)
    assert roles_of(frame, "lp") == {"representative": 2}  # rp->lp->cp, rp->lp->ng
    assert roles_of(frame, "cp") == {"gatekeeper": 2, "liaison": 1}  # lp->cp->rc, sc->cp->rc; sc->cp->ng
    assert roles_of(frame, "ng") == {"liaison": 2}  # cp->ng->sc, lp->ng->sc
    assert roles_of(frame, "sc") == {"itinerant": 1, "liaison": 1}  # ng->sc->ng2; ng->sc->cp
    assert roles_of(frame, "rc") == {"coordinator": 1}  # cp->rc->cq
    assert frame.loc[["rp", "ng2", "cq"], "total"].tolist() == [0, 0, 0]
    assert int(frame["total"].sum()) == 10
    assert list(frame.index) == list(G)
    assert frame.index.name == "node"
    assert list(frame.columns) == ["group", *ROLE_NAMES, "total", "betweenness"]
    assert (frame["total"] == frame[ROLE_NAMES].sum(axis=1)).all()


def test_self_loops_are_ignored():
    frame = brokerage(nx.DiGraph([("a", "v"), ("v", "v"), ("v", "b")]), {"a": "X", "v": "Y", "b": "Z"})
    assert roles_of(frame, "v") == {"liaison": 1}


def test_groups_by_sector_or_level_on_a_study(build):
    study = build(
        actors=[
            {"actor_id": "L", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"},
            {
                "actor_id": "C",
                "country": "DK",
                "sector": "child_protection",
                "level": "local",
                "kind": "organisation",
            },
            {
                "actor_id": "R",
                "country": "DK",
                "sector": "child_protection",
                "level": "regional",
                "kind": "organisation",
            },
            {
                "actor_id": "N",
                "country": "DK",
                "sector": "government",
                "level": "national",
                "kind": "national_coordinator",
            },
        ],
        flows=[
            {"source_actor": "L", "target_actor": "C"},
            {"source_actor": "C", "target_actor": "R"},
            {"source_actor": "R", "target_actor": "N"},
        ],
    )
    G = nx.from_pandas_edgelist(study.flows, "source_actor", "target_actor", create_using=nx.MultiDiGraph)
    actors = study.actors.set_index("actor_id")
    by_sector = brokerage(G, actors["sector"].astype(str).to_dict())
    assert roles_of(by_sector, "C") == {"gatekeeper": 1}  # police -> cp -> cp
    assert roles_of(by_sector, "R") == {"representative": 1}  # cp -> cp -> government
    by_level = brokerage(G, actors["level"].astype(str).to_dict())
    assert roles_of(by_level, "C") == {"representative": 1}  # local -> local -> regional
    assert roles_of(by_level, "R") == {"liaison": 1}  # local -> regional -> national


def test_missing_group_values_form_one_group():
    # Grouping by country: the two international actors (no country) are one group.
    nan = float("nan")
    frame = brokerage(nx.DiGraph([("a", "v"), ("v", "b")]), {"a": "DK", "v": nan, "b": float("nan")})
    assert roles_of(frame, "v") == {"gatekeeper": 1}
    assert roles_of(
        brokerage(nx.DiGraph([("a", "v"), ("v", "b")]), {"a": None, "v": None, "b": None}), "v"
    ) == {"coordinator": 1}


def test_every_node_needs_a_group():
    with pytest.raises(ValueError, match="1 node.*'b'"):
        brokerage(nx.DiGraph([("a", "v"), ("v", "b")]), {"a": "X", "v": "Y"})


def test_undirected_graphs_are_refused():
    with pytest.raises(nx.NetworkXNotImplemented):
        brokerage(nx.Graph([("a", "v"), ("v", "b")]), {"a": "X", "v": "Y", "b": "Z"})


def test_sampled_betweenness_is_available_for_large_graphs():
    G = nx.gnp_random_graph(40, 0.1, directed=True, seed=3)
    frame = brokerage(G, {n: n % 3 for n in G}, betweenness_k=40)
    exact = nx.betweenness_centrality(G)
    assert frame["betweenness"].to_dict() == pytest.approx(exact)


def _brute_force(G: nx.DiGraph, groups: dict) -> dict[str, dict]:
    """Every two-path enumerated, straight from the definition."""
    counts = {role: dict.fromkeys(G, 0) for role in ROLE_NAMES}
    for v in G:
        for a in G.predecessors(v):
            for b in G.successors(v):
                if len({a, v, b}) < 3 or G.has_edge(a, b):
                    continue
                ga, gv, gb = groups[a], groups[v], groups[b]
                role = (
                    "coordinator"
                    if ga == gv == gb
                    else "itinerant"
                    if ga == gb
                    else "gatekeeper"
                    if gv == gb
                    else "representative"
                    if ga == gv
                    else "liaison"
                )
                counts[role][v] += 1
    return counts


def test_demo_flow_network_matches_the_definition(demo):
    G = nx.from_pandas_edgelist(demo.flows, "source_actor", "target_actor", create_using=nx.DiGraph)
    groups = demo.actors.set_index("actor_id")["sector"].astype(str).to_dict()
    frame = brokerage(G, groups)
    expected = _brute_force(G, groups)
    for role in ROLE_NAMES:
        assert frame[role].to_dict() == expected[role]
    assert frame["total"].sum() > 0
    assert frame["betweenness"].between(0, 1).all()


def test_brokers_of_a_country_by_hand(build):
    """Local school -> municipal service -> national coordinator: the service is the only broker,
    a representative of the local level (school and service local, coordinator national)."""
    from impt_analysis.brokerage import brokers

    actors = [
        {"actor_id": "S", "country": "DK", "sector": "education", "level": "local", "kind": "organisation"},
        {
            "actor_id": "M",
            "country": "DK",
            "sector": "child_protection",
            "level": "local",
            "kind": "organisation",
        },
        {
            "actor_id": "C",
            "country": "DK",
            "sector": "government",
            "level": "national",
            "kind": "national_coordinator",
        },
    ]
    study = build(
        actors, flows=[{"source_actor": "S", "target_actor": "M"}, {"source_actor": "M", "target_actor": "C"}]
    )
    table = brokers(study, "DK")
    assert table["actor_id"].tolist() == ["M"]
    assert table.loc[0, ["representative", "total", "sector"]].tolist() == [1, 1, "child_protection"]
    by_sector = brokers(study, "DK", by="sector")
    assert int(by_sector.loc[0, "liaison"]) == 1
