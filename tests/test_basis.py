"""The basis of figures (verification mix, sources) and the four-tier case count table."""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis import basis, case_count_table, triangulate
from impt_analysis.errors import UnknownCountryError
from tests.conftest import REPORTING_ACTORS as ACTORS
from tests.conftest import REPORTING_INTERVIEWS as INTERVIEWS

ITEMS = [
    {"item_id": "T2", "country": "DK"},
    {"item_id": "T3", "country": "DK", "theme": "sexual_exploitation"},
    {"item_id": "T4", "country": "DK"},
    {"item_id": "T7", "country": "EE"},
]
KNOWLEDGE = [
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T2"},
    {"interview_id": "I4", "actor_id": "P2", "item_id": "T2"},
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T3", "verification": "official"},
    {"interview_id": "I2", "actor_id": "NG", "item_id": "T3", "verification": "maybe"},
    {"interview_id": "I3", "actor_id": "NG", "item_id": "T3", "verification": "anecdotal"},
    {"interview_id": "I5", "actor_id": "EP", "item_id": "T7", "verification": "maybe"},
]


def case(tier, group, count, basis_, source):
    return {
        "country": "DK",
        "year": 2009,
        "tier": tier,
        "child_group": group,
        "count": count,
        "basis": basis_,
        "source_actor": source,
    }


CASES = [
    case("identified", "other", 3, "official", "P1"),
    case("identified", "roma_children", 2, "official", "P1"),
    case("suspected", "other", 10, "maybe", "NG"),
    case("suspected", "other", 5, "anecdotal", "CP"),
]


@pytest.fixture
def study(build):
    return build(actors=ACTORS, interviews=INTERVIEWS, items=ITEMS, knowledge=KNOWLEDGE, case_counts=CASES)


def row(frame: pd.DataFrame) -> dict:
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_basis_of_items(study):
    got = row(basis(study, items=["T2", "T3"]))
    # 5 reports: T2 official twice (I1, I4), T3 official, maybe, anecdotal (I1, I2, I3).
    assert {
        k: got[k]
        for k in ("n_items", "n_reports", "n_interviews", "official", "maybe", "anecdotal", "n_sources")
    } == {
        "n_items": 2,
        "n_reports": 5,
        "n_interviews": 4,
        "official": 3,
        "maybe": 1,
        "anecdotal": 1,
        "n_sources": 4,
    }
    assert (got["share_official"], got["share_maybe"], got["share_anecdotal"]) == pytest.approx(
        (0.6, 0.2, 0.2)
    )


def test_basis_of_a_frame_of_items_equals_items_argument(study):
    frame = triangulate(study)
    selected = frame[frame["status"] == "triangulated"]  # T3 only
    assert selected["item_id"].tolist() == ["T3"]
    pd.testing.assert_frame_equal(basis(selected, study), basis(study, items=["T3"]))
    got = row(basis(selected, study))
    assert (got["n_reports"], got["n_sources"]) == (3, 3)


def test_basis_of_all_items_and_by_group(study):
    everything = row(basis(study))
    assert (everything["n_items"], everything["n_reports"], everything["n_sources"]) == (4, 6, 5)
    by_country = basis(study, by="country").set_index("country")
    assert by_country.loc[
        "DK", ["n_items", "n_reports", "official", "maybe", "anecdotal", "n_sources"]
    ].tolist() == [3, 5, 3, 1, 1, 4]
    assert by_country.loc["EE", ["n_items", "n_reports", "maybe", "n_sources"]].tolist() == [1, 1, 1, 1]
    by_theme = basis(study, by="theme").set_index("theme")
    assert by_theme.loc["sexual_exploitation", "n_reports"] == 3


def test_unreported_item_has_no_basis(study):
    got = row(basis(study, items=["T4"]))
    assert (got["n_items"], got["n_reports"], got["official"], got["n_sources"]) == (1, 0, 0, 0)
    assert pd.isna(got["share_official"])


