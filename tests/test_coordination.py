"""Tests for impt_analysis.coordination: the three aspects, reach, gatekeepers, side information.

Every expected value below was worked out by hand from the flows listed in each case.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impt_analysis import (
    AspectRules,
    compare_with_reference,
    reach,
    reference_table,
    side_information,
    three_aspects,
)


def A(actor_id, sector="ngo", level="national", kind="organisation", country="DK"):
    return {"actor_id": actor_id, "country": country, "sector": sector, "level": level, "kind": kind}


def F(source, target, frequency="regular", **extra):
    return {"source_actor": source, "target_actor": target, "frequency": frequency, **extra}


COORDINATOR = A("C", "government", kind="national_coordinator")
NCP = A("NCP", "government", kind="contact_point")


@pytest.fixture
def stranded(build):
    """Local actors reach only a regional NGO that never reaches co-ordination.

    C is fed regularly by police P, migration M and NGO N (3 sectors). L1 and L2 (local) tell
    R (regional NGO); R tells L1 back, nothing else. Items: T1 known by R (anecdotal) and L1
    (maybe); T2 by R and P; T3 by C; T4 by nobody.
    """
    actors = [
        COORDINATOR,
        A("P", "police"),
        A("M", "asylum_migration"),
        A("N", "ngo"),
        A("L1", "child_protection", "local"),
        A("L2", "education", "local"),
        A("R", "ngo", "regional"),
    ]
    flows = [
        F("P", "C"),
        F("M", "C"),
        F("N", "C"),
        F("L1", "R"),
        F("L2", "R", "ad_hoc"),
        F("R", "L1"),
        F("C", "R", "ad_hoc"),
    ]
    items = [{"item_id": f"T{i}", "country": "DK"} for i in range(1, 5)]
    knowledge = [
        {"actor_id": "R", "item_id": "T1", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "L1", "item_id": "T1", "verification": "maybe", "source_type": "media"},
        {"actor_id": "R", "item_id": "T2", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "P", "item_id": "T2"},
        {"actor_id": "C", "item_id": "T3"},
    ]
    return build(actors, flows=flows, items=items, knowledge=knowledge)


def test_stranded_local_actors(stranded):
    aspects = three_aspects(stranded)
    assert aspects.index.tolist() == ["DK"] and aspects.index.name == "country"
    assert aspects.loc["DK", ["coordination", "networks", "local_input"]].tolist() == ["X", "-", "-"]
    assert "0 of 3" in aspects.loc["DK", "local_input_evidence"]
    assert "not reaching: L1, L2, R" in aspects.loc["DK", "local_input_evidence"]

    r = reach(stranded, "DK")
    assert r["actor_id"].tolist() == ["L1", "L2", "R"]
    assert r["reaches"].tolist() == [False, False, False]
    assert r["path_length"].isna().all()
    assert r["must_pass"].tolist() == [[], [], []]

    side = side_information(stranded, "DK")
    assert side["item_id"].tolist() == ["T1"]  # T2 is also known to P, who reaches C; T4 to nobody
    row = side.iloc[0]
    assert row["holders"] == ["L1", "R"]
    assert row["sectors"] == ["child_protection", "ngo"]
    assert row["levels"] == ["local", "regional"]
    assert row["verification"] == "maybe"
    assert row["n_interviews"] == 1


def test_coordination_verdicts(build):
    three = [COORDINATOR, A("P", "police"), A("M", "asylum_migration"), A("N", "ngo")]
    x = build(three, flows=[F("P", "C"), F("M", "C"), F("N", "C")])
    verdict = three_aspects(x).loc["DK"]
    assert verdict["coordination"] == "X"
    assert verdict["coordination_evidence"].startswith(
        "X: C (C) receives regular flows from DK actors of 3 sectors"
    )
    assert "asylum_migration: M (M); ngo: N (N); police: P (P)" in verdict["coordination_evidence"]

    # the NGO's flow is ad hoc and a second police actor adds no sector: 2 sectors -> (X)
    weak = build(
        three + [A("P2", "police")], flows=[F("P", "C"), F("P2", "C"), F("M", "C"), F("N", "C", "ad_hoc")]
    )
    verdict = three_aspects(weak).loc["DK"]
    assert verdict["coordination"] == "(X)"
    assert (
        "2 sectors" in verdict["coordination_evidence"]
        and "P (P), P2 (P2)" in verdict["coordination_evidence"]
    )
    assert three_aspects(weak, AspectRules(min_sectors=2)).loc["DK", "coordination"] == "X"
    assert three_aspects(weak, AspectRules(sector_flows_regular_only=False)).loc["DK", "coordination"] == "X"

    # a contact point fed by three sectors is still no national co-ordinator -> (X)
    ncp_only = build(
        [NCP, A("P", "police"), A("M", "asylum_migration"), A("N", "ngo")],
        flows=[F("P", "NCP"), F("M", "NCP"), F("N", "NCP")],
    )
    verdict = three_aspects(ncp_only).loc["DK"]
    assert verdict["coordination"] == "(X)"
    assert "no national co-ordinator" in verdict["coordination_evidence"]
    assert "NCP (NCP)" in verdict["coordination_evidence"]

    none = build([A("P", "police"), A("N", "ngo")], flows=[F("P", "N")])
    assert three_aspects(none).loc["DK", ["coordination", "networks", "local_input"]].tolist() == [
        "-",
        "-",
        "-",
    ]


def test_networks_verdicts(build):
    net = A("W", "child_protection", kind="professional_network")
    foreign_net = A("IW", "igo", "international", "professional_network", country=None)
    cases = {
        "X": [F("W", "NCP")],  # regular, straight to a contact point
        "(X) ad hoc": [F("W", "NCP", "ad_hoc")],
        "(X) through others": [F("W", "N"), F("N", "C")],
        "(X) never": [F("N", "W")],
    }
    got = {}
    for name, flows in cases.items():
        study = build([COORDINATOR, NCP, net, A("N")], flows=flows)
        row = three_aspects(study).loc["DK"]
        got[name] = (row["networks"], row["networks_evidence"])
    assert got["X"] == ("X", "X: W (W) -> NCP (NCP) (regular, formal_report).")
    assert got["(X) ad hoc"] == ("(X)", "(X): W (W) -> NCP (NCP) only ad hoc.")
    assert got["(X) through others"] == ("(X)", "(X): W (W) only through others (W -> N -> C).")
    # never in contact: not consulted (the first reading gave "(X)")
    assert got["(X) never"] == ("-", "-: W (W) never in contact with coordination.")
    study = build([COORDINATOR, NCP, net, A("N")], flows=cases["(X) never"])
    assert three_aspects(study, AspectRules(network_without_contact="(X)")).loc["DK", "networks"] == "(X)"
    loose = AspectRules(network_regular_only=False)
    study = build([COORDINATOR, NCP, net, A("N")], flows=cases["(X) ad hoc"])
    assert three_aspects(study, loose).loc["DK", "networks"] == "X"
    # an international network feeding the country's co-ordinator is not the country's network
    study = build([COORDINATOR, foreign_net], flows=[F("IW", "C")])
    assert three_aspects(study).loc["DK", "networks"] == "-"


def _local_study(build, n_reaching, frequency="regular"):
    """Four local/regional actors G1..G4 under co-ordinator C; the first n_reaching tell C (at
    ``frequency``), and G4 tells G3 regularly."""
    actors = [COORDINATOR] + [
        A(f"G{i}", "social_services", "local" if i % 2 else "regional") for i in range(1, 5)
    ]
    flows = [F(f"G{i}", "C", frequency) for i in range(1, n_reaching + 1)] + [F("G4", "G3")]
    return build(actors, flows=flows)


def test_local_input_verdicts(build):
    # G4 -> G3 only: with n_reaching = 2, G1 and G2 reach (2 of 4 = half) -> X
    assert three_aspects(_local_study(build, 2)).loc["DK", "local_input"] == "X"
    assert (
        three_aspects(_local_study(build, 2), AspectRules(local_share_x=0.75)).loc["DK", "local_input"]
        == "(X)"
    )
    one = three_aspects(_local_study(build, 1)).loc["DK"]
    assert one["local_input"] == "(X)"
    assert one["local_input_evidence"] == (
        "(X): 1 of 4 local and regional actors have a path of regular flows "
        "within the country carrying one item to the national co-ordinator, "
        "fewer than 50% (reaching: G1; not reaching: G2, G3, G4)."
    )
    assert (
        three_aspects(_local_study(build, 1), AspectRules(local_min_reaching=2)).loc["DK", "local_input"]
        == "-"
    )
    # three reach: G3 directly, G4 through G3 -> 4 of 4
    four = reach(_local_study(build, 3), "DK")
    assert four["reaches"].all() and four["path_length"].tolist() == [1, 1, 1, 2]
    assert four["must_pass"].tolist() == [[], [], [], ["G3"]]
    assert three_aspects(_local_study(build, 0)).loc["DK", "local_input"] == "-"
    # the flows to C ad hoc: nobody feeds it regularly; the first reading (any frequency) says X
    assert three_aspects(_local_study(build, 3, "ad_hoc")).loc["DK", "local_input"] == "-"
    assert (
        three_aspects(_local_study(build, 3, "ad_hoc"), AspectRules(reach_regular_only=False)).loc[
            "DK", "local_input"
        ]
        == "X"
    )


def test_local_input_without_coordination(build):
    study = build([A("G1", level="local"), A("N")], flows=[F("G1", "N")])
    row = three_aspects(study).loc["DK"]
    assert row["local_input"] == "-" and "no coordination actor" in row["local_input_evidence"]
    assert reach(study, "DK")["reaches"].tolist() == [False]


@pytest.fixture
def chain(build):
    """Paths to co-ordinator C (DK), drawn by hand:

    L -> R1 -> R2 -> C          L's gatekeepers R1, R2 (3 flows)
    L2 -> R1, L2 -> R3 -> C     two disjoint routes: no gatekeeper (shortest 2)
    L3 -> A, L3 -> B, A -> G, B -> G, G -> C    every route passes G (3 flows)
    L4 -> NCP -> C              the contact point is a destination, not a gatekeeper (1 flow)
    L5 -> S (Sweden) -> C       a foreign actor can be a gatekeeper (2 flows)
    L6 -> L                     through L's chain: L, R1, R2 (4 flows)
    """
    actors = [
        COORDINATOR,
        NCP,
        A("S", country="SE"),
        A("L", level="local"),
        A("L2", level="local"),
        A("L3", level="local"),
        A("L4", level="local"),
        A("L5", level="local"),
        A("L6", level="local"),
        A("R1", level="regional"),
        A("R2", level="regional"),
        A("R3", level="regional"),
        A("A", level="regional"),
        A("B", level="regional"),
        A("G", level="regional"),
    ]
    flows = [
        F("L", "R1"),
        F("R1", "R2", "ad_hoc"),
        F("R2", "C"),
        F("L2", "R1"),
        F("L2", "R3"),
        F("R3", "C"),
        F("L3", "A"),
        F("L3", "B"),
        F("A", "G"),
        F("B", "G"),
        F("G", "C"),
        F("L4", "NCP"),
        F("NCP", "C"),
        F("L5", "S"),
        F("S", "C"),
        F("L6", "L"),
    ]
    return build(actors, flows=flows)


def test_gatekeepers_on_a_chain(chain):
    # the first reading: any frequency, through foreign actors
    r = reach(chain, "DK", AspectRules.first_reading()).set_index("actor_id")
    assert r.index.tolist() == ["L", "L2", "L3", "L4", "L5", "L6", "R1", "R2", "R3", "A", "B", "G"]
    assert r["reaches"].all()
    assert r["path_length"].to_dict() == {
        "L": 3,
        "L2": 2,
        "L3": 3,
        "L4": 1,
        "L5": 2,
        "L6": 4,
        "R1": 2,
        "R2": 1,
        "R3": 1,
        "A": 2,
        "B": 2,
        "G": 1,
    }
    assert r["must_pass"].to_dict() == {
        "L": ["R1", "R2"],
        "L2": [],
        "L3": ["G"],
        "L4": [],
        "L5": ["S"],
        "L6": ["L", "R1", "R2"],
        "R1": ["R2"],
        "R2": [],
        "R3": [],
        "A": ["G"],
        "B": ["G"],
        "G": [],
    }
    # R1 -> R2 is ad hoc: following regular flows only, L, L6 and R1 lose their way; L2 keeps only the route through R3
    strict = reach(chain, "DK", AspectRules.first_reading(reach_regular_only=True)).set_index("actor_id")
    assert strict.loc[["L", "L6", "R1"], "reaches"].tolist() == [False, False, False]
    assert strict.loc["L2", "path_length"] == 2 and strict.loc["L2", "must_pass"] == [
        "R3"
    ]  # now the only route
    # the default rules: regular flows within the country, so L5 (only through Sweden's S) loses its way too
    default = reach(chain, "DK").set_index("actor_id")
    assert default.loc[~default["reaches"]].index.tolist() == ["L", "L5", "L6", "R1"]
    assert default.loc["L4", "path_length"] == 1  # NCP passes to C: ending at it counts


def test_side_information_without_coordination(build):
    study = build(
        [A("N"), A("G1", level="local")],
        flows=[F("G1", "N")],
        items=[{"item_id": "T1", "country": "DK"}, {"item_id": "T2", "country": "DK"}],
        knowledge=[
            {"actor_id": "N", "item_id": "T2"},
            {"actor_id": "G1", "item_id": "T2", "verification": "anecdotal"},
        ],
    )
    side = side_information(study, "DK")
    assert side["item_id"].tolist() == ["T2"]
    assert side.iloc[0]["holders"] == ["G1", "N"] and side.iloc[0]["verification"] == "official"
    empty = side_information(build([COORDINATOR]), "DK")
    assert empty.empty and "holders" in empty.columns


def test_rules_object():
    rules = AspectRules()
    assert (rules.min_sectors, rules.local_share_x, rules.local_levels) == (3, 0.5, ("local", "regional"))
    assert rules.coordination_kinds == ("national_coordinator", "contact_point")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.min_sectors = 2
    assert dataclasses.replace(rules, min_sectors=2).min_sectors == 2
    assert AspectRules(local_levels=["local"]).local_levels == ("local",)
    with pytest.raises(ValueError, match="local_share_x"):
        AspectRules(local_share_x=0)
    with pytest.raises(ValueError, match="min_sectors"):
        AspectRules(min_sectors=0)
    with pytest.raises(TypeError, match="local_levels"):
        AspectRules(local_levels="local")
    with pytest.raises(TypeError, match="AspectRules"):
        three_aspects(None, {"min_sectors": 2})


def test_compare_with_reference_outside_the_report(build):
    # Iceland was not in the 2010 study: nothing to compare with.
    study = build([dict(COORDINATOR, country="IS")])
    out = compare_with_reference(study)
    assert out.index.tolist() == ["IS"]
    assert pd.isna(out.loc["IS", "coordination_published"]) and pd.isna(out.loc["IS", "coordination_agrees"])
    assert pd.isna(out.loc["IS", "agrees"])


def test_demo_agrees_with_the_published_table(demo):
    out = compare_with_reference(demo)
    assert out.index.tolist() == ["DE", "DK", "EE", "FI", "LT", "LV", "NO", "PL", "SE"]
    cells = out[["coordination_agrees", "networks_agrees", "local_input_agrees"]]
    assert int(cells.sum().sum()) == 27
    assert out["agrees"].all()
    published = reference_table()
    assert (out[["coordination", "networks", "local_input"]] == published.loc[out.index]).all().all()
    assert out.loc["LT", "note"].startswith("The table gives (X)")
    assert pd.isna(out.loc["DK", "note"])


def test_demo_reach_and_side_information(demo):
    aspects = three_aspects(demo)
    assert aspects.filter(like="_evidence").map(len).gt(10).all().all()
    dk = reach(demo, "DK", AspectRules.first_reading())
    assert len(dk) == 10 and int(dk["reaches"].sum()) == 8
    lt = reach(demo, "LT")
    assert not lt["reaches"].any()
    # Denmark's local outreach NGO and parish never reach co-ordination
    assert set(dk.loc[~dk["reaches"], "name"].str.split(",").str[0]) == {
        "Street outreach NGO",
        "Parish youth work",
    }
    # by the report's "feeding" (regular flows within the country), the school social worker and the
    # regional shelter, tied only ad hoc, do not feed either
    dk = reach(demo, "DK")
    assert set(dk.loc[~dk["reaches"], "name"].str.split(",").str[0]) == {
        "Street outreach NGO",
        "Parish youth work",
        "School social worker",
        "Regional NGO shelter for young people",
    }
    side = side_information(demo, "LT", AspectRules.first_reading())
    assert len(side) > 0
    assert set(side["levels"].sum()) <= {"local", "regional"}
    # LT's two national items (LT-T001, LT-T005) are known to the national contact point itself, so
    # by the report's "feeding" too nothing national stays on the side: the same local and regional items
    assert set(side_information(demo, "LT")["item_id"]) == set(side["item_id"])
    assert "national" not in side_information(demo, "LT")["levels"].sum()


def test_aspect_table_of_the_demo(demo):
    from impt_analysis import aspect_table

    table = aspect_table(demo, "LT")
    assert table["aspect"].tolist() == [
        "National co-ordination",
        "Professional networks",
        "Local and regional input",
    ]
    assert table["derived"].tolist() == ["(X)", "(X)", "-"] and table["published"].tolist() == [
        "(X)",
        "(X)",
        "-",
    ]
    assert table["agrees"].tolist() == [True, True, True]
    assert table["evidence"].str.len().gt(20).all()
