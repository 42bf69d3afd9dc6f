"""Triangulation of items, worked out by hand on a small study."""

from __future__ import annotations

import pytest

from impt_analysis import triangulate
from impt_analysis.triangulation import STATUSES
from tests.conftest import REPORTING_ACTORS as ACTORS
from tests.conftest import REPORTING_INTERVIEWS as INTERVIEWS

ITEMS = [
    {"item_id": i, "country": "EE" if i == "T7" else "DK"} for i in ("T1", "T2", "T3", "T4", "T5", "T6", "T7")
]
KNOWLEDGE = [
    # T1: one interview, one sector.
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T1"},
    # T2: two interviews, both by police organisations (P1 and P2): one sector.
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T2"},
    {"interview_id": "I4", "actor_id": "P2", "item_id": "T2", "verification": "maybe"},
    # T3: three interviews by police, an NGO and child protection; the third says the NGO holds it.
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T3", "verification": "official"},
    {"interview_id": "I2", "actor_id": "NG", "item_id": "T3", "verification": "maybe"},
    {"interview_id": "I3", "actor_id": "NG", "item_id": "T3", "verification": "anecdotal"},
    # T4: nobody reports it.
    # T5: one interview naming two holders.
    {"interview_id": "I2", "actor_id": "NG", "item_id": "T5", "verification": "anecdotal"},
    {"interview_id": "I2", "actor_id": "CP", "item_id": "T5", "verification": "anecdotal"},
    # T6: two interviews, two sectors (police, NGO).
    {"interview_id": "I1", "actor_id": "P1", "item_id": "T6", "verification": "anecdotal"},
    {"interview_id": "I2", "actor_id": "P1", "item_id": "T6", "verification": "maybe"},
    # T7: an Estonian item, one interview.
    {"interview_id": "I5", "actor_id": "EP", "item_id": "T7"},
]


@pytest.fixture
def study(build):
    return build(actors=ACTORS, interviews=INTERVIEWS, items=ITEMS, knowledge=KNOWLEDGE)


def test_items_reported_by_one_two_and_three_sectors(study):
    table = triangulate(study).set_index("item_id")
    assert table["status"].to_dict() == {
        "T1": "single_source",
        "T2": "corroborated",
        "T3": "triangulated",
        "T4": "unreported",
        "T5": "single_source",
        "T6": "triangulated",
        "T7": "single_source",
    }
    assert table.loc["T1", "sectors"] == ["police"]
    assert table.loc["T6", "sectors"] == ["ngo", "police"]
    assert table.loc["T3", "sectors"] == ["child_protection", "ngo", "police"]
    assert table["n_sectors"].to_dict() == {"T1": 1, "T2": 1, "T3": 3, "T4": 0, "T5": 1, "T6": 2, "T7": 1}


def test_counts_interviews_organisations_and_verification(study):
    table = triangulate(study).set_index("item_id")
    t3 = table.loc["T3"]
    assert (t3["n_interviews"], t3["n_organisations"], t3["n_verifications"]) == (3, 3, 3)
    # The reporting organisations are the interviews' organisations, not the holders (NG twice).
    assert t3["organisations"] == ["CP", "NG", "P1"]
    assert t3["verifications"] == ["official", "maybe", "anecdotal"]  # strongest first
    t2 = table.loc["T2"]
    assert (t2["n_interviews"], t2["n_organisations"], t2["organisations"]) == (2, 2, ["P1", "P2"])
    assert t2["verifications"] == ["official", "maybe"]
    t5 = table.loc["T5"]
    assert (t5["n_interviews"], t5["n_organisations"], t5["verifications"]) == (1, 1, ["anecdotal"])
    t4 = table.loc["T4"]
    assert (t4["n_interviews"], t4["organisations"], t4["sectors"], t4["verifications"]) == (0, [], [], [])


def test_keeps_every_item_in_order_with_country_and_label(study):
    table = triangulate(study)
    assert table["item_id"].tolist() == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]
    assert table.loc[6, "country"] == "EE"
    assert table.loc[0, "label"] == "T1"
    assert list(table["status"].cat.categories) == list(STATUSES)


def test_thresholds(study):
    three_sectors = triangulate(study, min_sectors=3).set_index("item_id")["status"]
    assert three_sectors["T3"] == "triangulated"
    assert three_sectors["T6"] == "corroborated"
    four_interviews = triangulate(study, min_interviews=4).set_index("item_id")["status"]
    assert four_interviews["T3"] == "corroborated"
    one_of_each = triangulate(study, min_interviews=1, min_sectors=1).set_index("item_id")["status"]
    assert one_of_each["T1"] == "triangulated"
    assert one_of_each["T4"] == "unreported"