def test_basis_of_case_counts(study):
    got = row(basis(study.case_counts))
    assert {k: got[k] for k in ("n_figures", "count", "official", "maybe", "anecdotal", "n_sources")} == {
        "n_figures": 4,
        "count": 20,
        "official": 2,
        "maybe": 1,
        "anecdotal": 1,
        "n_sources": 3,
    }
    assert got["share_official"] == pytest.approx(0.5)
    by_tier = basis(study.case_counts, by="tier").set_index("tier")
    assert list(by_tier.index) == ["identified", "suspected"]
    suspected = by_tier.loc["suspected", ["n_figures", "count", "maybe", "anecdotal", "n_sources"]]
    assert suspected.tolist() == [2, 15, 1, 1, 2]


def test_basis_of_no_case_counts(study):
    got = row(basis(study.case_counts.iloc[:0]))
    assert (got["n_figures"], got["n_sources"]) == (0, 0)
    assert pd.isna(got["count"]) and pd.isna(got["share_maybe"])


def test_basis_refuses_what_it_cannot_read(study):
    with pytest.raises(ValueError, match="not in the study"):
        basis(study, items=["T2", "NOPE"])
    with pytest.raises(ValueError, match="needs the study"):
        basis(pd.DataFrame({"item_id": ["T2"]}))
    with pytest.raises(ValueError, match="neither"):
        basis(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="no column 'region'"):
        basis(study, by="region")
    with pytest.raises(ValueError, match="Study or a DataFrame"):
        basis(["T2"])


def test_case_count_table_shows_all_four_tiers_and_the_gaps(study):
    table = case_count_table(study)
    assert table[["country", "tier"]].astype(str).values.tolist() == [
        [c, t]
        for c in ("DK", "EE")
        for t in ("identified", "suspected", "exploitative_situation", "at_risk_context")
    ]
    dk = table[table["country"] == "DK"].set_index("tier")
    assert dk["year"].tolist() == [2009] * 4
    assert dk.loc[
        "identified", ["n_figures", "count", "official", "share_official", "n_sources"]
    ].tolist() == [2, 5, 2, 1.0, 1]
    assert dk.loc["identified", "child_groups"] == ["other", "roma_children"]
    assert dk.loc["identified", "double_counted"] == []
    suspected = dk.loc["suspected"]
    assert [suspected[k] for k in ("n_figures", "count", "maybe", "anecdotal", "n_sources")] == [
        2,
        15,
        1,
        1,
        2,
    ]
    assert suspected["double_counted"] == ["other"]  # two sources count the same group
    for tier in ("exploitative_situation", "at_risk_context"):
        assert dk.loc[tier, "n_figures"] == 0 and pd.isna(dk.loc[tier, "count"])
        assert dk.loc[tier, "child_groups"] == [] and pd.isna(dk.loc[tier, "share_official"])
    ee = table[table["country"] == "EE"]
    assert ee["n_figures"].tolist() == [0, 0, 0, 0]
    assert ee["year"].isna().all() and ee["count"].isna().all()


def test_case_count_table_for_one_country(study):
    table = case_count_table(study, country="EE")
    assert table["tier"].tolist() == ["identified", "suspected", "exploitative_situation", "at_risk_context"]
    assert list(table["tier"].cat.categories) == table["tier"].tolist()
    with pytest.raises(UnknownCountryError, match=r"^case_count_table: unknown country 'XX': the study has "):
        case_count_table(study, country="XX")


def test_case_count_table_keeps_years_apart(build):
    cases = CASES[:1] + [{**CASES[0], "year": 2008, "count": 4}]
    study = build(actors=ACTORS, interviews=INTERVIEWS, case_counts=cases)
    dk = case_count_table(study, country="DK")
    assert dk["year"].tolist() == [2008] * 4 + [2009] * 4
    assert dk.loc[dk["tier"] == "identified", "count"].tolist() == [4, 3]


def test_demo(demo):
    table = case_count_table(demo)
    assert len(table) == 4 * len(demo.countries)
    assert table.groupby("country").size().eq(4).all()
    disseminated = table[table["n_figures"] > 0]
    assert disseminated["count"].sum() == demo.case_counts["count"].sum()
    assert (disseminated[["official", "maybe", "anecdotal"]].sum(axis=1) == disseminated["n_figures"]).all()
    everything = row(basis(demo))
    assert everything["n_reports"] == len(demo.knowledge)
    assert sum(everything[f"share_{level}"] for level in ("official", "maybe", "anecdotal")) == pytest.approx(
        1.0
    )
