"""A validation set: small studies built by hand from the 2010 report's words.

The three questions of the report (BSR IMPT 2010 slides, "Countries in the region and three
aspects"):

1. "Is there a national central coordination in place?"
2. "Are professional networks meeting with children consulted with?"
3. "Are local and regional levels feeding their information into the national coordination?"

Each case below is one reading of those words (or one way a verdict can hang on a single
row), built by hand, independent of the demo generator; the expected verdict is argued in the
comment from the report's sentence, for the default rules (which follow the words) and for
the first reading the workbench used (:meth:`AspectRules.first_reading`), where they differ.
"""

from __future__ import annotations

import pytest

from impt_analysis import AspectRules, compare_rules, three_aspects, verdict_stability

FIRST = AspectRules.first_reading()


def A(actor_id, sector="ngo", level="national", kind="organisation", country="DK"):
    return {"actor_id": actor_id, "country": country, "sector": sector, "level": level, "kind": kind}


def F(source, target, frequency="regular", **extra):
    return {"source_actor": source, "target_actor": target, "frequency": frequency, **extra}


C = A("C", "government", kind="national_coordinator")
NCP = A("NCP", "government", kind="contact_point")
W = A("W", "child_protection", kind="professional_network")


def verdict(study, aspect, rules=None, country="DK"):
    return three_aspects(study, rules).loc[country, aspect]


# --- 2. "Are professional networks ... consulted with?" -------------------------------------


def test_consulted_by_a_coordinator_that_meets_the_network(build):
    # The co-ordinator holds a regular meeting with the network (C -> W). To consult someone is
    # to ask them; whichever side sends the flow, the network is consulted regularly: X. The
    # first reading looked only for network -> co-ordination flows and found none: (X).
    study = build([C, W], flows=[F("C", "W", channel="meeting")])
    assert verdict(study, "networks") == "X"
    assert verdict(study, "networks", FIRST) == "(X)"


def test_network_never_in_contact_is_not_consulted(build):
    # The network exists but has no tie to co-ordination, direct or through anyone, either way
    # (it only tells an NGO N, which reaches nobody). It is not consulted: "-". The first
    # reading mixed existence with consultation and gave (X).
    study = build([C, W, A("N")], flows=[F("W", "N")])
    assert verdict(study, "networks") == "-"
    assert verdict(study, "networks", FIRST) == "(X)"


def test_network_consulted_only_ad_hoc(build):
    # An occasional call from the co-ordinator (C -> W, ad hoc): consulted, but not as a
    # practice: (X) by both readings.
    study = build([C, W], flows=[F("C", "W", "ad_hoc")])
    assert verdict(study, "networks") == verdict(study, "networks", FIRST) == "(X)"


# --- 3. "Are local and regional levels feeding their information into the national coordination?"


def test_one_ad_hoc_call_is_no_feeding(build):
    # The only local actor L called the co-ordinator once (ad hoc). "Feeding ... into" is a
    # standing supply, so: nobody feeds, "-". The first reading (any path of any frequency)
    # counted L as reaching: 1 of 1, X.
    study = build([C, A("L", level="local")], flows=[F("L", "C", "ad_hoc")])
    assert verdict(study, "local_input") == "-"
    assert verdict(study, "local_input", FIRST) == "X"


def test_feeding_through_a_foreign_actor_does_not_count(build):
    # L reports regularly to a Swedish body S, which reports to DK's co-ordinator. The report
    # asks about local levels feeding *the national* co-ordination: information that only
    # arrives by way of another country is not the country's own local input: "-" (first: X).
    study = build([C, A("L", level="local"), A("S", country="SE")], flows=[F("L", "S"), F("S", "C")])
    assert verdict(study, "local_input") == "-"
    assert verdict(study, "local_input", FIRST) == "X"


def test_feeding_an_ncp_counts_only_when_it_passes_on(build):
    # L reports regularly to the NCP. If the NCP passes nothing to the national co-ordinator,
    # L's information stops there: not "into the national coordination", "-" (first: X, the
    # NCP was a coordination actor like any other). Once the NCP reports to C regularly: X.
    actors = [C, NCP, A("L", level="local")]
    stuck = build(actors, flows=[F("L", "NCP")])
    assert verdict(stuck, "local_input") == "-"
    assert verdict(stuck, "local_input", FIRST) == "X"
    passing = build(actors, flows=[F("L", "NCP"), F("NCP", "C")])
    assert verdict(passing, "local_input") == "X"


