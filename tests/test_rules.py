"""The rules that turn a flow graph into the three verdicts: their checks and their helpers."""

from __future__ import annotations

from dataclasses import fields, replace

import networkx as nx
import pytest

from impt_analysis.rules import (
    AspectRules,
    coordination_actors,
    home_actors,
    judged_graph,
    rules_or_default,
)


def graph() -> nx.DiGraph:
    """Four Danish actors and one Swedish: A -> N reported by 2 interviews, L -> N by 1."""
    G = nx.DiGraph()
    G.add_node("N", country="DK", kind="national_coordinator", level="national")
    G.add_node("C", country="DK", kind="contact_point", level="regional")
    G.add_node("L", country="DK", kind="organisation", level="local")
    G.add_node("A", country="DK", kind="organisation", level="regional")
    G.add_node("S", country="SE", kind="national_coordinator", level="national")
    G.add_edge("A", "N", n_interviews=2)
    G.add_edge("L", "N", n_interviews=1)
    G.add_edge("S", "N")  # no count: one report
    return G


def test_the_defaults_follow_the_reports_words():
    rules = AspectRules()
    assert rules.coordinator_kinds == ("national_coordinator",)
    assert rules.coordination_kinds == ("national_coordinator", "contact_point")
    assert (rules.min_sectors, rules.local_share_x, rules.local_min_reaching, rules.min_informants) == (
        3,
        0.5,
        1,
        1,
    )
    assert rules.network_without_contact == "-"


def test_the_first_reading_changes_seven_rules_and_takes_changes():
    first, now = AspectRules.first_reading(), AspectRules()
    changed = sorted(f.name for f in fields(AspectRules) if getattr(first, f.name) != getattr(now, f.name))
    assert changed == [
        "coordination_home_senders_only",
        "network_either_direction",
        "network_without_contact",
        "reach_carries_item",
        "reach_regular_only",
        "reach_via_passing_ncp",
        "reach_within_country",
    ]
    assert first.network_without_contact == "(X)"
    assert AspectRules.first_reading(min_sectors=2).min_sectors == 2


def test_kinds_given_as_a_list_become_a_tuple():
    assert AspectRules(network_kinds=["professional_network", "forum"]).network_kinds == (
        "professional_network",
        "forum",
    )


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"coordination_kinds": "contact_point"}, TypeError, "must be a tuple of codes"),
        ({"local_levels": ("local", 3)}, TypeError, "must be a tuple of codes"),
        ({"min_sectors": 0}, ValueError, "min_sectors must be a positive integer, got 0"),
        ({"min_sectors": 2.0}, ValueError, "min_sectors must be a positive integer, got 2.0"),
        ({"local_share_x": 0}, ValueError, r"local_share_x must be in \(0, 1\], got 0"),
        ({"local_share_x": 1.5}, ValueError, r"local_share_x must be in \(0, 1\], got 1.5"),
        ({"network_without_contact": "X"}, ValueError, "must be '-' or '\\(X\\)', got 'X'"),
        ({"min_informants": 0}, ValueError, "min_informants must be a positive integer, got 0"),
        ({"local_min_reaching": 0}, ValueError, "local_min_reaching must be a positive integer, got 0"),
    ],
)
def test_a_bad_rule_is_refused_by_name(change, error, message):
    with pytest.raises(error, match=message):
        replace(AspectRules(), **change)


def test_rules_or_default():
    assert rules_or_default(None) == AspectRules()
    mine = AspectRules(min_sectors=2)
    assert rules_or_default(mine) is mine
    with pytest.raises(TypeError, match="rules must be an AspectRules, got dict"):
        rules_or_default({"min_sectors": 2})


def test_judged_graph_keeps_the_ties_enough_interviews_report():
    G = graph()
    assert judged_graph(G, AspectRules()) is G  # one informant is enough: the graph itself
    H = judged_graph(G, AspectRules(min_informants=2))
    assert sorted(H.nodes) == ["A", "C", "L", "N", "S"]  # every actor stays
    assert list(H.edges) == [("A", "N")]  # L -> N (1 interview) and S -> N (no count: 1) go
    assert H.nodes["N"]["kind"] == "national_coordinator"


def test_home_actors_and_coordination_actors():
    G = graph()
    assert home_actors(G, "DK") == ["N", "C", "L", "A"]
    assert home_actors(G, "DK", levels=("local", "regional")) == ["C", "L", "A"]
    assert home_actors(G, "DK", kinds=("organisation",), levels=("local",)) == ["L"]
    assert coordination_actors(G, "DK") == ["N", "C"]  # S is Swedish
    assert coordination_actors(G, "DK", AspectRules(coordination_kinds=("contact_point",))) == ["C"]
    assert coordination_actors(G, "FI") == []
