"""Comparing two waves, on two small studies worked out by hand, and on the demo's waves."""

from __future__ import annotations

from impt_analysis import AspectRules
from impt_analysis.waves import compare_studies


def actor(actor_id, level, sector, kind="organisation"):
    return {"actor_id": actor_id, "country": "DK", "sector": sector, "level": level, "kind": kind}


ACTORS = [
    actor("C", "national", "government", "national_coordinator"),
    actor("P", "national", "police"),
    actor("L", "local", "social_services"),
    actor("M", "local", "education"),
]
ITEMS = [{"item_id": "T1", "country": "DK"}]
KNOWLEDGE = [{"actor_id": "L", "item_id": "T1", "verification": "maybe", "source_type": "research"}]


def barriers(n):
    names = ["lack_of_training", "data_protection_rules"]
    return [{"interview_id": "DK-I1", "barrier": b, "severity": 2} for b in names[:n]]


def test_compare_by_hand(build):
    """Before: L and M cut off (local input -, T1 side information), 2 barriers in 1 interview.
    After: L -> C regularly (1 of 2 local actors reach: X, as half suffices), T1 reaches,
    1 barrier. Co-ordination stays (X): C hears regularly from police, then police and social
    services: 2 sectors < 3."""
    before = build(
        ACTORS,
        flows=[{"source_actor": "P", "target_actor": "C"}],
        items=ITEMS,
        knowledge=KNOWLEDGE,
        barriers=barriers(2),
    )
    after = build(
        ACTORS,
        flows=[{"source_actor": "P", "target_actor": "C"}, {"source_actor": "L", "target_actor": "C"}],
        items=ITEMS,
        knowledge=KNOWLEDGE,
        barriers=barriers(1),
    )
    row = compare_studies(before, after).loc["DK"]
    assert row[["local_input_before", "local_input_after", "local_input_change"]].tolist() == [
        "-",
        "X",
        "improved",
    ]
    assert row[["coordination_before", "coordination_after", "coordination_change"]].tolist() == [
        "(X)",
        "(X)",
        "same",
    ]
    assert row[["share_reaching_before", "share_reaching_after", "share_reaching_change"]].tolist() == [
        0.0,
        0.5,
        0.5,
    ]
    assert row[["side_items_before", "side_items_after", "side_items_change"]].tolist() == [1, 0, -1]
    assert row[["barriers_per_interview_before", "barriers_per_interview_after"]].tolist() == [2.0, 1.0]
    # improved: local input, share reaching, side items, barriers; nothing worse
    assert (int(row["improved"]), int(row["worse"])) == (4, 0)


def test_only_countries_in_both(build, demo):
    small = build(ACTORS)
    # small's interview (2011) is later than the demo's (2010): it is the later wave
    small = build(
        ACTORS,
        interviews=[
            {
                "interview_id": "DK-I1",
                "country": "DK",
                "date": "2011-05-01",
                "sector": "government",
                "level": "national",
                "actor_id": "C",
            }
        ],
    )
    assert compare_studies(demo, small).index.tolist() == ["DK"]


def test_demo_wave_two_closes_gaps(demo):
    from impt_analysis.demo import WAVE2_CHANGES, generate_study

    # The generator builds wave 2 for the first readings: PL's new local input is one ad hoc
    # report, "(X)" by them and "-" by the report's "feeding" (regular flows).
    first = AspectRules.first_reading()
    change = compare_studies(demo, generate_study(wave=2), first)
    assert compare_studies(demo, generate_study(wave=2)).loc["PL", "local_input_after"] == "-"
    for country, aspects in WAVE2_CHANGES.items():
        for aspect, verdict in aspects.items():
            if verdict != "(X)+":
                assert change.loc[country, f"{aspect}_after"] == verdict
                assert change.loc[country, f"{aspect}_change"] == "improved"
    assert change.loc["FI", "share_reaching_change"] > 0


def test_not_known_wave_changes_nothing(build):
    # Before: no flows coded ("not known" everywhere). After: P -> C regular (coordination (X)).
    # A change from "not known" is no improvement: "not known", counted neither way.
    before = build(ACTORS, items=ITEMS, knowledge=KNOWLEDGE)
    after = build(
        ACTORS, flows=[{"source_actor": "P", "target_actor": "C"}], items=ITEMS, knowledge=KNOWLEDGE
    )
    row = compare_studies(before, after).loc["DK"]
    assert row[["coordination_before", "coordination_after", "coordination_change"]].tolist() == [
        "not known",
        "(X)",
        "not known",
    ]


def test_waves_the_wrong_way_round_are_an_error(build, demo):
    import pytest

    from impt_analysis.demo import generate_study

    later = generate_study(wave=2)
    with pytest.raises(ValueError, match=r"the first study is the later wave \(wave 2 against wave 1\)"):
        compare_studies(later, demo)
    # without wave numbers, the interview dates decide: 2010-05-01 is earlier than 2011-05-01
    early = build(ACTORS)
    late_interviews = [
        {
            "interview_id": "DK-I1",
            "country": "DK",
            "date": "2011-05-01",
            "sector": "government",
            "level": "national",
            "actor_id": "C",
        }
    ]
    late = build(ACTORS, interviews=late_interviews)
    assert compare_studies(early, late).index.tolist() == ["DK"]
    with pytest.raises(ValueError, match="its interviews start 2011-05-01, the second's 2010-05-01"):
        compare_studies(late, early)


def test_wave_changes_by_hand(build):
    """Before: P -> C regular, L -> M ad hoc; L knows T1 (maybe). After: P -> C regular, L -> C
    regular (appeared), L -> M regular (frequency), and L knows T1 officially. Local input goes
    from - (nobody feeds C) to X (L feeds C: 1 of 2 local actors, half): the appeared tie alone
    moves it; L -> M turning regular alone moves nothing (M does not feed C)."""
    before = build(
        ACTORS,
        flows=[
            {"source_actor": "P", "target_actor": "C"},
            {"source_actor": "L", "target_actor": "M", "frequency": "ad_hoc"},
        ],
        items=ITEMS,
        knowledge=KNOWLEDGE,
    )
    after = build(
        ACTORS,
        flows=[
            {"source_actor": "P", "target_actor": "C"},
            {"source_actor": "L", "target_actor": "C"},
            {"source_actor": "L", "target_actor": "M"},
        ],
        items=ITEMS,
        knowledge=[{**KNOWLEDGE[0], "verification": "official"}],
    )
    from impt_analysis.waves import wave_changes

    changes = wave_changes(before, after)
    assert changes[["kind", "change", "source", "target", "before", "after"]].values.tolist() == [
        ["flow", "appeared", "L", "C", None, "regular"],
        ["flow", "frequency", "L", "M", "ad_hoc", "regular"],
        ["knowledge", "verification", "L", "T1", "maybe", "official"],
    ]
    assert changes["verdicts_changed"].tolist() == [["local_input"], [], []]
    # the flows behind each tie, by id (numbered per study: F1, F2, ... in the order given)
    assert changes["flows_before"].tolist() == [[], ["F2"], []]
    assert changes["flows_after"].tolist() == [["F2"], ["F3"], []]