@pytest.mark.parametrize(
    "bad", [{"min_interviews": 0}, {"min_sectors": -1}, {"min_sectors": 1.5}, {"min_interviews": True}]
)
def test_thresholds_must_be_whole_numbers(study, bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        triangulate(study, **bad)


def test_demo(demo):
    table = triangulate(demo)
    assert table["item_id"].tolist() == demo.items["item_id"].tolist()
    assert set(table["status"]) <= set(STATUSES)
    reported = table[table["status"] != "unreported"]
    assert (reported["n_interviews"] >= reported["n_organisations"]).all()
    assert (reported["n_organisations"] >= reported["n_sectors"]).all()
    assert table["n_interviews"].sum() == demo.knowledge.drop_duplicates(["item_id", "interview_id"]).shape[0]
    triangulated = table[table["status"] == "triangulated"]
    assert ((triangulated["n_interviews"] >= 2) & (triangulated["n_sectors"] >= 2)).all()


def test_one_organisation_interviewed_twice_is_one_source(build):
    # P1 (police) is interviewed twice (I1, I6) and both interviews report T1: two interviews,
    # one organisation, one sector: corroborated, never triangulated.
    interviews = INTERVIEWS + [
        {
            "interview_id": "I6",
            "country": "DK",
            "date": "2010-06-01",
            "sector": "police",
            "level": "national",
            "actor_id": "P1",
        }
    ]
    knowledge = [{"interview_id": i, "actor_id": "P1", "item_id": "T1"} for i in ("I1", "I6")]
    row = triangulate(build(actors=ACTORS, interviews=interviews, items=ITEMS[:1], knowledge=knowledge)).iloc[
        0
    ]
    assert (row["n_interviews"], row["n_organisations"], row["n_sectors"], row["status"]) == (
        2,
        1,
        1,
        "corroborated",
    )
    assert row["rule"] == (
        "corroborated: 2 interviews, 1 organisation, 1 sector: fewer than 2 organisations "
        "of different sectors"
    )


def test_two_sectors_repeating_one_media_story_are_not_independent(build):
    # T1: police (I1) and an NGO (I2) both have it from the media: two sectors, but one
    # second-hand source: corroborated. T2: the same two, one from official data: triangulated.
    knowledge = [
        {"interview_id": "I1", "actor_id": "P1", "item_id": "T1", "source_type": "media"},
        {"interview_id": "I2", "actor_id": "NG", "item_id": "T1", "source_type": "media"},
        {"interview_id": "I1", "actor_id": "P1", "item_id": "T2", "source_type": "official_data"},
        {"interview_id": "I2", "actor_id": "NG", "item_id": "T2", "source_type": "media"},
    ]
    table = triangulate(build(actors=ACTORS, interviews=INTERVIEWS, items=ITEMS[:2], knowledge=knowledge))
    t1, t2 = table.iloc[0], table.iloc[1]
    assert (t1["status"], t1["source_types"]) == ("corroborated", ["media"])
    assert "every report rests on media, one second-hand source" in t1["rule"]
    assert (t2["status"], t2["source_types"]) == ("triangulated", ["media", "official_data"])
    assert (
        t2["rule"]
        == "triangulated: 2 interviews, 2 organisations, 2 sectors, source types media, official_data"
    )


def test_an_interview_recorded_under_another_sector_than_its_organisation_is_an_error(build):
    # The triangulation bug: P1 (police) interviewed a second time, recorded as "ngo", would
    # count as a second sector. The loader refuses it, naming both rows.
    from impt_analysis import StudyValidationError

    interviews = INTERVIEWS + [
        {
            "interview_id": "I6",
            "country": "DK",
            "date": "2010-06-01",
            "sector": "ngo",
            "level": "local",
            "actor_id": "P1",
        }
    ]
    with pytest.raises(StudyValidationError) as err:
        build(actors=ACTORS, interviews=interviews, items=ITEMS[:1])
    messages = [str(p) for p in err.value.problems]
    assert (
        "interviews.csv, row 7, column sector: 'ngo': the respondent's organisation P1 (actors.csv, row 2) "
        "has sector 'police'"
    ) in messages
    assert any("column level: 'local'" in m and "has level 'national'" in m for m in messages)
