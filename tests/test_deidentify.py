"""De-identification: pseudonyms, generalisation, k-anonymity and generated text, worked by hand."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from impt_analysis.deidentify import deidentify, generalise, generated_text, k_anonymise, pseudonym

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
        "state_authority", "civil_society", "other_sectors", "other_sectors"]
    assert generalise(sectors, "sector", "any").tolist() == ["any_sector"] * 4
    levels = pd.Series(["local", "regional", "national", "international"])
    assert generalise(levels, "level", "group").tolist() == [
        "local_regional", "local_regional", "national_international", "national_international"]


def _interviews(rows):
    return pd.DataFrame(rows, columns=["country", "year", "sector", "level"])


def test_k_anonymise_keeps_detail_where_it_can():
    """k=5. DK: five police/national and one government/national (the national coordinator):
    grouping sectors makes one class of six, suppressing none (height 1). SE: five police/local
    and five ngo/local are 5-anonymous as they are. EE: two interviews can never be."""
    rows = ([("DK", 2010, "police", "national")] * 5 + [("DK", 2010, "government", "national")]
            + [("SE", 2010, "police", "local")] * 5 + [("SE", 2010, "ngo", "local")] * 5
            + [("EE", 2010, "police", "national"), ("EE", 2010, "ngo", "local")])
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
    rows = [("LV", 2010, s, lv) for s, lv in [("police", "national"), ("ngo", "local"), ("ngo", "local"),
            ("child_protection", "regional"), ("child_protection", "local"), ("government", "national"),
            ("asylum_migration", "national")]]
    r = k_anonymise(_interviews(rows), k=5)
    assert r.plan[["sector", "level", "suppressed", "k"]].to_numpy().tolist() == [["any", "any", 0, 7]]
    assert set(r.interviews["sector"]) == {"any_sector"} and set(r.interviews["level"]) == {"any_level"}


def test_a_year_is_a_quasi_identifier():
    """Five interviews in 2010 and one in 2011: the one is alone in its year, whatever is hidden."""
    rows = [("FI", 2010, "police", "national")] * 5 + [("FI", 2011, "police", "national")]
    r = k_anonymise(_interviews(rows), k=5)
    assert r.kept.tolist() == [True] * 5 + [False]


def test_generated_text_uses_the_codebook_labels():
    labels = {("info_type", "trend"): "Generally accepted trend", ("child_group", "au_pairs"): "Au pairs",
              ("theme", "asylum_migration"): "Asylum and migration"}
    row = {"info_type": "trend", "child_group": "au_pairs", "theme": "asylum_migration"}
    assert generated_text("items", row, labels) == "Generally accepted trend: Au pairs (Asylum and migration)"
    with pytest.raises(ValueError):
        generated_text("flows", row, labels)


def test_deidentify_small_study(build):
    """Two DK interviews (k=2): ids become pseudonyms, names generated text, the date its year."""
    actors = [{"actor_id": "A1", "name": "Jens Hansen's office", "country": "DK", "sector": "police",
               "level": "national", "kind": "organisation"},
              {"actor_id": "A2", "name": "Night shelter", "country": "DK", "sector": "ngo", "level": "local",
               "kind": "organisation"}]
    interviews = [{"interview_id": f"DK-I{i}", "country": "DK", "date": f"2010-05-0{i}", "sector": "police",
                   "level": "national", "actor_id": "A1", "notes": "met Jens"} for i in (1, 2)]
    study = build(actors, flows=[{"source_actor": "A2", "target_actor": "A1"}], interviews=interviews,
                  case_counts=[{"country": "DK", "year": 2009, "tier": "identified", "child_group": "other",
                                "count": 3, "basis": "official", "source_actor": "A1"}])
    d = deidentify(study, k=2, key=KEY)
    iv = d.study.interviews
    assert list(iv.columns) == ["interview_id", "country", "year", "sector", "level"]
    assert iv["year"].tolist() == [2010, 2010]
    assert sorted(iv["interview_id"]) == sorted(pseudonym(f"DK-I{i}", "interview", KEY) for i in (1, 2))
    assert d.study.actors.set_index("actor_id").loc[pseudonym("A1", "actor", KEY), "name"] == \
        "Police (National, Organisation)"
    assert d.study.flows["source_actor"].tolist() == [pseudonym("A2", "actor", KEY)]
    assert d.study.case_counts["count"].isna().tolist() == [True]  # a lone 3, no total to give it away
    assert d.record["removed_columns"] == {"interviews.date": 2, "interviews.actor_id": 2, "interviews.notes": 2,
                                           "codings.excerpt": 0}
    assert d.record["suppressed_cells"]["case_counts"] == {"cells": 1, "suppressed": 1, "primary": 1,
                                                           "secondary": 0}
    # barrier counts: DK x every barrier of the codebook, all zero here
    assert len(d.aggregates["barrier_counts"]) == (d.study.codebook["category"] == "barrier").sum()
    assert d.aggregates["barrier_counts"]["interviews"].eq(0).all()


def test_short_key_is_refused(build):
    study = build([{"actor_id": "A1", "country": "DK", "sector": "police", "level": "national",
                    "kind": "organisation"}])
    with pytest.raises(ValueError, match="16 bytes"):
        deidentify(study, key=b"short")


def test_a_public_export_is_not_exported_again(build):
    study = build([{"actor_id": "A1", "country": "DK", "sector": "police", "level": "national",
                    "kind": "organisation"}])
    public = deidentify(study, k=1, key=KEY).study
    with pytest.raises(ValueError, match="already a public export"):
        deidentify(public, key=KEY)
