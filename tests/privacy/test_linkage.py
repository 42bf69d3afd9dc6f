"""The linkage attack on hand-made public exports: rows pooled by group, and rows per interview.

One country (DK), six interviews, all published as "any sector, any level" (one class of six).
The truth: I1-I3 speak for the police (national), I4-I5 for an NGO (local), I6 for a school
(education, local). Every interview reports that its own organisation knows items T1 and T2,
that child protection (national, no respondent's) knows T1, and a flow from its organisation
to child protection. So an interview's own rows touch its organisation 3 times and child
protection twice.

- Rows per interview (each interview its own group): the attack names every respondent's
  organisation, so sector, level and actor are right for 6 of 6.
- Rows pooled in one group: knowledge holds distinct rows (police, NGO and school 2 each, child
  protection 1) and the six flows add 3, 2, 1 and 6: child protection leads with 7, so the
  attack says "child protection, national" for all: sector 0, level 3 (I1-I3 are national),
  actor 0.
- Baseline, the best single guess for the class: police (3 of 6), national or local (3), the
  police actor (3).
"""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis import study_from_tables
from impt_analysis.codebook import default_codebook, label_map
from impt_analysis.privacy.deidentify import generated_text, pseudonym
from impt_analysis.privacy.disclosure import check_disclosure, linkage_attack
from impt_analysis.privacy.record import (
    DisclosureRecord,
    FrameCodes,
    GeneralisedCountry,
    GeneratedColumns,
    InterviewCounts,
    SuppressedCells,
    Withheld,
)
from impt_analysis.study import write_study

KEY = b"0123456789abcdef0123456789abcdef"
ACTORS = [
    ("P", "police", "national"),
    ("N", "ngo", "local"),
    ("S", "education", "local"),
    ("C", "child_protection", "national"),
]
RESPONDENT = {"I1": "P", "I2": "P", "I3": "P", "I4": "N", "I5": "N", "I6": "S"}
SECTOR = {a: s for a, s, _ in ACTORS}
LEVEL = {a: lv for a, _, lv in ACTORS}


def truth():
    """The confidential study."""
    actors = [
        {
            "actor_id": a,
            "name": f"the {s} desk",
            "country": "DK",
            "sector": s,
            "level": lv,
            "kind": "organisation",
        }
        for a, s, lv in ACTORS
    ]
    interviews = [
        {
            "interview_id": i,
            "country": "DK",
            "date": "2010-05-01",
            "sector": SECTOR[a],
            "level": LEVEL[a],
            "actor_id": a,
        }
        for i, a in RESPONDENT.items()
    ]
    items = [
        {
            "item_id": t,
            "country": "DK",
            "label": t,
            "info_type": "trend",
            "child_group": "other",
            "theme": "sexual_exploitation",
        }
        for t in ("T1", "T2")
    ]
    knowledge = [
        {
            "interview_id": i,
            "actor_id": actor,
            "item_id": t,
            "verification": "official",
            "source_type": "official_data",
        }
        for i, a in RESPONDENT.items()
        for actor, t in ((a, "T1"), (a, "T2"), ("C", "T1"))
    ]
    flows = [
        {
            "flow_id": f"F{i}",
            "interview_id": i,
            "source_actor": a,
            "target_actor": "C",
            "channel": "formal_report",
            "frequency": "regular",
        }
        for i, a in RESPONDENT.items()
    ]
    cases = [
        {
            "country": "DK",
            "year": 2009,
            "tier": "identified",
            "child_group": g,
            "count": n,
            "basis": "official",
            "source_actor": "P",
        }
        for g, n in (("other", 3), ("roma_children", 12))
    ]
    return study_from_tables(
        {
            "actors": actors,
            "interviews": interviews,
            "items": items,
            "knowledge": knowledge,
            "flows": flows,
            "case_counts": cases,
        },
        {"name": "dk", "title": "DK"},
    )


def public_codebook() -> pd.DataFrame:
    extra = pd.DataFrame(
        [
            {
                "code": "any_sector",
                "category": "sector",
                "label": "Any sector",
                "description": "",
                "parent": "",
            },
            {"code": "any_level", "category": "level", "label": "Any level", "description": "", "parent": ""},
        ]
    )
    return pd.concat([default_codebook(), extra], ignore_index=True)


