"""De-identification: pseudonyms, generalisation, k-anonymity and generated text, worked by hand."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from impt_analysis.privacy.deidentify import (
    ExportRefused,
    deidentify,
    generalise,
    generated_text,
    k_anonymise,
    pseudonym,
    shown_count,
)
from impt_analysis.privacy.record import InterviewCounts

KEY = b"a key of sixteen bytes or more"


def test_pseudonym_is_keyed_hmac_sha256():
    expected = hmac.new(KEY, b"interview\x1fDK-I01", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("DK-I01", "interview", KEY) == f"I-{expected}"
    assert pseudonym("DK-I01", "interview", KEY) != pseudonym("DK-I01", "interview", KEY + b"!")
    # a plain hash of the identifier would not give it
    assert expected not in hashlib.sha256(b"DK-I01").hexdigest()
    assert pseudonym("DK-I01", "actor", KEY).startswith("A-")


def test_generalise_steps():
    sectors = pd.Series(["police", "ngo", "business", "customs"])  # customs: added by a study's codebook
    assert generalise(sectors, "sector", "exact").tolist() == ["police", "ngo", "business", "customs"]
    assert generalise(sectors, "sector", "group").tolist() == [
        "state_authority",
        "civil_society",
        "other_sectors",
        "other_sectors",
    ]
    assert generalise(sectors, "sector", "any").tolist() == ["any_sector"] * 4
    levels = pd.Series(["local", "regional", "national", "international"])
    assert generalise(levels, "level", "group").tolist() == [
        "local_regional",
        "local_regional",
        "national_international",
        "national_international",
    ]


def _interviews(rows):
    return pd.DataFrame(rows, columns=["country", "year", "sector", "level"])


def test_k_anonymise_keeps_detail_where_it_can():
    """k=5. DK: five police/national and one government/national (the national coordinator):
    grouping sectors makes one class of six, suppressing none (height 1). SE: five police/local
    and five ngo/local are 5-anonymous as they are. EE: two interviews can never be."""
    rows = (
        [("DK", 2010, "police", "national")] * 5
        + [("DK", 2010, "government", "national")]
        + [("SE", 2010, "police", "local")] * 5
        + [("SE", 2010, "ngo", "local")] * 5
        + [("EE", 2010, "police", "national"), ("EE", 2010, "ngo", "local")]
    )
    r = k_anonymise(_interviews(rows), k=5)
    plan = r.plan.set_index("country")
    assert plan.loc["DK", ["sector", "level", "suppressed", "k"]].tolist() == ["group", "exact", 0, 6]
    assert plan.loc["SE", ["sector", "level", "suppressed", "k"]].tolist() == ["exact", "exact", 0, 5]
    assert plan.loc["EE", "suppressed"] == 2
    assert r.interviews["sector"].tolist()[:6] == ["state_authority"] * 6
    assert r.interviews["level"].tolist()[:6] == ["national"] * 6
    assert r.kept.tolist() == [True] * 16 + [False, False]
    assert r.k_reached == 5


def test_k_anonymise_prefers_hiding_over_suppressing():
    """Seven interviews in four sectors and two levels: only hiding both reaches k=5."""
    rows = [
        ("LV", 2010, s, lv)
        for s, lv in [
            ("police", "national"),
            ("ngo", "local"),
            ("ngo", "local"),
            ("child_protection", "regional"),
            ("child_protection", "local"),
            ("government", "national"),
            ("asylum_migration", "national"),
        ]
    ]
    r = k_anonymise(_interviews(rows), k=5)
    assert r.plan[["sector", "level", "suppressed", "k"]].to_numpy().tolist() == [["any", "any", 0, 7]]
    assert set(r.interviews["sector"]) == {"any_sector"} and set(r.interviews["level"]) == {"any_level"}


def test_a_year_is_a_quasi_identifier():
    """Five interviews in 2010 and one in 2011: the one is alone in its year, whatever is hidden."""
    rows = [("FI", 2010, "police", "national")] * 5 + [("FI", 2011, "police", "national")]
    r = k_anonymise(_interviews(rows), k=5)
    assert r.kept.tolist() == [True] * 5 + [False]


def test_generated_text_uses_the_codebook_labels():
    labels = {
        ("info_type", "trend"): "Generally accepted trend",
        ("child_group", "au_pairs"): "Au pairs",
        ("theme", "asylum_migration"): "Asylum and migration",
    }
    row = {"info_type": "trend", "child_group": "au_pairs", "theme": "asylum_migration"}
    assert generated_text("items", row, labels) == "Generally accepted trend: Au pairs (Asylum and migration)"
    with pytest.raises(ValueError):
        generated_text("flows", row, labels)


def _two_interviews(build, counts):
    actors = [
        {
            "actor_id": "A1",
            "name": "Jens Hansen's office",
            "country": "DK",
            "sector": "police",
            "level": "national",
            "kind": "organisation",
        },
        {
            "actor_id": "A2",
            "name": "Night shelter",
            "country": "DK",
            "sector": "ngo",
            "level": "local",
            "kind": "organisation",
        },
    ]
    interviews = [
        {
            "interview_id": f"DK-I{i}",
            "country": "DK",
            "date": f"2010-05-0{i}",
            "sector": "police",
            "level": "national",
            "actor_id": "A1",
            "notes": "met Jens",
        }
        for i in (1, 2)
    ]
    return build(
        actors,
        flows=[{"source_actor": "A2", "target_actor": "A1"}],
        interviews=interviews,
        case_counts=[
            {
                "country": "DK",
                "year": 2009,
                "tier": "identified",
                "child_group": group,
                "count": n,
                "basis": "official",
                "source_actor": "A1",
            }
            for group, n in counts
        ],
    )


def test_deidentify_small_study(build):
    """Two DK interviews (k=2): ids become pseudonyms, names generated text, the date its year,
    the rows name the interviews' group; case counts 3 (primary), 12 and 0 (shown: a true zero).
    Which cells protect the 3 is the suppression module's to decide (tested there)."""
    study = _two_interviews(build, [("other", 3), ("roma_children", 12), ("au_pairs", 0)])
    d = deidentify(study, k=2, key=KEY)
    iv = d.study.interviews
    assert list(iv.columns) == ["interview_id", "country", "year", "sector", "level", "interview_group"]
    assert iv["year"].tolist() == [2010, 2010]
    assert sorted(iv["interview_id"]) == sorted(pseudonym(f"DK-I{i}", "interview", KEY) for i in (1, 2))
    group = pseudonym("DK\x1f2010\x1fpolice\x1fnational", "group", KEY)
    assert iv["interview_group"].tolist() == [group, group] and group.startswith("G-")
    assert (
        d.study.actors.set_index("actor_id").loc[pseudonym("A1", "actor", KEY), "name"]
        == "Police (National, Organisation)"
    )
    assert d.study.flows["source_actor"].tolist() == [pseudonym("A2", "actor", KEY)]
    assert d.study.flows["interview_group"].tolist() == [group] and "interview_id" not in d.study.flows
    cc = d.study.case_counts.assign(child_group=lambda f: f["child_group"].astype(str)).set_index(
        "child_group"
    )
    reason = cc["suppression"].fillna("")
    assert reason["other"] == "primary" and reason["au_pairs"] == ""  # the 3 is hidden, the true zero shown
    assert cc.loc["au_pairs", "count"] == 0
    assert (cc["count"].isna() == reason.ne("")).all()  # empty exactly where a reason is given
    assert set(reason) <= {"", "primary", "secondary"}
    assert d.record.removed_columns == {
        "interviews.date": 2,
        "interviews.actor_id": 2,
        "interviews.notes": 2,
        "knowledge.evidence": 0,
        "flows.evidence": 0,
        "barriers.evidence": 0,
        "codings.excerpt": 0,
        "codings.start": 0,
        "codings.end": 0,
        "case_counts.evidence": 0,
    }
    cells = d.record.suppressed_cells["case_counts"]
    assert (cells.cells, cells.primary) == (3, 1)
    assert cells.suppressed == cells.primary + cells.secondary == int(reason.ne("").sum())
    assert d.record.interviews == InterviewCounts(published=2, suppressed=0)
    assert d.record.interviews.in_study == 2
    # barrier counts: DK x every barrier of the codebook, all zero here
    bc = d.aggregates["barrier_counts"]
    assert len(bc) == (d.study.codebook["category"] == "barrier").sum()
    assert bc["interviews"].eq(0).all() and bc["suppression"].eq("").all()