def test_without_a_coordinator_the_contact_point_is_the_national_coordination(build):
    # No national co-ordinator, only an NCP (co-ordination "(X)": "a level of central but weak
    # coordination"). Whatever national co-ordination there is rests with the NCP, so L's
    # regular reports to it feed it: 1 of 1, X.
    study = build([NCP, A("L", level="local")], flows=[F("L", "NCP")])
    assert verdict(study, "coordination") == "(X)"
    assert verdict(study, "local_input") == "X"


def test_feeding_must_carry_the_information(build):
    # L tells regional R about item T1; R tells C about another item, T2. The flows name what
    # they carry, and T1 never arrives: L's information is not fed in, R's is (T2 arrives).
    # The first reading counted any path: both reach. With R -> C carrying information in
    # general (no item named), T1 can travel all the way: both reach.
    actors = [C, A("L", level="local"), A("R", level="regional")]
    items = [{"item_id": "T1", "country": "DK"}, {"item_id": "T2", "country": "DK"}]
    other = build(actors, items=items, flows=[F("L", "R", item_id="T1"), F("R", "C", item_id="T2")])
    from impt_analysis import reach

    assert reach(other, "DK")["reaches"].tolist() == [False, True]
    assert reach(other, "DK", FIRST)["reaches"].tolist() == [True, True]
    general = build(actors, items=items, flows=[F("L", "R", item_id="T1"), F("R", "C")])
    assert reach(general, "DK")["reaches"].tolist() == [True, True]


# --- 1. "Is there a national central coordination in place?" --------------------------------


def test_only_the_countrys_own_sectors_count(build):
    # C hears regularly from DK police and a DK NGO, and from Sweden's migration board. A
    # *national* co-ordination draws on the country's own sectors: 2 of the 3 needed, (X).
    # The first reading counted the foreign sender: 3 sectors, X.
    actors = [C, A("P", "police"), A("N", "ngo"), A("M", "asylum_migration", country="SE")]
    study = build(actors, flows=[F("P", "C"), F("N", "C"), F("M", "C")])
    assert verdict(study, "coordination") == "(X)"
    assert verdict(study, "coordination", FIRST) == "X"


def test_compare_rules_names_the_cells(build):
    # The case above: only coordination differs between the two readings.
    actors = [C, A("P", "police"), A("N", "ngo"), A("M", "asylum_migration", country="SE")]
    study = build(actors, flows=[F("P", "C"), F("N", "C"), F("M", "C")])
    cells = compare_rules(study, FIRST, AspectRules())
    dk = cells[cells["country"] == "DK"]
    assert dk.loc[dk["differs"], ["aspect", "verdict_a", "verdict_b"]].values.tolist() == [
        ["coordination", "X", "(X)"]
    ]
    assert "coordination_home_senders_only" in cells["changed_fields"].iloc[0]


# --- Tie triangulation: "either end reports it" vs "both ends report it" ----------------------


def test_a_tie_confirmed_by_two_informants(build):
    # W -> C regularly, reported in one interview only (DK-I1). Either end's report is enough
    # by default: X. Asking for two informants (min_informants=2), the tie is unconfirmed and
    # the network has no confirmed contact with co-ordination: "-". A second interview (DK-I2,
    # the co-ordinator's) reporting the same tie confirms it: X.
    interviews = [
        {
            "interview_id": i,
            "country": "DK",
            "date": "2010-05-01",
            "sector": s,
            "level": "national",
            "actor_id": a,
        }
        for i, a, s in (("DK-I1", "W", "child_protection"), ("DK-I2", "C", "government"))
    ]
    one = build([C, W], flows=[F("W", "C", interview_id="DK-I1")], interviews=interviews)
    two = build(
        [C, W],
        flows=[F("W", "C", interview_id="DK-I1"), F("W", "C", interview_id="DK-I2")],
        interviews=interviews,
    )
    strict = AspectRules(min_informants=2)
    assert verdict(one, "networks") == "X"
    assert verdict(one, "networks", strict) == "-"
    assert verdict(two, "networks", strict) == "X"


# --- Ways a verdict can be fragile ---------------------------------------------------------


def _three_sectors(build, flows, interviews=None):
    actors = [C, A("P", "police"), A("M", "asylum_migration"), A("N", "ngo"), A("R", "research")]
    return build(actors, flows=flows, interviews=interviews)


