"""Barrier tables, co-occurrence and blocked links, worked out by hand on a small study."""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis import barrier_cooccurrence, barrier_table, blocked_links
from impt_analysis.errors import UnknownCountryError


def actor(actor_id, sector, level, country="DK", kind="organisation"):
    return {
        "actor_id": actor_id,
        "name": f"{actor_id} role",
        "country": country,
        "sector": sector,
        "level": level,
        "kind": kind,
    }


ACTORS = [
    actor("C", "child_protection", "local"),
    actor("O", "ngo", "local"),
    actor("L", "police", "local"),
    actor("S", "education", "local"),
    actor("N", "government", "national", kind="national_coordinator"),
    actor("E", "police", "national", country="EE"),
]
INTERVIEWS = [
    {
        "interview_id": f"I{n}",
        "country": country,
        "date": "2010-05-01",
        "sector": s,
        "level": lv,
        "actor_id": a,
    }
    for n, (a, country, s, lv) in enumerate(
        [
            ("C", "DK", "child_protection", "local"),
            ("O", "DK", "ngo", "local"),
            ("N", "DK", "government", "national"),
            ("E", "EE", "police", "national"),
        ],
        1,
    )
]


def barrier(interview, name, severity, source=None, target=None):
    return {
        "interview_id": interview,
        "barrier": name,
        "severity": severity,
        "source_actor": source,
        "target_actor": target,
    }


BARRIERS = [
    barrier("I1", "data_protection_rules", 2, "S", "C"),
    barrier("I1", "weak_police_child_protection_links", 3, "L", "C"),
    barrier("I1", "weak_police_child_protection_links", 1, "L", "S"),
    barrier("I2", "lack_of_trust_ngo_authorities", 2, "O", "L"),
    barrier("I2", "weak_police_child_protection_links", 1),
    barrier("I3", "no_feedback_to_reporters", 1, "C"),
    barrier("I3", "data_protection_rules", 3),
    barrier("I4", "lack_of_training", 2),
]
FLOWS = [
    {"source_actor": "L", "target_actor": "C", "frequency": "ad_hoc"},
    {"source_actor": "S", "target_actor": "C", "frequency": "regular"},
    {"source_actor": "S", "target_actor": "C", "frequency": "ad_hoc"},
    {"source_actor": "C", "target_actor": "L", "frequency": "regular"},  # the reverse of a blocked pair
]
NAMED = [
    "weak_police_child_protection_links",
    "data_protection_rules",
    "lack_of_trust_ngo_authorities",
    "no_feedback_to_reporters",
    "lack_of_training",
]  # in the codebook's order


@pytest.fixture
def study(build):
    return build(actors=ACTORS, interviews=INTERVIEWS, barriers=BARRIERS, flows=FLOWS)