def test_a_wholly_suppressed_table_is_refused(build):
    """A lone case count of 3 would be published as nothing but a hidden cell."""
    with pytest.raises(ExportRefused, match="every count of case_counts.csv would be suppressed"):
        deidentify(_two_interviews(build, [("other", 3)]), k=2, key=KEY)


def test_no_interview_reaching_k_is_refused(build):
    with pytest.raises(
        ExportRefused, match=r"with k=3: no country has 3 interviews in the same year \(the most is 2\)"
    ):
        deidentify(_two_interviews(build, []), k=3, key=KEY)


SUPPORT_ACTORS = [
    {"actor_id": a, "country": "DK", "sector": s, "level": lv, "kind": "organisation"}
    for a, s, lv in [
        ("P1", "police", "national"),
        ("P2", "police", "national"),
        ("N1", "ngo", "local"),
        ("N2", "faith_based", "local"),
    ]
]


def support_study(build):
    """Six DK interviews, k=2. I1-I3 police/national (I1 and I3 speak for P1, I2 for P2), I4 NGO
    (N1), I5 faith-based (N2), both local; I6 (P2) is alone in 2011 and suppressed.
    T1 is reported in I1, I2, I3, I4 and I6; T2 in I5 only; T3 only in a flow."""
    interviews = [
        {"interview_id": f"I{n}", "country": "DK", "date": date, "sector": s, "level": lv, "actor_id": a}
        for n, (a, s, lv, date) in enumerate(
            [
                ("P1", "police", "national", "2010-03-01"),
                ("P2", "police", "national", "2010-03-02"),
                ("P1", "police", "national", "2010-03-03"),
                ("N1", "ngo", "local", "2010-03-04"),
                ("N2", "faith_based", "local", "2010-03-05"),
                ("P2", "police", "national", "2011-03-01"),
            ],
            1,
        )
    ]
    knowledge = [
        {"interview_id": i, "actor_id": a, "item_id": t}
        for i, a, t in [
            ("I1", "P1", "T1"),
            ("I2", "P2", "T1"),
            ("I3", "P1", "T1"),
            ("I4", "N1", "T1"),
            ("I6", "P2", "T1"),
            ("I5", "N2", "T2"),
            ("I1", "P2", "T1"),
        ]
    ]
    flows = [{"source_actor": "P1", "target_actor": "N1", "item_id": "T3", "interview_id": "I4"}]
    items = [{"item_id": t, "country": "DK"} for t in ("T1", "T2", "T3")]
    return build(SUPPORT_ACTORS, interviews=interviews, knowledge=knowledge, flows=flows, items=items)


