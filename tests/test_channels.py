"""Channel recommendations on a small graph whose best choice was worked out by hand."""

from __future__ import annotations

import pytest

from impt_analysis.channels import channel_candidates, recommend_channels
from impt_analysis.errors import UnknownCountryError


def actor(actor_id, level, sector="social_services", kind="organisation"):
    return {"actor_id": actor_id, "country": "DK", "sector": sector, "level": level, "kind": kind}


@pytest.fixture
def study(build):
    """C is the coordinator, fed by the national police P.

    Cut off: L1 -> L2 -> R1 (a chain ending at a regional office), L3 alone, L4 -> L5.
    Side information: T1 held by L1 (anecdotal), T3 by L3 (official), T4 by L4 (anecdotal),
    T5 by L5 (maybe).

    By hand: a channel from R1 brings in R1, L2, L1 (3 local/regional actors, item T1); from
    L5 brings L5 and L4 (2; T4, T5); from L3 brings L3 (1; T3); from L2 brings L2, L1 (2; T1);
    from L4 only L4 (1; T4). Greedy with k=3: R1 first (3), then L5 (2), then L3 (1): all
    seven actors reach co-ordination, and local input becomes X.
    """
    actors = [
        actor("C", "national", "government", "national_coordinator"),
        actor("P", "national", "police"),
        actor("L1", "local"),
        actor("L2", "local"),
        actor("R1", "regional", "child_protection"),
        actor("L3", "local", "ngo"),
        actor("L4", "local", "education"),
        actor("L5", "local", "health"),
    ]
    flows = [("P", "C"), ("L1", "L2"), ("L2", "R1"), ("L4", "L5")]
    items = [{"item_id": f"T{i}", "country": "DK"} for i in (1, 3, 4, 5)]
    knowledge = [
        {"actor_id": "L1", "item_id": "T1", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "L3", "item_id": "T3", "verification": "official", "source_type": "official_data"},
        {"actor_id": "L4", "item_id": "T4", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "L5", "item_id": "T5", "verification": "maybe", "source_type": "research"},
    ]
    return build(
        actors,
        flows=[{"source_actor": s, "target_actor": t} for s, t in flows],
        items=items,
        knowledge=knowledge,
    )


def test_greedy_choice_worked_by_hand(study):
    top = recommend_channels(study, "DK", k=3)
    assert top["source_actor"].tolist() == ["R1", "L5", "L3"]
    assert top["target_actor"].tolist() == ["C", "C", "C"]  # the coordinator is the first candidate target
    assert top["new_actors"].tolist() == [["L1", "L2", "R1"], ["L4", "L5"], ["L3"]]
    assert top["new_local_actors"].tolist() == [3, 2, 1]
    assert top["new_items"].tolist() == [["T1"], ["T4", "T5"], ["T3"]]
    assert top["cumulative_local"].tolist() == [3, 5, 6]
    assert top["cumulative_items"].tolist() == [1, 3, 4]
    # before: no local actor reaches (-); after the first channel 3 of 6 reach (X, half)
    assert top["local_input"].tolist() == ["X", "X", "X"]


def test_stops_when_nothing_is_left_to_bring_in(study):
    """After R1, L5 and L3 every actor reaches co-ordination: a fourth channel brings no one."""
    assert recommend_channels(study, "DK", k=10)["source_actor"].tolist() == ["R1", "L5", "L3"]


def test_new_channels_count_as_regular_flows_in_the_verdicts(study):
    """C is fed regularly by the police only ((X)); with R1, L5 and L3 as regular channels it
    has four sectors (police, child protection, health, NGO): X from the second channel on."""
    assert recommend_channels(study, "DK", k=3)["coordination"].tolist() == ["(X)", "X", "X"]