def disclosure_record(pooled: bool) -> dict:
    """The package's ``impt:disclosure``: DK's six interviews published as one class of six (any
    sector, any level), none suppressed; of its two case counts the 3 is suppressed (primary)."""
    return DisclosureRecord(
        k=5,
        suppress_below=5,
        quasi_identifiers=("country", "year", "sector", "level"),
        rows_pooled=pooled,
        interviews=InterviewCounts(published=6, suppressed=0),
        rows_removed_with_suppressed_interviews={"knowledge": 0, "flows": 0, "barriers": 0, "codings": 0},
        generalisation=(GeneralisedCountry("DK", 6, "any", "any", 0, 6),),
        k_reached=6,
        withheld=Withheld({}, 0, 0, 0),
        removed_columns={"interviews.date": 6, "interviews.actor_id": 6},
        generated_columns=GeneratedColumns(actor_names=4, item_labels=2),
        frame_codes=FrameCodes(),
        pseudonyms={"actor": 4, "flow": 6, "interview": 6, "item": 2, "group": 1 if pooled else 6},
        rows_merged_in_groups={"knowledge": 11 if pooled else 0, "barriers": 0},
        suppressed_cells={
            "case_counts": SuppressedCells(cells=2, primary=1, secondary=0),
            "barrier_counts": SuppressedCells(cells=0, primary=0, secondary=0),
        },
        withheld_totals={"case_counts": 1, "barrier_counts": 0},
    ).to_json()


def public(pooled: bool, meta: dict | None = None, barriers=()):
    """The public export of :func:`truth`, built by hand in the contract's format.

    ``barriers``: (interview, barrier) pairs named (distinct rows per group, no blocked link).
    """
    codebook = public_codebook()
    labels = label_map(codebook)

    def actor(a):
        return pseudonym(a, "actor", KEY)

    def group(i):
        return pseudonym("DK|2010|any_sector|any_level" if pooled else i, "group", KEY)

    actors = [
        {"actor_id": actor(a), "country": "DK", "sector": s, "level": lv, "kind": "organisation"}
        for a, s, lv in ACTORS
    ]
    for row in actors:
        row["name"] = generated_text("actors", row, labels)
    interviews = [
        {
            "interview_id": pseudonym(i, "interview", KEY),
            "country": "DK",
            "year": 2010,
            "sector": "any_sector",
            "level": "any_level",
            "interview_group": group(i),
        }
        for i in RESPONDENT
    ]
    items = [
        {
            "item_id": pseudonym(t, "item", KEY),
            "country": "DK",
            "info_type": "trend",
            "child_group": "other",
            "theme": "sexual_exploitation",
            "n_interviews": 6,
            "n_organisations": 3,
            "n_sectors": 3,
        }
        for t in ("T1", "T2")
    ]
    for row in items:
        row["label"] = generated_text("items", row, labels)
    knowledge = list(
        {
            (group(i), actor(a2), pseudonym(t, "item", KEY)): None
            for i, a in RESPONDENT.items()
            for a2, t in ((a, "T1"), (a, "T2"), ("C", "T1"))
        }
    )
    knowledge = [
        {
            "interview_group": g,
            "actor_id": a,
            "item_id": t,
            "verification": "official",
            "source_type": "official_data",
        }
        for g, a, t in knowledge
    ]
    flows = [
        {
            "flow_id": pseudonym(f"F{i}", "flow", KEY),
            "interview_group": group(i),
            "source_actor": actor(a),
            "target_actor": actor("C"),
            "channel": "formal_report",
            "frequency": "regular",
        }
        for i, a in RESPONDENT.items()
    ]
    named = [
        {"interview_group": g, "barrier": b, "severity": 2}
        for g, b in dict.fromkeys((group(i), b) for i, b in barriers)
    ]
    cases = [
        {
            "country": "DK",
            "year": 2009,
            "tier": "identified",
            "child_group": "other",
            "count": "",
            "suppression": "primary",
            "basis": "official",
            "source_actor": actor("P"),
        },
        {
            "country": "DK",
            "year": 2009,
            "tier": "identified",
            "child_group": "roma_children",
            "count": 12,
            "suppression": "",
            "basis": "official",
            "source_actor": actor("P"),
        },
    ]
    return study_from_tables(
        {
            "codebook": codebook,
            "actors": actors,
            "interviews": interviews,
            "items": items,
            "knowledge": knowledge,
            "flows": flows,
            "barriers": named,
            "codings": [],
            "case_counts": cases,
        },
        {
            "name": "dk-public",
            "title": "DK (de-identified public export)",
            "impt:public": True,
            "licenses": [{"name": "CC0-1.0"}],
            "impt:disclosure": disclosure_record(pooled),
            **(meta or {}),
        },
    )