def test_items_carry_support_counted_on_published_interviews(build):
    """T1: I1, I2, I3, I4 (I6 is not published): 4 interviews, organisations P1, P2, N1 (3),
    sectors police and ngo (2). T2: 1, 1, 1. T3: in no knowledge row: 0, 0, 0."""
    d = deidentify(support_study(build), k=2, key=KEY)
    items = d.study.items.set_index("item_id")[["n_interviews", "n_organisations", "n_sectors"]]
    assert items.loc[pseudonym("T1", "item", KEY)].tolist() == [4, 3, 2]
    assert items.loc[pseudonym("T2", "item", KEY)].tolist() == [1, 1, 1]
    assert items.loc[pseudonym("T3", "item", KEY)].tolist() == [0, 0, 0]
    assert str(d.study.items["n_interviews"].dtype) == "int64"
    # I1-I3 are one group (state authority, national), I4-I5 another (civil society, local):
    # knowledge holds distinct rows per group, and I6's row is gone
    kn = d.study.knowledge
    assert "interview_id" not in kn and len(kn) == 4  # (G1, P1, T1), (G1, P2, T1), (G2, N1, T1), (G2, N2, T2)
    assert d.record.rows_merged_in_groups["knowledge"] == 2
    assert kn["interview_group"].nunique() == 2
    assert d.record.interviews == InterviewCounts(published=5, suppressed="<5")


def test_pool_rows_false_gives_each_interview_its_own_group(build):
    d = deidentify(support_study(build), k=2, key=KEY, pool_rows=False)
    iv = d.study.interviews
    assert iv["interview_group"].is_unique and len(iv) == 5
    assert set(iv["interview_group"]) == {pseudonym(f"I{n}", "group", KEY) for n in range(1, 6)}
    assert len(d.study.knowledge) == 6 and not d.record.rows_pooled