def _interviews(*ids):
    return [
        {
            "interview_id": i,
            "country": "DK",
            "date": "2010-05-01",
            "sector": "government",
            "level": "national",
            "actor_id": "C",
        }
        for i in ids
    ]


def test_fragile_one_flow_per_sector(build):
    # Exactly three sectors, one flow row each: X, and removing any one of F1, F2, F3 leaves two
    # sectors, (X). All three flows come from the one interview DK-I1, so it rests on it too.
    study = _three_sectors(build, [F("P", "C"), F("M", "C"), F("N", "C")])
    row = verdict_stability(study).set_index("aspect").loc["coordination"]
    assert (row["verdict"], row["flows"], row["interviews"]) == ("X", ["F1", "F2", "F3"], ["DK-I1"])
    assert row["margin"] == "exactly the 3 sectors needed: losing any one gives (X)."


def test_fragile_one_interview_behind_redundant_flows(build):
    # Each sector reports twice (a report and a meeting), so no single flow row matters; but
    # every one of them comes from interview I1. Without I1 only C -> R (I2) is left, and
    # nobody feeds C: (X). The verdict is robust to a flow and rests on one interview.
    flows = [
        F(s, "C", interview_id="I1", channel=ch)
        for s in ("P", "M", "N")
        for ch in ("formal_report", "meeting")
    ]
    study = _three_sectors(build, flows + [F("C", "R", "ad_hoc", interview_id="I2")], _interviews("I1", "I2"))
    row = verdict_stability(study).set_index("aspect").loc["coordination"]
    assert (row["verdict"], row["flows"], row["interviews"], row["without"]) == (
        "X",
        [],
        ["I1"],
        {"I1": "(X)"},
    )


def test_robust_when_every_tie_has_two_informants(build):
    # Four sectors, each reported by two interviews: losing one flow or one interview leaves
    # four (or at least three) sectors: X, robust.
    flows = [F(s, "C", interview_id=i) for s in ("P", "M", "N", "R") for i in ("I1", "I2")]
    study = _three_sectors(build, flows, _interviews("I1", "I2"))
    row = verdict_stability(study).set_index("aspect").loc["coordination"]
    assert (row["verdict"], row["stability"]) == ("X", "robust")
    assert row["margin"] == "4 sectors feed the co-ordinator, 1 more than the 3 needed."


def test_fragile_local_input_at_the_threshold(build):
    # Four local actors, two report to C regularly: half, X. Losing either flow gives 1 of 4,
    # (X). The margin says so.
    actors = [C] + [A(f"L{i}", level="local") for i in range(1, 5)]
    study = build(actors, flows=[F("L1", "C"), F("L2", "C")])
    row = verdict_stability(study).set_index("aspect").loc["local_input"]
    assert (row["verdict"], row["flows"]) == ("X", ["F1", "F2"])
    assert row["without"] == {"DK-I1": "not known", "F1": "(X)", "F2": "(X)"}
    assert (
        row["margin"]
        == "2 of 4 local and regional actors feed co-ordination, 0 more than the 2 needed for X: losing one gives (X)."
    )


def test_fragile_network_on_one_tie(build):
    # One regular tie between network and co-ordination (F1): X; without it the network has no
    # contact: "-" (not consulted). Police P -> C (F2) keeps the country's flows from being empty.
    study = build([C, W, A("P", "police")], flows=[F("W", "C"), F("P", "C")])
    row = verdict_stability(study).set_index("aspect").loc["networks"]
    assert (row["verdict"], row["flows"], row["without"]["F1"]) == ("X", ["F1"], "-")


def test_no_flows_is_not_known(build):
    # No flow coded: who passes information to whom cannot be judged, "not known" (never "-").
    study = build([C, W, A("L", level="local")])
    assert (
        three_aspects(study).loc["DK", ["coordination", "networks", "local_input"]].tolist()
        == ["not known"] * 3
    )
    assert verdict_stability(study)["stability"].tolist() == ["not known"] * 3


@pytest.mark.parametrize(
    "field",
    [
        "reach_regular_only",
        "coordination_home_senders_only",
        "network_either_direction",
        "reach_within_country",
        "reach_carries_item",
        "reach_via_passing_ncp",
    ],
)
def test_every_first_reading_is_a_field(field):
    assert getattr(AspectRules(), field) is True and getattr(FIRST, field) is False