def test_rows_per_interview_give_every_respondent_away():
    attack = linkage_attack(public(pooled=False), truth(), KEY)
    assert attack.to_numpy().tolist() == [["sector", 6, 6, 3], ["level", 6, 6, 3], ["actor", 6, 6, 3]]


def test_rows_pooled_by_group_tell_no_more_than_interviews_csv():
    attack = linkage_attack(public(pooled=True), truth(), KEY)
    assert attack.to_numpy().tolist() == [["sector", 6, 0, 3], ["level", 6, 3, 3], ["actor", 6, 0, 3]]


def test_a_wrong_key_is_refused():
    with pytest.raises(ValueError, match="not in the confidential study under this key"):
        linkage_attack(public(pooled=True), truth(), b"another key of sixteen bytes")


@pytest.fixture
def folders(tmp_path):
    return {
        pooled: write_study(public(pooled), tmp_path / ("pooled" if pooled else "per-interview"))
        for pooled in (True, False)
    }


def test_the_check_fails_when_the_attack_beats_the_baseline(folders):
    check = check_disclosure(folders[False], study=truth(), key=KEY)
    assert check.linkage_beaten == ["sector", "level", "actor"] and not check.passed
    assert (
        "  - linkage attack on the respondent's sector: right for 6 of 6 interviews, against 3 from "
        "interviews.csv alone"
    ) in str(check).splitlines()
    # without the truth it cannot measure the attack, but rows naming a group of one interview fail
    alone = check_disclosure(folders[False])
    assert alone.linkage.empty and not alone.passed
    assert (
        "knowledge.csv: 18 row(s) name a group of one interview (interview_group), so the actors they touch "
        "point at its respondent" in alone.other
    )
    assert (
        "flows.csv: 6 row(s) name a group of one interview (interview_group), so the actors they touch "
        "point at its respondent" in alone.other
    )


def test_the_check_passes_pooled_rows(folders):
    """The case counts: DK's identified 3 is hidden, the 12 shown; DK's identified total (15)
    would give the 3 back, so the package must say that total is withheld."""
    check = check_disclosure(folders[True], study=truth(), key=KEY)
    assert check.linkage["attack_correct"].tolist() == [0, 3, 0] and not check.linkage_beaten
    assert check.other == ["case_counts.csv, row 2: the suppressed count follows from the totals"]
    withhold(folders[True], [{"line": "row", "country": "DK", "year": 2009, "tier": "identified"}])
    check = check_disclosure(folders[True], study=truth(), key=KEY)
    assert check.passed, str(check)
    assert check_disclosure(folders[True]).passed
    with pytest.raises(ValueError, match="together"):
        check_disclosure(folders[True], study=truth())


def withhold(folder, lines):
    import json

    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for r in descriptor["resources"]:
        if r["name"] == "case_counts":
            r["impt:suppression"] = {
                "value": "count",
                "rows": ["country", "year", "tier"],
                "columns": ["year", "tier", "child_group"],
                "withheld": lines,
            }
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def test_the_demo_export_both_ways():
    """On the demo, measured: rows per interview let the attack name most respondents' sector
    (50 of 60 against 19); pooled by group it does no better than interviews.csv."""
    from impt_analysis import load_study
    from impt_analysis.privacy.deidentify import deidentify

    study, key = load_study(), b"0123456789abcdef"
    try:
        per_interview = deidentify(study, key=key, pool_rows=False).study
    except TypeError:
        pytest.skip("deidentify has no pool_rows switch yet")
    pooled = deidentify(study, key=key).study
    off = linkage_attack(per_interview, study, key).set_index("attribute")
    on = linkage_attack(pooled, study, key).set_index("attribute")
    assert (off["attack_correct"] > off["baseline_correct"]).all()
    assert off.loc["sector", "attack_correct"] >= 2 * off.loc["sector", "baseline_correct"]
    assert (on["attack_correct"] <= on["baseline_correct"]).all()