def test_ties_go_to_more_items_then_to_official(build):
    """Two cut-off local actors, A and B, each alone: equal actor gain; A holds an anecdotal
    item, B an official one: B first. Then a third, D, with two items: D before both."""
    actors = [
        actor("C", "national", "government", "national_coordinator"),
        actor("A", "local"),
        actor("B", "local"),
        actor("D", "local"),
    ]
    items = [{"item_id": i, "country": "DK"} for i in ("TA", "TB", "TD1", "TD2")]
    knowledge = [
        {"actor_id": "A", "item_id": "TA", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "B", "item_id": "TB", "verification": "official", "source_type": "official_data"},
        {"actor_id": "D", "item_id": "TD1", "verification": "anecdotal", "source_type": "anecdote"},
        {"actor_id": "D", "item_id": "TD2", "verification": "anecdotal", "source_type": "anecdote"},
    ]
    study = build(actors, items=items, knowledge=knowledge)
    assert recommend_channels(study, "DK", k=3)["source_actor"].tolist() == ["D", "B", "A"]


def test_user_candidates(study):
    """Only channels through the police: L3 -> P brings L3; L2 -> P brings L2 and L1."""
    top = recommend_channels(study, "DK", k=2, candidates=[("L3", "P"), ("L2", "P"), ("L4", "L3")])
    assert top["source_actor"].tolist() == ["L2", "L3"]
    with pytest.raises(ValueError, match="not in DK"):
        recommend_channels(study, "DK", candidates=[("L3", "NOBODY")])


def test_an_unknown_country_is_refused(study):
    with pytest.raises(
        UnknownCountryError, match=r"^recommend_channels: unknown country 'SE': the study has DK$"
    ):
        recommend_channels(study, "SE")


def test_default_candidates(study):
    pairs = channel_candidates(study, "DK")
    assert ("L3", "C") in pairs and ("L3", "P") in pairs and ("C", "L3") not in pairs
    assert len(pairs) == 6 * 2  # six cut-off actors to the two that reach (C itself and P)


def test_who_already_feeds_co_ordination_is_decided_by_the_rules_of_reach(build):
    """L reaches the co-ordinator C only through a Swedish office S: by the default rules
    (paths within the country) L does not feed co-ordination, so a channel L -> C is proposed;
    by the first reading (paths through foreign actors too) L already feeds, nothing is."""
    from impt_analysis.rules import AspectRules

    actors = [
        actor("C", "national", "government", "national_coordinator"),
        actor("L", "local"),
        {**actor("S", "national", "police"), "country": "SE"},
    ]
    study = build(
        actors, flows=[{"source_actor": "L", "target_actor": "S"}, {"source_actor": "S", "target_actor": "C"}]
    )
    assert channel_candidates(study, "DK") == [("L", "C")]
    assert recommend_channels(study, "DK")[
        ["source_actor", "target_actor", "new_actors"]
    ].values.tolist() == [["L", "C", ["L"]]]
    first = AspectRules.first_reading()
    assert channel_candidates(study, "DK", first) == []
    assert recommend_channels(study, "DK", rules=first).empty


def test_with_channels_names_the_unknown_value_and_the_valid_ones(study):
    from impt_analysis.channels import with_channels

    with pytest.raises(ValueError) as err:
        with_channels(study, [("L1", "C")], channel="telephone", frequency="weekly")
    assert str(err.value) == (
        "with_channels: channel 'telephone' is not in the codebook (valid: formal_report, case_referral, "
        "meeting, professional_network, database, informal_contact, media)"
    )
    with pytest.raises(
        ValueError,
        match=r"^with_channels: frequency 'weekly' is not in the codebook \(valid: regular, ad_hoc\)$",
    ):
        with_channels(study, [("L1", "C")], frequency="weekly")
    with pytest.raises(ValueError, match="frequency None"):
        with_channels(study, [("L1", "C")], frequency=None)
    before = len(study.flows)
    added = with_channels(study, [("L1", "C")], channel="meeting", frequency="ad_hoc")
    assert len(added.flows) == before + 1
    assert added.flows.iloc[-1][["channel", "frequency"]].astype(str).tolist() == ["meeting", "ad_hoc"]