def test_barrier_table_by_country(study):
    table = barrier_table(study, by="country")
    assert list(table.columns) == [
        "country",
        "barrier",
        "label",
        "interviews",
        "interviews_in_group",
        "share",
        "mentions",
        "mean_severity",
    ]
    assert table[["country", "barrier"]].astype(str).values.tolist() == [
        [c, b] for c in ("DK", "EE") for b in NAMED
    ]
    dk = table[table["country"] == "DK"].set_index("barrier")
    assert dk["interviews"].tolist() == [2, 2, 1, 1, 0]
    assert dk["interviews_in_group"].tolist() == [3] * 5
    assert dk["share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3, 1 / 3, 0])
    assert dk["mentions"].tolist() == [3, 2, 1, 1, 0]
    assert dk["mean_severity"].iloc[:4].tolist() == pytest.approx([5 / 3, 2.5, 2, 1])
    assert pd.isna(dk.loc["lack_of_training", "mean_severity"])
    assert dk.loc["data_protection_rules", "label"] == "Data protection rules"
    ee = table[table["country"] == "EE"].set_index("barrier")
    assert ee["interviews"].tolist() == [0, 0, 0, 0, 1]
    assert ee.loc["lack_of_training", "share"] == 1.0


def test_barrier_table_by_level_and_sector(study):
    level = barrier_table(study, by="level")
    assert [str(x) for x in level["level"].unique()] == ["local", "national"]
    local = level[level["level"] == "local"].set_index("barrier")
    national = level[level["level"] == "national"].set_index("barrier")
    assert local["interviews_in_group"].iat[0] == 2 and national["interviews_in_group"].iat[0] == 2
    assert local["interviews"].tolist() == [2, 1, 1, 0, 0]
    assert national["interviews"].tolist() == [0, 1, 0, 1, 1]
    assert national["share"].tolist() == pytest.approx([0, 0.5, 0, 0.5, 0.5])
    sector = barrier_table(study, by="sector")
    assert [str(x) for x in sector["sector"].unique()] == ["police", "child_protection", "ngo", "government"]
    ngo = sector[sector["sector"] == "ngo"].set_index("barrier")
    assert ngo["interviews"].tolist() == [1, 0, 1, 0, 0]


def test_barrier_table_for_the_whole_study(study):
    table = barrier_table(study, by=None).set_index("barrier")
    assert table["interviews"].tolist() == [2, 2, 1, 1, 1]
    assert (table["interviews_in_group"] == 4).all()
    with pytest.raises(ValueError, match="by must be one of"):
        barrier_table(study, by="actor")


def test_barrier_cooccurrence(study):
    dk = barrier_cooccurrence(study, country="DK")
    order = NAMED[:4]
    assert list(dk.index) == order and list(dk.columns) == order
    # I1 {weak_police, data_protection}, I2 {lack_of_trust, weak_police}, I3 {no_feedback, data_protection}
    assert dk.values.tolist() == [
        [2, 1, 1, 0],
        [1, 2, 0, 1],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
    ]
    everything = barrier_cooccurrence(study)
    assert list(everything.index) == NAMED
    assert everything.loc["lack_of_training"].tolist() == [0, 0, 0, 0, 1]
    with pytest.raises(
        UnknownCountryError, match=r"^barrier_cooccurrence: unknown country 'XX': the study has DK, EE$"
    ):
        barrier_cooccurrence(study, country="XX")


def test_barrier_cooccurrence_of_a_country_naming_none(build):
    study = build(actors=ACTORS, interviews=INTERVIEWS, barriers=BARRIERS[:1])
    empty = barrier_cooccurrence(study, country="EE")
    assert empty.shape == (0, 0)
    assert barrier_cooccurrence(study).values.tolist() == [[1]]


def test_blocked_links(study):
    links = blocked_links(study, "DK")
    assert links[["interview_id", "barrier", "source_actor", "target_actor"]].values.tolist() == [
        ["I1", "data_protection_rules", "S", "C"],
        ["I1", "weak_police_child_protection_links", "L", "C"],
        ["I1", "weak_police_child_protection_links", "L", "S"],
        ["I2", "lack_of_trust_ngo_authorities", "O", "L"],
        ["I3", "no_feedback_to_reporters", "C", None],
    ]
    assert links["flow_exists"].tolist() == [True, True, False, False, False]
    assert links["n_flows"].tolist() == [2, 1, 0, 0, 0]
    assert links["frequency"].tolist() == ["regular", "ad_hoc", None, None, None]
    assert links["severity"].tolist() == [2, 3, 1, 2, 1]
    first = links.iloc[0]
    assert (first["source_name"], first["source_sector"], first["source_level"]) == (
        "S role",
        "education",
        "local",
    )
    assert (first["target_name"], first["target_sector"], first["target_level"]) == (
        "C role",
        "child_protection",
        "local",
    )
    assert pd.isna(links.iloc[4]["target_sector"])
    assert blocked_links(study, "EE").empty
    with pytest.raises(
        UnknownCountryError, match=r"^blocked_links: unknown country 'SE': the study has DK, EE$"
    ):
        blocked_links(study, "SE")


def test_demo(demo):
    table = barrier_table(demo)
    assert table.groupby("country", observed=True).size().nunique() == 1
    assert table["share"].between(0, 1).all()
    named = demo.barriers.drop_duplicates(["interview_id", "barrier"])
    assert table["interviews"].sum() == len(named)
    assert table["mentions"].sum() == len(demo.barriers)
    for country in demo.countries:
        matrix = barrier_cooccurrence(demo, country)
        assert (matrix.values == matrix.values.T).all()
        links = blocked_links(demo, country)
        assert (links["flow_exists"] == (links["n_flows"] > 0)).all()


def test_barrier_table_of_one_country(study):
    """EE's single interview names only lack of training: one row, share 1."""
    table = barrier_table(study, by="level", country="EE")
    assert table[["level", "barrier", "interviews", "interviews_in_group", "share"]].values.tolist() == [
        ["national", "lack_of_training", 1, 1, 1.0]
    ]


def test_blocked_links_of_the_whole_study(study):
    links = blocked_links(study)
    assert links["interview_id"].tolist() == ["I1", "I1", "I1", "I2", "I3"]


def test_barrier_excerpts_only_barrier_codes(build):
    from impt_analysis.barriers import barrier_excerpts

    codings = [
        {
            "segment_id": "S1",
            "interview_id": "I1",
            "code": "data_protection_rules",
            "coder": "c1",
            "start": 0,
            "end": 5,
            "excerpt": "rules",
        },
        {
            "segment_id": "S2",
            "interview_id": "I1",
            "code": "side_information",
            "coder": "c1",
            "start": 9,
            "end": 12,
            "excerpt": "abc",
        },
        {
            "segment_id": "S3",
            "interview_id": "I4",
            "code": "lack_of_training",
            "coder": "c1",
            "start": 0,
            "end": 4,
            "excerpt": "none",
        },
    ]
    s = build(actors=ACTORS, interviews=INTERVIEWS, barriers=BARRIERS, codings=codings)
    rows = barrier_excerpts(s, "DK")
    assert rows[["segment_id", "barrier", "excerpt", "sector"]].values.tolist() == [
        ["S1", "data_protection_rules", "rules", "child_protection"]
    ]
    assert barrier_excerpts(s)["segment_id"].tolist() == ["S1", "S3"]


def test_barrier_crosstab_by_hand(study):
    """DK: I1 (local child protection) names data protection and weak police links; I2 (local
    NGO) trust and weak links; I3 (national government) feedback and data protection."""
    from impt_analysis import barrier_crosstab

    table = barrier_crosstab(study, by="level", country="DK")
    assert list(table.columns) == ["local", "national"]
    assert table.loc["Weak links between police and child protection"].tolist() == [2, 0]
    assert table.loc["Data protection rules"].tolist() == [1, 1]
    assert table.loc["interviews"].tolist() == [2, 1]
    shares = barrier_crosstab(study, by="level", country="DK", value="share")
    assert shares.loc["Data protection rules", "local"] == 0.5