def test_placeholder_actors_of_an_import_are_not_published(build):
    """As after a REFI-QDA import: one placeholder actor per interview (A-<interview>, with the
    respondent's exact sector and level) that no row refers to; the rows touch two other actors."""
    sectors = ["police", "child_protection", "ngo", "health", "education", "police"]
    placeholders = [
        {"actor_id": f"A-DK-I{n}", "country": "DK", "sector": s, "level": "local", "kind": "organisation"}
        for n, s in enumerate(sectors, 1)
    ]
    others = [
        {"actor_id": "POL", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"},
        {
            "actor_id": "NCP",
            "country": "DK",
            "sector": "government",
            "level": "national",
            "kind": "contact_point",
        },
    ]
    interviews = [
        {
            "interview_id": f"DK-I{n}",
            "country": "DK",
            "date": "2010-04-01",
            "sector": s,
            "level": "local",
            "actor_id": f"A-DK-I{n}",
        }
        for n, s in enumerate(sectors, 1)
    ]
    flows = [
        {"source_actor": "POL", "target_actor": "NCP", "interview_id": i["interview_id"]} for i in interviews
    ]
    d = deidentify(build(placeholders + others, interviews=interviews, flows=flows), k=5, key=KEY)
    assert sorted(d.study.actors["actor_id"]) == sorted(
        [pseudonym("POL", "actor", KEY), pseudonym("NCP", "actor", KEY)]
    )
    assert d.record.withheld.actors == 6
    assert set(d.study.interviews["sector"]) == {"any_sector"}


def test_a_country_without_published_interviews_leaves_no_trace(build):
    """EE has one interview (k=2): its actors, item and case counts go, a DK flow to an EE actor
    goes, a DK flow passing the EE item keeps the flow without the item, a DK barrier on a link to
    EE keeps the barrier without the link."""
    actors = [
        {"actor_id": a, "country": c, "sector": "police", "level": "national", "kind": "organisation"}
        for a, c in [("DKP", "DK"), ("DKQ", "DK"), ("EEP", "EE")]
    ]
    interviews = [
        {
            "interview_id": i,
            "country": c,
            "date": "2010-05-01",
            "sector": "police",
            "level": "national",
            "actor_id": a,
        }
        for i, c, a in [("D1", "DK", "DKP"), ("D2", "DK", "DKP"), ("E1", "EE", "EEP")]
    ]
    flows = [
        {"source_actor": "DKP", "target_actor": "DKQ", "interview_id": "D1", "item_id": "EET"},
        {"source_actor": "DKP", "target_actor": "EEP", "interview_id": "D2"},
        {"source_actor": "EEP", "target_actor": "DKP", "interview_id": "E1"},
    ]
    items = [{"item_id": "EET", "country": "EE"}, {"item_id": "DKT", "country": "DK"}]
    knowledge = [
        {"interview_id": "D1", "actor_id": "DKP", "item_id": "DKT"},
        {"interview_id": "D2", "actor_id": "DKQ", "item_id": "EET"},
    ]
    barriers = [
        {
            "interview_id": "D1",
            "barrier": "lack_of_training",
            "source_actor": "DKP",
            "target_actor": "EEP",
            "severity": 2,
        }
    ]
    counts = [
        {
            "country": c,
            "year": 2009,
            "tier": "identified",
            "child_group": "other",
            "count": n,
            "basis": "official",
            "source_actor": a,
        }
        for c, n, a in [("DK", 10, "DKP"), ("EE", 2, "EEP")]
    ]
    study = build(
        actors,
        interviews=interviews,
        flows=flows,
        items=items,
        knowledge=knowledge,
        barriers=barriers,
        case_counts=counts,
    )
    d = deidentify(study, k=2, key=KEY)
    s = d.study
    for frame in (s.actors, s.items, s.case_counts, s.interviews, d.aggregates["barrier_counts"]):
        assert set(frame["country"].dropna().astype(str)) == {"DK"}
    eep = pseudonym("EEP", "actor", KEY)
    assert eep not in set(s.flows["target_actor"]) | set(s.flows["source_actor"]) | set(
        s.knowledge["actor_id"]
    )
    assert len(s.flows) == 1 and s.flows["item_id"].isna().all()  # the flow stands, without the EE item
    assert len(s.knowledge) == 1  # DKQ knowing the EE item goes
    assert s.barriers[["source_actor", "target_actor"]].isna().all().all() and len(s.barriers) == 1
    assert s.case_counts["count"].tolist() == [10]
    assert "EE" not in {g.country for g in d.record.generalisation}
    assert d.record.interviews == InterviewCounts(published=2, suppressed="<5")
    assert d.record.withheld.rows_removed_pointing_at_withheld_countries == {
        "case_counts": 1,
        "knowledge": 1,
        "flows": 1,
        "barriers": 0,
    }
    assert d.record.withheld.links_emptied_pointing_at_withheld_countries == 2


def test_shown_count():
    assert [shown_count(n, 5) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    assert shown_count(1, 1) == 1


def test_short_key_is_refused(build):
    study = build(
        [{"actor_id": "A1", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"}]
    )
    with pytest.raises(ValueError, match="16 bytes"):
        deidentify(study, key=b"short")


def test_a_public_export_is_not_exported_again(build):
    public = deidentify(_two_interviews(build, []), k=2, key=KEY).study
    with pytest.raises(ValueError, match="already a public export"):
        deidentify(public, key=KEY)
