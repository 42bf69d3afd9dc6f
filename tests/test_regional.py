"""Scorecard, cross-border flows and the interview table, on hand-built studies."""

from __future__ import annotations

from impt_analysis.regional import cross_border_flows, interview_table, scorecard


def actor(actor_id, country, sector, level, kind="organisation"):
    return {"actor_id": actor_id, "country": country, "sector": sector, "level": level, "kind": kind}


def two_countries(build):
    """AA: a coordinator fed by an NGO, in touch with research, four tiers of counts.
    BB: only a contact point; a local NGO that reaches nobody; one tier."""
    actors = [
        actor("A-C", "DK", "government", "national", "national_coordinator"),
        actor("A-N", "DK", "ngo", "local"),
        actor("A-R", "DK", "research", "national"),
        actor("A-P", "DK", "police", "national"),
        actor("B-C", "SE", "government", "national", "contact_point"),
        actor("B-N", "SE", "ngo", "local"),
        actor("B-S", "SE", "social_services", "local"),
        actor("X", None, "igo", "international", "professional_network"),
    ]
    flows = [
        {"source_actor": "A-N", "target_actor": "A-C"},
        {"source_actor": "A-C", "target_actor": "A-R", "frequency": "ad_hoc"},
        {"source_actor": "B-N", "target_actor": "B-S"},
        {"source_actor": "A-C", "target_actor": "X"},
        {"source_actor": "X", "target_actor": "B-C"},
    ]
    tiers = ["identified", "suspected", "exploitative_situation", "at_risk_context"]
    counts = [
        {
            "country": "DK",
            "year": 2009,
            "tier": t,
            "child_group": "other",
            "count": 3,
            "basis": "maybe",
            "source_actor": "A-P",
        }
        for t in tiers
    ]
    counts.append(
        {
            "country": "SE",
            "year": 2009,
            "tier": "identified",
            "child_group": "other",
            "count": 0,
            "basis": "official",
            "source_actor": "B-C",
        }
    )
    items = [{"item_id": "T1", "country": "DK"}, {"item_id": "T2", "country": "SE"}]
    knowledge = [{"actor_id": "A-N", "item_id": "T1"}, {"actor_id": "B-N", "item_id": "T2"}]
    return build(actors, flows=flows, items=items, knowledge=knowledge, case_counts=counts)


def test_scorecard_by_hand(build):
    card = scorecard(two_countries(build))
    dk, se = card.loc["DK"], card.loc["SE"]
    assert dk[
        ["coordination_exists", "four_tiers", "basis_stated", "ngos_feed_in", "research_contact"]
    ].tolist() == [True, True, True, True, True]
    assert bool(dk["local_reaches_national"]) is True  # the one local actor (the NGO) reaches: local input X
    assert se[
        ["coordination_exists", "four_tiers", "ngos_feed_in", "research_contact", "local_reaches_national"]
    ].tolist() == [False, False, False, False, False]
    assert int(se["tiers_disseminated"]) == 1 and bool(se["basis_stated"]) is True
    # one interview per country reports each item: single source, nothing triangulated
    assert dk["share_triangulated"] == 0 and not dk["triangulated"]
    assert int(dk["met"]) == 6 and int(se["met"]) == 1


def test_cross_border_flows_by_hand(build):
    flows = cross_border_flows(two_countries(build))
    assert flows["flow_id"].tolist() == ["F4", "F5"]
    assert flows["source_country"].tolist() == ["DK", None]
    assert flows["target_kind"].tolist() == ["professional_network", "contact_point"]


def test_interview_table(demo):
    table = interview_table(demo, "DK")
    assert table.loc["total", "total"] == (demo.interviews["country"] == "DK").sum()
    assert interview_table(demo).loc["total", "total"] == 60


def test_cross_border_matrix_by_hand(build):
    from impt_analysis.regional import cross_border_matrix

    m = cross_border_matrix(two_countries(build))
    assert list(m.index) == list(m.columns) == ["DK", "SE", "international"]
    assert m.loc["DK", "international"] == 1 and m.loc["international", "SE"] == 1 and m.loc["DK", "SE"] == 0


def test_scorecard_not_known_is_no_open_line(build):
    # A country with actors but no flows coded: three_aspects says "not known" for every
    # aspect; that is no evidence that local information reaches the national level.
    study = build(
        [actor("C", "DK", "government", "national", "national_coordinator"), actor("L", "DK", "ngo", "local")]
    )
    from impt_analysis import three_aspects

    assert three_aspects(study).loc["DK", "local_input"] == "not known"
    assert bool(scorecard(study).loc["DK", "local_reaches_national"]) is False


def test_scorecard_takes_the_coordinator_kinds_from_the_rules(build):
    """DK has a national co-ordinator, SE only a contact point: with the contact point as the
    co-ordinator kind the two swap."""
    from impt_analysis.rules import AspectRules

    study = two_countries(build)
    assert scorecard(study)["coordination_exists"].to_dict() == {"DK": True, "SE": False}
    swapped = AspectRules(coordinator_kinds=("contact_point",))
    assert scorecard(study, swapped)["coordination_exists"].to_dict() == {"DK": False, "SE": True}
