"""What a selection matches, worked by hand on a small study, and the tables shown of it."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impt_analysis import study_from_tables
from impt_analysis.selection import (
    Selection,
    check_selection,
    matching_excerpts,
    matching_interviews,
    matching_items,
    select,
)


@pytest.fixture
def small(build):
    """The small study of :func:`small_study`."""
    return small_study(build)


def small_study(build):
    """A small study worked by hand (``test_explore`` uses it too).

    Denmark: a coordinator A1, police A2 and an NGO A3; Sweden: police B1.

    Interviews DK-I1 (police, A2), DK-I2 (NGO, A3), SE-I1 (police, B1). Items: T1 (DK, au
    pairs), T2 and T3 (DK, Roma children; no one reports T3), U1 (SE, au pairs).
    """
    actors = [
        {
            "actor_id": "A1",
            "country": "DK",
            "sector": "government",
            "level": "national",
            "kind": "national_coordinator",
        },
        {"actor_id": "A2", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"},
        {"actor_id": "A3", "country": "DK", "sector": "ngo", "level": "local", "kind": "organisation"},
        {"actor_id": "B1", "country": "SE", "sector": "police", "level": "national", "kind": "organisation"},
    ]
    interviews = [
        {
            "interview_id": "DK-I1",
            "country": "DK",
            "date": "2010-05-01",
            "sector": "police",
            "level": "national",
            "actor_id": "A2",
        },
        {
            "interview_id": "DK-I2",
            "country": "DK",
            "date": "2010-05-02",
            "sector": "ngo",
            "level": "local",
            "actor_id": "A3",
        },
        {
            "interview_id": "SE-I1",
            "country": "SE",
            "date": "2010-06-01",
            "sector": "police",
            "level": "national",
            "actor_id": "B1",
        },
    ]
    items = [
        {"item_id": "T1", "country": "DK", "child_group": "au_pairs"},
        {"item_id": "T2", "country": "DK", "child_group": "roma_children"},
        {"item_id": "T3", "country": "DK", "child_group": "roma_children"},
        {"item_id": "U1", "country": "SE", "child_group": "au_pairs"},
    ]
    knowledge = [
        {"interview_id": "DK-I1", "actor_id": "A2", "item_id": "T1", "verification": "official"},
        {"interview_id": "DK-I2", "actor_id": "A3", "item_id": "T1", "verification": "anecdotal"},
        {"interview_id": "DK-I2", "actor_id": "A3", "item_id": "T2", "verification": "maybe"},
        {"interview_id": "SE-I1", "actor_id": "B1", "item_id": "U1", "verification": "official"},
    ]
    flows = [
        {"interview_id": "DK-I1", "source_actor": "A2", "target_actor": "A1", "item_id": ""},
        {"interview_id": "DK-I2", "source_actor": "A3", "target_actor": "A1", "item_id": "T2"},
        {"interview_id": "DK-I2", "source_actor": "A3", "target_actor": "A2", "item_id": "T1"},
        {"interview_id": "SE-I1", "source_actor": "B1", "target_actor": "A2", "item_id": ""},
    ]
    police = "The police report to the <b>Ministry</b> every month."
    codings = [
        {
            "segment_id": "S1",
            "interview_id": "DK-I1",
            "code": "national_coordination",
            "coder": "c1",
            "start": 0,
            "end": 53,
            "excerpt": police,
        },
        {
            "segment_id": "S1",
            "interview_id": "DK-I1",
            "code": "national_coordination",
            "coder": "c2",
            "start": 0,
            "end": 53,
            "excerpt": police,
        },
        {
            "segment_id": "S2",
            "interview_id": "DK-I2",
            "code": "professional_networks",
            "coder": "c1",
            "start": 10,
            "end": 52,
            "excerpt": "Our network meets the school each quarter.",
        },
        {
            "segment_id": "S2",
            "interview_id": "DK-I2",
            "code": "good_practice",
            "coder": "c1",
            "start": 10,
            "end": 52,
            "excerpt": "Our network meets the school each quarter.",
        },
        {
            "segment_id": "S3",
            "interview_id": "SE-I1",
            "code": "cross_border",
            "coder": "c1",
            "start": 5,
            "end": 32,
            "excerpt": "We phone the Danish POLICE.",
        },
    ]
    barriers = [
        {
            "interview_id": "DK-I2",
            "barrier": "lack_of_resources",
            "source_actor": "",
            "target_actor": "",
            "severity": 2,
        }
    ]
    case_counts = [
        {
            "country": "DK",
            "year": 2009,
            "tier": "identified",
            "child_group": "au_pairs",
            "count": 3,
            "basis": "official",
            "source_actor": "A2",
        },
        {
            "country": "DK",
            "year": 2009,
            "tier": "suspected",
            "child_group": "roma_children",
            "count": 7,
            "basis": "maybe",
            "source_actor": "A3",
        },
    ]
    return build(
        actors,
        flows=flows,
        items=items,
        knowledge=knowledge,
        interviews=interviews,
        codings=codings,
        barriers=barriers,
        case_counts=case_counts,
    )


def ids(frame, column):
    return frame[column].astype(str).tolist()


# --- the core: select ----------------------------------------------------------------------


def test_empty_selection_is_the_whole_study(small):
    view = select(small, Selection())
    for name, frame in small.tables().items():
        pd.testing.assert_frame_equal(getattr(view, name), frame, check_categorical=True)
    assert view.meta["impt:selection"] == {
        "country": None,
        "sector": None,
        "child_group": None,
        "verification": None,
        "search": "",
    }


def test_country_keeps_its_interviews_and_every_item_of_the_country(small):
    view = select(small, Selection(country="DK"))
    assert ids(view.interviews, "interview_id") == ["DK-I1", "DK-I2"]
    assert ids(view.items, "item_id") == ["T1", "T2", "T3"]  # T3 unreported, still listed
    assert len(view.knowledge) == 3
    assert ids(view.flows, "flow_id") == ["F1", "F2", "F3"]  # F4 was reported in Sweden
    assert ids(view.codings, "segment_id") == ["S1", "S1", "S2", "S2"]
    assert len(view.barriers) == 1
    assert len(view.actors) == 4  # the frame of reference stays whole


def test_sector_narrows_interviews_and_then_items_to_those_reported(small):
    view = select(small, Selection(country="DK", sector="police"))
    assert ids(view.interviews, "interview_id") == ["DK-I1"]
    assert ids(view.knowledge, "item_id") == ["T1"]
    assert ids(view.items, "item_id") == ["T1"]
    assert ids(view.flows, "flow_id") == ["F1"]
    assert len(view.barriers) == 0


def test_child_group_keeps_interviews_reporting_it_and_drops_flows_about_other_items(small):
    view = select(small, Selection(country="DK", child_group="roma_children"))
    assert ids(view.interviews, "interview_id") == ["DK-I2"]
    assert ids(view.items, "item_id") == ["T2", "T3"]
    assert ids(view.flows, "flow_id") == ["F2"]  # F3 is about T1 (au pairs)
    assert view.case_counts["count"].tolist() == [7]
    assert ids(view.codings, "segment_id") == ["S2", "S2"]


def test_verification_across_countries(small):
    view = select(small, Selection(verification="official"))
    assert ids(view.interviews, "interview_id") == ["DK-I1", "SE-I1"]
    assert ids(view.items, "item_id") == ["T1", "U1"]
    assert ids(view.flows, "flow_id") == ["F1", "F4"]


def test_search_is_case_insensitive_and_literal(small):
    view = select(small, Selection(search="  police "))
    assert ids(view.interviews, "interview_id") == ["DK-I1", "SE-I1"]
    assert ids(view.codings, "segment_id") == ["S1", "S1", "S3"]
    assert ids(view.items, "item_id") == ["T1", "U1"]
    assert len(select(small, Selection(search="sch..l")).interviews) == 0  # not a regular expression
    assert ids(select(small, Selection(search="<b>")).codings, "segment_id") == ["S1", "S1"]


def test_a_word_found_nowhere_selects_nothing(small):
    view = select(small, Selection(country="SE", search="quarter"))
    assert all(len(getattr(view, t)) == 0 for t in ("interviews", "items", "knowledge", "flows", "codings"))


@pytest.mark.parametrize(
    "selection",
    [
        Selection(country="DK", sector="police"),
        Selection(child_group="au_pairs"),
        Selection(verification="anecdotal", search="network"),
        Selection(search="x"),
    ],
)
def test_a_selection_is_referentially_whole(small, selection):
    view = select(small, selection)
    rebuilt = study_from_tables(view.tables())  # raises on any dangling reference
    assert len(rebuilt.interviews) == len(view.interviews)


def test_unknown_values_are_named(small):
    with pytest.raises(ValueError, match=r"unknown country 'FI': the study has DK, SE"):
        select(small, Selection(country="FI"))
    with pytest.raises(ValueError, match="unknown child group 'pirates'"):
        check_selection(small, Selection(child_group="pirates"))
    with pytest.raises(TypeError, match="search must be a string"):
        check_selection(small, Selection(search=3))


def test_searching_a_public_export_says_there_are_no_excerpts(small):
    public = dataclasses.replace(
        small, codings=small.codings.drop(columns="excerpt"), meta={"impt:public": True}
    )
    with pytest.raises(ValueError, match="no excerpts"):
        select(public, Selection(search="police"))
    assert len(select(public, Selection(country="DK")).codings) == 4


# --- the display tables --------------------------------------------------------------------


def test_interview_table_counts_what_each_interview_reported(small):
    t = matching_interviews(select(small, Selection(country="DK")))
    assert t.to_dict("records") == [
        {
            "interview_id": "DK-I1",
            "country": "DK",
            "date": "2010-05-01",
            "sector": "police",
            "level": "national",
            "respondent": "A2",
            "knowledge": 1,
            "flows": 1,
            "barriers": 0,
            "codings": 2,
        },
        {
            "interview_id": "DK-I2",
            "country": "DK",
            "date": "2010-05-02",
            "sector": "ngo",
            "level": "local",
            "respondent": "A3",
            "knowledge": 2,
            "flows": 2,
            "barriers": 1,
            "codings": 2,
        },
    ]


def test_item_table_gives_the_verification_mix_and_the_strongest(small):
    t = matching_items(select(small, Selection(country="DK")))
    got = t[["item_id", "interviews", "official", "maybe", "anecdotal", "strongest"]].to_dict("records")
    assert got == [
        {
            "item_id": "T1",
            "interviews": 2,
            "official": 1,
            "maybe": 0,
            "anecdotal": 1,
            "strongest": "official",
        },
        {"item_id": "T2", "interviews": 1, "official": 0, "maybe": 1, "anecdotal": 0, "strongest": "maybe"},
        {"item_id": "T3", "interviews": 0, "official": 0, "maybe": 0, "anecdotal": 0, "strongest": ""},
    ]


def test_excerpt_table_has_one_row_per_segment(small):
    t = matching_excerpts(select(small, Selection(country="DK")))
    assert t[["segment_id", "codes", "coders"]].values.tolist() == [
        ["S1", "national_coordination", "c1, c2"],
        ["S2", "professional_networks, good_practice", "c1"],
    ]
    assert list(matching_excerpts(select(small, Selection(country="SE", search="quarter"))).columns) == [
        "segment_id",
        "interview_id",
        "codes",
        "coders",
        "excerpt",
    ]


def test_the_verification_levels_are_the_study_codebooks_strongest_first(small):
    extra = pd.DataFrame([{"code": "rumour", "category": "verification", "label": "Rumour"}])
    codebook = pd.concat([extra, small.codebook], ignore_index=True).assign(rank="")
    codebook.loc[codebook["category"] == "verification", "rank"] = ["4", "1", "2", "3"]
    study = dataclasses.replace(small, codebook=codebook)
    check_selection(study, Selection(verification="rumour"))  # the level the study adds is one
    with pytest.raises(
        ValueError, match="unknown verification 'hearsay': the study has official, maybe, anecdotal, rumour$"
    ):
        check_selection(study, Selection(verification="hearsay"))
