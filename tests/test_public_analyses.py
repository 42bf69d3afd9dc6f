"""The analyses and the report notebooks on a de-identified public export (issues 6 and 11).

A public export has no ``interviews.actor_id``, ``year`` instead of ``date``, interview sectors
and levels perhaps generalised, no excerpts, suppressed counts, and (issue 11) rows of
knowledge, flows, barriers and codings that name a group of interviews (``interview_group``),
each distinct row once, instead of an interview. Every function the notebooks use must run on
it and either use what the export publishes (per-item counts in ``items.csv``, barrier counts
per country in ``barrier_counts.csv``) or say what it cannot know, never crash or guess.

The small study is written by hand in the public format: six interviews in two countries, and
beside it the confidential study it stands for (``truth``), so that every published answer is
checked against the true one, worked out by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import impt_analysis as impt
from impt_analysis.codebook import codes, default_codebook
from impt_analysis.reporting import plots
from impt_analysis.reporting.explore import Explorer
from impt_analysis.selection import Selection, matching_excerpts, matching_interviews, matching_items, select
from impt_analysis.study import study_from_tables

REPO = Path(__file__).resolve().parents[1]
KEY = b"a fixed key for the public tests"

# --- the confidential study -----------------------------------------------------------------
# DK: four national interviews, police (PO), prosecution (PR), NGO (NG), faith-based (FB); CO is
# the national coordinator, LS a local school that tells no one. SE: police (SP) and NGO (SN),
# SC its coordinator. With k = 2 the export publishes DK's sectors as groups (I1, I2
# state_authority: group GA; I3, I4 civil_society: group GB) and SE's as any_sector (group GC).
ACTORS = [
    {"actor_id": "PO", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"},
    {"actor_id": "PR", "country": "DK", "sector": "prosecution", "level": "national", "kind": "organisation"},
    {"actor_id": "NG", "country": "DK", "sector": "ngo", "level": "national", "kind": "organisation"},
    {"actor_id": "FB", "country": "DK", "sector": "faith_based", "level": "national", "kind": "organisation"},
    {
        "actor_id": "CO",
        "country": "DK",
        "sector": "government",
        "level": "national",
        "kind": "national_coordinator",
    },
    {"actor_id": "LS", "country": "DK", "sector": "education", "level": "local", "kind": "organisation"},
    {"actor_id": "SP", "country": "SE", "sector": "police", "level": "national", "kind": "organisation"},
    {"actor_id": "SN", "country": "SE", "sector": "ngo", "level": "national", "kind": "organisation"},
    {
        "actor_id": "SC",
        "country": "SE",
        "sector": "government",
        "level": "national",
        "kind": "national_coordinator",
    },
]
RESPONDENT = {"I1": "PO", "I2": "PR", "I3": "NG", "I4": "FB", "I5": "SP", "I6": "SN"}
GROUP = {"I1": "GA", "I2": "GA", "I3": "GB", "I4": "GB", "I5": "GC", "I6": "GC"}
PUBLISHED_SECTOR = {"GA": "state_authority", "GB": "civil_society", "GC": "any_sector"}
SECTOR = {a["actor_id"]: a["sector"] for a in ACTORS}
COUNTRY = {a["actor_id"]: a["country"] for a in ACTORS}
INTERVIEWS = [
    {
        "interview_id": i,
        "country": COUNTRY[a],
        "date": "2010-05-03",
        "sector": SECTOR[a],
        "level": "national",
        "actor_id": a,
    }
    for i, a in RESPONDENT.items()
]
ITEMS = [{"item_id": f"T{n}", "country": "DK"} for n in range(1, 7)] + [{"item_id": "S1", "country": "SE"}]
# (interview, holder, item, verification). T4 is reported nowhere. T2 is official in I1, maybe in
# I2; T5 is held only by the school, which has no path to co-ordination (side information).
KNOWLEDGE = [
    ("I1", "CO", "T1", "official"),
    ("I3", "CO", "T1", "official"),
    ("I1", "CO", "T2", "official"),
    ("I2", "CO", "T2", "maybe"),
    ("I1", "CO", "T3", "official"),
    ("I3", "LS", "T5", "anecdotal"),
    ("I4", "LS", "T5", "anecdotal"),
    ("I1", "CO", "T6", "official"),
    ("I2", "CO", "T6", "official"),
    ("I3", "CO", "T6", "official"),
    ("I5", "SC", "S1", "official"),
    ("I6", "SC", "S1", "official"),
]
FLOWS = [("F1", "I1", "PO", "CO", "regular"), ("F2", "I3", "NG", "CO", "ad_hoc")]
# (interview, barrier, source, target, severity). DK names no feedback in 2 interviews, data
# protection in 2, lack of training in 1; SE no feedback in both.
BARRIERS = [
    ("I1", "no_feedback_to_reporters", None, None, 2),
    ("I2", "no_feedback_to_reporters", None, None, 2),
    ("I2", "data_protection_rules", None, None, 1),
    ("I2", "lack_of_training", None, None, 1),
    ("I3", "data_protection_rules", "NG", "CO", 3),
    ("I5", "no_feedback_to_reporters", None, None, 1),
    ("I6", "no_feedback_to_reporters", None, None, 1),
]
# (segment, interview, code, coder, start, end): S1 double-coded in I1, S2 and S3 overlap in I3.
CODINGS = [
    ("S1", "I1", "no_feedback_to_reporters", "coder_1", 0, 10),
    ("S1", "I1", "no_feedback_to_reporters", "coder_2", 0, 10),
    ("S2", "I3", "data_protection_rules", "coder_1", 0, 10),
    ("S3", "I3", "lack_of_trust_ngo_authorities", "coder_1", 5, 15),
]


def _case(tier, group, count):
    return {
        "country": "DK",
        "year": 2009,
        "tier": tier,
        "child_group": group,
        "count": count,
        "basis": "official",
        "source_actor": "PO",
    }


# identified: 3 is suppressed (below 5), and 10 with it (else 3 = total - 10); suspected: both shown.
CASES = [
    _case("identified", "other", 3),
    _case("identified", "roma_children", 10),
    _case("suspected", "other", 10),
    _case("suspected", "roma_children", 20),
]


def _truth():
    from tests.conftest import make_study

    return make_study(
        actors=ACTORS,
        interviews=INTERVIEWS,
        items=ITEMS,
        case_counts=CASES,
        knowledge=[
            {"interview_id": i, "actor_id": a, "item_id": t, "verification": v} for i, a, t, v in KNOWLEDGE
        ],
        flows=[
            {"flow_id": f, "interview_id": i, "source_actor": s, "target_actor": t, "frequency": q}
            for f, i, s, t, q in FLOWS
        ],
        barriers=[
            {"interview_id": i, "barrier": b, "source_actor": s, "target_actor": t, "severity": v}
            for i, b, s, t, v in BARRIERS
        ],
        codings=[
            {
                "segment_id": s,
                "interview_id": i,
                "code": c,
                "coder": w,
                "start": a,
                "end": b,
                "excerpt": "x" * (b - a),
            }
            for s, i, c, w, a, b in CODINGS
        ],
    )


# --- its public export, written by hand in the contract's format ------------------------------


def _g(name: str) -> str:
    return "G-" + {"GA": "a", "GB": "b", "GC": "c"}[name] * 16


def _public_codebook() -> pd.DataFrame:
    added = [
        ("state_authority", "sector"),
        ("civil_society", "sector"),
        ("other_sectors", "sector"),
        ("any_sector", "sector"),
        ("local_regional", "level"),
        ("national_international", "level"),
        ("any_level", "level"),
    ]
    rows = pd.DataFrame(
        [
            {
                "code": c,
                "category": cat,
                "label": c.replace("_", " ").capitalize(),
                "description": "",
                "parent": "",
            }
            for c, cat in added
        ]
    )
    return pd.concat([default_codebook(), rows], ignore_index=True)


def _distinct(rows: list[dict]) -> list[dict]:
    return [dict(t) for t in dict.fromkeys(tuple(r.items()) for r in rows)]


def _support(item: str) -> dict:
    """The per-item counts of the export, worked out from the confidential rows above."""
    reporting = {i for i, _, t, _ in KNOWLEDGE if t == item}
    return {
        "n_interviews": len(reporting),
        "n_organisations": len({RESPONDENT[i] for i in reporting}),
        "n_sectors": len({SECTOR[RESPONDENT[i]] for i in reporting}),
    }


# Interviews naming each barrier per country, as the export publishes them (suppress_below = 2):
# DK lack of training (1) is primary; DK data protection (2) and SE lack of training (a true 0)
# are hidden so that it cannot be worked out from the totals.
BARRIER_COUNTS = [
    {"country": c, "barrier": b, "interviews": n, "suppression": r}
    for c, b, n, r in [
        ("DK", "no_feedback_to_reporters", 2, ""),
        ("DK", "data_protection_rules", "", "secondary"),
        ("DK", "lack_of_training", "", "primary"),
        ("DK", "corruption", 0, ""),
        ("SE", "no_feedback_to_reporters", 2, ""),
        ("SE", "data_protection_rules", 0, ""),
        ("SE", "lack_of_training", "", "secondary"),
        ("SE", "corruption", 0, ""),
    ]
]


def _public_tables() -> dict:
    published = {"PO", "NG", "CO", "LS", "SC"}  # referenced by a published row; PR, FB, SP, SN are not
    return {
        "codebook": _public_codebook(),
        "actors": [
            {**a, "name": f"{a['sector']}, {a['level']}"} for a in ACTORS if a["actor_id"] in published
        ],
        "interviews": [
            {
                "interview_id": f"I-{n:016x}",
                "country": i["country"],
                "year": 2010,
                "sector": PUBLISHED_SECTOR[GROUP[i["interview_id"]]],
                "level": "national",
                "interview_group": _g(GROUP[i["interview_id"]]),
            }
            for n, i in enumerate(INTERVIEWS, 1)
        ],
        "items": [
            {
                **i,
                "info_type": "trend",
                "child_group": "roma_children" if i["item_id"] == "T5" else "other",
                "theme": "asylum_migration",
                **_support(i["item_id"]),
            }
            for i in ITEMS
        ],
        "knowledge": _distinct(
            [
                {
                    "interview_group": _g(GROUP[i]),
                    "actor_id": a,
                    "item_id": t,
                    "verification": v,
                    "source_type": "official_data",
                }
                for i, a, t, v in KNOWLEDGE
            ]
        ),
        "flows": [
            {
                "flow_id": f,
                "interview_group": _g(GROUP[i]),
                "source_actor": s,
                "target_actor": t,
                "channel": "formal_report",
                "frequency": q,
                "item_id": "",
            }
            for f, i, s, t, q in FLOWS
        ],
        "barriers": _distinct(
            [
                {
                    "interview_group": _g(GROUP[i]),
                    "barrier": b,
                    "source_actor": s or "",
                    "target_actor": t or "",
                    "severity": v,
                }
                for i, b, s, t, v in BARRIERS
            ]
        ),
        "codings": [
            {"segment_id": s, "interview_group": _g(GROUP[i]), "code": c, "coder": w, "start": a, "end": b}
            for s, i, c, w, a, b in CODINGS
        ],
        "case_counts": [{**c, "count": "" if c["tier"] == "identified" else c["count"]} for c in CASES],
        "barrier_counts": BARRIER_COUNTS,
    }


@pytest.fixture(scope="module")
def small():
    """(the confidential six-interview study, its public export written by hand)."""
    return _truth(), study_from_tables(_public_tables(), meta={"impt:public": True, "name": "t"})


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """The demo study's public export (k = 5, the default): every interview sector is hidden."""
    from impt_analysis.privacy.publish import export_public

    out = export_public(impt.load_study(), tmp_path_factory.mktemp("demo") / "public", key=KEY)
    return impt.load_study(out.path)


def by_item(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("item_id").sort_index()


# --- the package as the analyses see it -----------------------------------------------------


def test_the_hand_made_export_is_in_the_contract_format(small):
    _, p = small
    assert p.public and "actor_id" not in p.interviews and "year" in p.interviews
    for name in ("knowledge", "flows", "barriers", "codings"):
        table = getattr(p, name)
        assert "interview_group" in table and "interview_id" not in table, name
    # Distinct rows: T5 (I3, I4, one group) and T6 in I1 and I2 are one row each.
    assert len(p.knowledge) == 9 and len(p.barriers) == 5
    assert p.barrier_counts["interviews"].dtype == "Int64"
    assert p.barrier_counts["interviews"].isna().tolist() == [r["interviews"] == "" for r in BARRIER_COUNTS]


def test_barrier_counts_are_validated_strictly(small):
    tables = _public_tables()
    bad = [dict(r) for r in BARRIER_COUNTS]
    bad[0]["suppression"] = "primary"  # a count given, but marked suppressed
    bad[1]["suppression"] = ""  # a count missing, but not marked suppressed
    bad[2]["suppression"] = "small"  # not a reason
    bad.append({"country": "FI", "barrier": "corruption", "interviews": 0, "suppression": ""})
    with pytest.raises(impt.StudyValidationError) as err:
        study_from_tables({**tables, "barrier_counts": bad}, meta={"impt:public": True})
    text = str(err.value)
    assert "barrier_counts.csv, row 2, column interviews: '2': the count is marked 'primary'" in text
    assert "row 3, column interviews: '': a count is empty only where suppressed" in text
    assert "row 4, column suppression: 'small': must be empty, 'primary' or 'secondary'" in text
    assert "row 10, column country: 'FI': no published interview from this country" in text
    with pytest.raises(impt.StudyValidationError, match="aggregate of a public export only"):
        study_from_tables({"barrier_counts": BARRIER_COUNTS})


def test_a_confidential_study_has_no_barrier_counts(small, demo):
    study, p = small
    assert study.barrier_counts is None and demo.barrier_counts is None
    assert (
        study_from_tables(
            {k: v for k, v in _public_tables().items() if k != "barrier_counts"}, meta={"impt:public": True}
        ).barrier_counts
        is None
    )


def test_load_study_reads_the_barrier_counts_of_a_package(small, tmp_path):
    from impt_analysis.study import write_study

    _, p = small
    folder = write_study(p, tmp_path / "p")
    pd.DataFrame(BARRIER_COUNTS).to_csv(folder / "barrier_counts.csv", index=False)
    loaded = impt.load_study(folder)
    assert loaded.barrier_counts["suppression"].tolist() == [r["suppression"] for r in BARRIER_COUNTS]
    assert loaded.barrier_counts["interviews"].isna().sum() == 3
    # Listed in the descriptor but missing: said, not ignored.
    (folder / "barrier_counts.csv").unlink()
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "barrier_counts", "path": "barrier_counts.csv"})
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(impt.StudyValidationError, match="barrier_counts.csv: file is missing"):
        impt.load_study(folder)


# --- triangulation and basis from the published per-item counts -----------------------------


def test_triangulate_gives_the_full_study_s_answer(small):
    study, p = small
    full = by_item(impt.triangulate(study))
    table = by_item(impt.triangulate(p))
    # T1 police + NGO, T2 police + prosecution, T5 NGO + faith-based, T6 three sectors.
    assert (
        table["status"].astype(str).to_dict()
        == full["status"].astype(str).to_dict()
        == {
            "S1": "triangulated",
            "T1": "triangulated",
            "T2": "triangulated",
            "T3": "single_source",
            "T4": "unreported",
            "T5": "triangulated",
            "T6": "triangulated",
        }
    )
    for col in ("n_interviews", "n_organisations", "n_sectors", "n_verifications"):
        assert table[col].astype(int).tolist() == full[col].tolist(), col
    assert table.loc["T6", ["n_interviews", "n_organisations", "n_sectors"]].tolist() == [3, 3, 3]
    # Which organisations and sectors is not published: None where reported, [] where not.
    assert table.loc["T1", "organisations"] is None and table.loc["T1", "sectors"] is None
    assert table.loc["T4", "organisations"] == [] and table.loc["T4", "sectors"] == []
    assert table.loc["T2", "verifications"] == ["official", "maybe"]
    assert "items.csv" in impt.triangulate(p).attrs["note"]


def test_triangulate_thresholds_on_the_export(small):
    study, p = small
    for kwargs, expected in [
        ({"min_sectors": 3}, {"T6": "triangulated", "T1": "corroborated", "T3": "single_source"}),
        ({"min_interviews": 3}, {"T6": "triangulated", "T2": "corroborated", "S1": "corroborated"}),
    ]:
        got = by_item(impt.triangulate(p, **kwargs))["status"].astype(str)
        assert got[list(expected)].to_dict() == expected
        assert got.equals(by_item(impt.triangulate(study, **kwargs))["status"].astype(str))


def test_basis_uses_the_published_counts_and_no_row_counts(small):
    study, p = small
    got = impt.basis(p, items=["T6"]).iloc[0]
    # T6 rests on 3 interviews of 3 organisations, as in the full study; its three reports are two
    # rows of the export (I1 and I2 are one group), so the reports cannot be counted.
    assert (got["n_items"], got["n_interviews"], got["n_sources"]) == (1, 3, 3)
    assert impt.basis(study, items=["T6"]).iloc[0][["n_reports", "official"]].tolist() == [3, 3]
    assert pd.isna(got["n_reports"]) and pd.isna(got["official"]) and pd.isna(got["share_official"])
    unreported = impt.basis(p, items=["T4"]).iloc[0]
    assert unreported[["n_reports", "n_interviews", "n_sources", "official"]].tolist() == [0, 0, 0, 0]
    # Several reported items: one interview may report several, so the count is not a sum.
    assert impt.basis(study, items=["T1", "T2"])["n_interviews"].iat[0] == 3
    assert pd.isna(impt.basis(p, items=["T1", "T2"])["n_interviews"].iat[0])
    assert impt.basis(p, items=["T3", "T4"])["n_interviews"].iat[0] == 1
    per_country = impt.basis(p, by="country").set_index("country")
    assert pd.isna(per_country.loc["DK", "n_sources"]) and per_country.loc["SE", "n_sources"] == 2
    assert list(per_country.reset_index().columns) == list(impt.basis(study, by="country").columns)
    assert "items.csv" in impt.basis(p).attrs["note"]


def test_a_suppressed_count_stays_missing(small):
    study, p = small
    assert impt.case_count_table(study, "DK")["count"].tolist()[:2] == [13, 30]
    table = impt.case_count_table(p, "DK").set_index("tier")
    # identified: both figures suppressed; the sum of what is left would be 0 or 10, not 13.
    assert pd.isna(table.loc["identified", "count"]) and table.loc["identified", "n_figures"] == 2
    assert table.loc["suspected", "count"] == 30
    by_tier = impt.basis(p.case_counts, by="tier").set_index("tier")
    assert pd.isna(by_tier.loc["identified", "count"]) and by_tier.loc["suspected", "count"] == 30


def test_the_scorecard_and_the_waves_on_the_export(small):
    study, p = small
    card, full = impt.scorecard(p), impt.scorecard(study)
    # DK: 4 of its 5 reported items triangulated (T3 is single-source); SE: its one item.
    assert card["share_triangulated"].tolist() == full["share_triangulated"].tolist() == [0.8, 1.0]
    assert card.equals(full)
    change = impt.compare_studies(study, p).loc["DK"]
    assert change["triangulated_items_before"] == change["triangulated_items_after"] == 4
    # Barrier rows per interview: 5 of the 4 DK interviews; the export's rows are of groups.
    assert change["barriers_per_interview_before"] == 5 / 4
    assert pd.isna(change["barriers_per_interview_after"]) and pd.isna(
        change["barriers_per_interview_change"]
    )
    assert (change["improved"], change["worse"]) == (0, 0)


# --- barriers: counts per country from barrier_counts.csv, or said unknown -------------------


def test_barrier_table_by_country_uses_the_published_counts(small):
    study, p = small
    table = impt.barrier_table(p, by="country")
    assert list(table.columns) == [
        "country",
        "barrier",
        "label",
        "interviews",
        "interviews_in_group",
        "share",
        "mentions",
        "mean_severity",
        "suppression",
    ]
    got = table.assign(barrier=table["barrier"].astype(str)).set_index(["country", "barrier"])
    # Named anywhere: data protection, no feedback, lack of training (codebook order).
    assert got.index.tolist() == [
        (c, b)
        for c in ("DK", "SE")
        for b in ("data_protection_rules", "no_feedback_to_reporters", "lack_of_training")
    ]
    assert got["interviews"].astype(object).where(got["interviews"].notna(), None).tolist() == [
        None,
        2,
        None,
        0,
        2,
        None,
    ]
    assert got["suppression"].tolist() == ["secondary", "", "primary", "", "", "secondary"]
    assert got["interviews_in_group"].tolist() == [4, 4, 4, 2, 2, 2]
    assert got["share"].isna().tolist() == [True, False, True, False, False, True]
    assert got.loc[("DK", "no_feedback_to_reporters"), "share"] == 0.5
    # The full study's counts where shown: the same.
    truth = impt.barrier_table(study, by="country")
    truth = truth.assign(barrier=truth["barrier"].astype(str)).set_index(["country", "barrier"])["interviews"]
    shown = got["interviews"].dropna()
    assert truth.reindex(shown.index).tolist() == shown.astype(int).tolist()
    assert got["mentions"].isna().all() and got["mean_severity"].isna().all()
    assert "barrier_counts.csv" in table.attrs["note"]


def test_barrier_table_over_the_whole_study_hides_a_total_with_a_hidden_part(small):
    _, p = small
    whole = (
        impt.barrier_table(p, by=None).assign(barrier=lambda t: t["barrier"].astype(str)).set_index("barrier")
    )
    assert whole.loc[
        "no_feedback_to_reporters", ["interviews", "interviews_in_group", "suppression"]
    ].tolist() == [
        4,
        6,
        "",
    ]
    assert pd.isna(whole.loc["data_protection_rules", "interviews"])  # DK's 2 is hidden: 2 + 0 is not known
    assert whole.loc["data_protection_rules", "suppression"] == "secondary"
    dk = impt.barrier_table(p, by=None, country="DK").assign(barrier=lambda t: t["barrier"].astype(str))
    assert dict(zip(dk["barrier"], dk["suppression"])) == {
        "data_protection_rules": "secondary",
        "no_feedback_to_reporters": "",
        "lack_of_training": "primary",
    }
    se = impt.barrier_table(p, by=None, country="SE")
    assert se["barrier"].astype(str).tolist() == ["no_feedback_to_reporters"] and se["share"].tolist() == [
        1.0
    ]


@pytest.mark.parametrize("by", ["sector", "level"])
def test_no_barrier_counts_by_the_respondent_s_sector_or_level(small, by):
    _, p = small
    with pytest.raises(ValueError, match=f"no barrier counts by the respondent's {by}"):
        impt.barrier_table(p, by=by)
    with pytest.raises(ValueError, match=f"respondent's {by}"):
        impt.barrier_crosstab(p, by=by)


def test_barrier_crosstab_by_country_keeps_the_reasons(small):
    _, p = small
    wide = impt.barrier_crosstab(p, by="country")
    assert wide.loc["interviews"].tolist() == [4, 2]
    training, feedback = (p.labels("barrier")[b] for b in ("lack_of_training", "no_feedback_to_reporters"))
    assert wide.attrs["suppression"].loc[training].tolist() == ["primary", "secondary"]
    assert pd.isna(wide.loc[training, "DK"]) and wide.loc[feedback, "SE"] == 2


def test_what_the_export_cannot_say_about_barriers_raises(small):
    _, p = small
    with pytest.raises(ValueError, match="barriers named together cannot be counted"):
        impt.barrier_cooccurrence(p, "DK")
    no_counts = study_from_tables(
        {k: v for k, v in _public_tables().items() if k != "barrier_counts"}, meta={"impt:public": True}
    )
    with pytest.raises(ValueError, match="has no barrier counts"):
        impt.barrier_table(no_counts, by="country")


def test_blocked_links_and_excerpts_name_the_group(small):
    _, p = small
    links = impt.blocked_links(p, "DK")
    assert links[["interview_group", "barrier", "source_actor", "target_actor", "severity"]].astype(
        str
    ).values.tolist() == [[_g("GB"), "data_protection_rules", "NG", "CO", "3"]]
    assert links[["flow_exists", "n_flows", "frequency"]].values.tolist() == [[True, 1, "ad_hoc"]]
    rows = impt.barrier_excerpts(p, "DK")
    assert rows[["interview_group", "sector", "barrier"]].astype(str).values.tolist() == [
        [_g("GA"), "state_authority", "no_feedback_to_reporters"],
        [_g("GA"), "state_authority", "no_feedback_to_reporters"],
        [_g("GB"), "civil_society", "data_protection_rules"],
        [_g("GB"), "civil_society", "lack_of_trust_ngo_authorities"],
    ]
    assert rows["excerpt"].isna().all()


def test_barrier_functions_on_a_study_without_barrier_rows(build):
    study = build(
        actors=[
            {"actor_id": "A", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"}
        ]
    )
    table = impt.barrier_table(study, by="country")
    assert len(table) == 0 and list(table.columns) == [
        "country",
        "barrier",
        "label",
        "interviews",
        "interviews_in_group",
        "share",
        "mentions",
        "mean_severity",
    ]
    assert list(impt.barrier_table(study, by=None, country="DK").columns)[:3] == [
        "barrier",
        "label",
        "interviews",
    ]
    assert impt.barrier_crosstab(study).empty and impt.barrier_cooccurrence(study, "DK").empty
    assert impt.blocked_links(study).empty and impt.barrier_excerpts(study).empty
    tables = _public_tables()
    bare = study_from_tables(
        {
            **tables,
            "barriers": [],
            "barrier_counts": [{**r, "interviews": 0, "suppression": ""} for r in BARRIER_COUNTS],
        },
        meta={"impt:public": True},
    )
    assert list(impt.barrier_table(bare, by="country").columns)[-1] == "suppression"
    assert impt.barrier_table(bare, by="country").empty


def test_the_scorecard_of_a_study_without_interviews(build):
    study = build(
        actors=[
            {
                "actor_id": "A",
                "country": "",
                "sector": "igo",
                "level": "international",
                "kind": "organisation",
            }
        ],
        interviews=[],
    )
    card = impt.scorecard(study)
    assert card.empty and card.index.name == "country"
    assert list(card.columns) == [
        *impt.regional.RECOMMENDATIONS,
        "tiers_disseminated",
        "share_triangulated",
        "met",
    ]


# --- the flow analyses, side information and codings ----------------------------------------


def test_the_flow_analyses_are_those_of_the_full_study(small):
    study, p = small
    aspects = ["coordination", "networks", "local_input"]
    assert impt.three_aspects(p)[aspects].equals(impt.three_aspects(study)[aspects])
    # Only the school has no path to co-ordination (the names are the export's, generated).
    assert impt.reach(p, "DK").drop(columns="name").equals(impt.reach(study, "DK").drop(columns="name"))
    flows = impt.cross_border_flows(p)
    assert "interview_group" in flows and flows.empty


def test_side_information_takes_the_published_count_of_interviews(small):
    study, p = small
    side, full = impt.side_information(p, "DK"), impt.side_information(study, "DK")
    assert side["item_id"].tolist() == full["item_id"].tolist() == ["T5"]
    # T5: two interviews (I3, I4), one row of the export; its published count says 2.
    assert side["n_interviews"].tolist() == full["n_interviews"].tolist() == [2]


def test_the_graph_keeps_every_row_of_a_group(small):
    _, p = small
    G = impt.build_graph(p, "DK")
    knows = [
        (a, i, k, d["verification"])
        for a, i, k, d in G.edges(keys=True, data=True)
        if d["type"] == "knows" and i == "T2"
    ]
    assert sorted(knows) == [("CO", "T2", _g("GA"), "official"), ("CO", "T2", _g("GA") + "#2", "maybe")]
    assert impt.who_knows_what(p, "DK").loc["CO", "T2"] == "official"
    tells = {d["flow_id"]: d["interview_group"] for _, _, d in G.edges(data=True) if d["type"] == "tells"}
    assert tells == {"F1": _g("GA"), "F2": _g("GB")}


def test_proposed_channels_are_reported_in_a_group(small):
    from impt_analysis.channels import with_channels

    _, p = small
    added = with_channels(p, [("LS", "CO")]).flows.iloc[-1]
    assert added["interview_group"] == _g("GA") and added["flow_id"] == "NEW1"


def test_code_frequencies_do_not_count_interviews(small):
    study, p = small
    freq = impt.code_frequencies(p).set_index("code")
    assert freq["interviews"].isna().all() and "codings name groups" in impt.code_frequencies(p).attrs["note"]
    assert freq[["segments", "applications", "coders"]].equals(
        impt.code_frequencies(study).set_index("code")[["segments", "applications", "coders"]]
    )
    by_sector = impt.code_frequencies(p, by="sector")
    assert (
        dict(zip(by_sector["code"], by_sector["sector"].astype(str)))["data_protection_rules"]
        == "civil_society"
    )
    with pytest.raises(ValueError, match="overlap is not known"):
        impt.code_cooccurrence(p)


def test_agreement_on_the_export(small):
    # Agreement compares coders by position within an interview (issue 17); the export's
    # codings name groups of interviews, so it cannot: it says so, and the confidential study answers.
    study, p = small
    assert len(impt.agreement(study, by="code"))
    for by in ("code", "country", None):
        with pytest.raises(ValueError, match="not documents"):
            impt.agreement(p, by=by)


# --- selection and explorer: by group ---------------------------------------------------------


def test_a_selection_keeps_whole_groups(small):
    _, p = small
    view = select(p, Selection(sector="civil_society"))
    assert view.interviews["interview_group"].unique().tolist() == [_g("GB")] and len(view.interviews) == 2
    assert set(view.knowledge["interview_group"]) == {_g("GB")} and len(view.flows) == 1
    # T5 is reported only in group GB: its counts stay. T1 and T6 are reported in GA too: unknown.
    items = matching_items(view).set_index("item_id")
    assert items["interviews"].astype(object).where(items["interviews"].notna(), None).to_dict() == {
        "T1": None,
        "T5": 2,
        "T6": None,
    }
    status = by_item(impt.triangulate(view))["status"]
    assert status["T5"] == "triangulated" and status[["T1", "T6"]].isna().all()
    # The selection splits Denmark: its barrier counts do not hold for the selection.
    assert view.barrier_counts is None
    assert len(select(p, Selection(country="DK")).barrier_counts) == 4


def test_a_selection_by_verification_does_not_keep_the_counts(small):
    _, p = small
    view = select(p, Selection(verification="maybe"))
    assert view.items["item_id"].tolist() == ["T2"] and view.items["n_interviews"].isna().all()
    assert set(view.interviews["interview_group"]) == {_g("GA")}


def test_matching_interviews_counts_the_group_s_rows(small):
    _, p = small
    table = matching_interviews(select(p, Selection(country="DK")))
    assert list(table.columns) == [
        "interview_id",
        "interview_group",
        "country",
        "year",
        "sector",
        "level",
        "group_knowledge",
        "group_flows",
        "group_barriers",
        "group_codings",
    ]
    first = table.iloc[0]
    assert (
        first["group_knowledge"],
        first["group_flows"],
        first["group_barriers"],
        first["group_codings"],
    ) == (5, 1, 3, 2)
    excerpts = matching_excerpts(select(p, Selection(country="DK")))
    assert list(excerpts.columns) == ["segment_id", "interview_group", "codes", "coders", "excerpt"]
    assert excerpts["coders"].tolist() == ["coder_1, coder_2", "coder_1", "coder_1"]


def test_the_explorer_on_the_export(small):
    _, p = small
    ex = Explorer(p).set(country="DK", sector="civil_society")
    assert len(ex.tables["interviews"]) == 2 and "group_knowledge" in ex.tables["interviews"]
    assert "3 rows (of groups of interviews) of who knows what" in ex.summary.value
    assert "keeps an interview with its whole group" in ex.summary.value
    assert ex.draw_static() and ex.open_tab("Network").network_pane.value.startswith("<iframe")
    ex.set(search="school")
    assert "no excerpts" in ex.summary.value


# --- every function the notebooks use runs on the demo's public export ----------------------


def _explorer(s):
    ex = Explorer(s).set(country="DK", child_group="au_pairs")
    assert ex.draw_static() and len(ex.tables["interviews"])
    ex.set(search="school")  # a public export has no excerpts: said in the summary, not raised
    assert "no excerpts" in ex.summary.value
    return ex


def _proposed(s):
    channels = impt.recommend_channels(s, "DK", k=2)
    return list(zip(channels["source_actor"], channels["target_actor"]))


CALLS = {
    "interview_table": lambda s: impt.interview_table(s, "DK"),
    "aspect_table": lambda s: impt.aspect_table(s, "DK"),
    "three_aspects": lambda s: impt.three_aspects(s),
    "compare_with_reference": lambda s: impt.compare_with_reference(s),
    "side_information": lambda s: impt.side_information(s, "DK"),
    "reach": lambda s: impt.reach(s, "DK"),
    "brokers": lambda s: impt.brokers(s, "DK"),
    "triangulate": lambda s: impt.triangulate(s),
    "basis_items": lambda s: impt.basis(s, by=["country", "info_type"]),
    "basis_cases": lambda s: impt.basis(s.case_counts, by="tier"),
    "case_count_table": lambda s: impt.case_count_table(s, "DK"),
    "barrier_table": lambda s: impt.barrier_table(s, by=None, country="DK"),
    "barrier_table_country": lambda s: impt.barrier_table(s, by="country"),
    "barrier_crosstab_country": lambda s: impt.barrier_crosstab(s, by="country"),
    "blocked_links": lambda s: impt.blocked_links(s, "DK"),
    "barrier_excerpts": lambda s: impt.barrier_excerpts(s, "DK"),
    "recommend_channels": lambda s: impt.recommend_channels(s, "DK", k=3),
    "cross_border_flows": lambda s: impt.cross_border_flows(s),
    "cross_border_matrix": lambda s: impt.cross_border_matrix(s),
    "scorecard": lambda s: impt.scorecard(s),
    "compare_studies": lambda s: impt.compare_studies(s, s),
    "code_frequencies": lambda s: impt.code_frequencies(s, by="coder"),
    "matching_interviews": lambda s: matching_interviews(select(s, Selection(country="DK"))),
    "matching_items": lambda s: matching_items(select(s, Selection(country="DK"))),
    "matching_excerpts": lambda s: matching_excerpts(select(s, Selection(country="DK"))),
    "explorer": _explorer,
    "draw_who_knows_what": lambda s: plots.draw_who_knows_what(s, "DK"),
    "draw_flows": lambda s: plots.draw_flows(s, "DK", highlight=_proposed(s)),
    "draw_barriers": lambda s: plots.draw_barriers(s, "DK"),
    "draw_three_aspects": lambda s: plots.draw_three_aspects(s),
    "draw_change": lambda s: plots.draw_change(impt.compare_studies(s, s), before=s, after=s),
}
# Questions the export has no answer to: a ValueError that says so, never a KeyError.
NO_PUBLIC_ANSWER = {
    "barrier_table_sector": (lambda s: impt.barrier_table(s, by="sector"), "respondent's sector"),
    "barrier_table_level": (lambda s: impt.barrier_table(s, by="level", country="DK"), "respondent's level"),
    "barrier_cooccurrence": (lambda s: impt.barrier_cooccurrence(s, "DK"), "named together"),
    "code_cooccurrence": (lambda s: impt.code_cooccurrence(s), "overlap is not known"),
    "agreement": (lambda s: impt.agreement(s, by="code"), "not documents"),
}


COUNTRIES = [
    "DE",
    "DK",
    "EE",
    "FI",
    "LT",
    "LV",
    "NO",
    "PL",
    "SE",
]  # the demo's nine, as the export keeps them


def _dk(public) -> int:
    """The published interviews of Denmark."""
    return int((public.interviews["country"] == "DK").sum())


def _only_dk(result, public):
    assert set(result["country"].astype(str)) == {"DK"}


def _no_excerpt(result, public):
    assert result["excerpt"].fillna("").eq("").all()  # the export holds no excerpt


def _same_study(result, public):
    for aspect in ("coordination", "networks", "local_input"):  # a study compared with itself
        assert result[f"{aspect}_before"].tolist() == result[f"{aspect}_after"].tolist()


#: What each result must be, worked out from what the call means (not read off its output).
EXPECTED = {
    "interview_table": lambda r, p: r.loc["total", "total"] == _dk(p),
    "aspect_table": lambda r, p: (
        r["aspect"].tolist()
        == ["National co-ordination", "Professional networks", "Local and regional input"]
    ),
    "three_aspects": lambda r, p: r.index.tolist() == COUNTRIES,
    "compare_with_reference": lambda r, p: (
        r[["coordination_published", "networks_published", "local_input_published"]]
        .set_axis(["coordination", "networks", "local_input"], axis=1)
        .sort_index()
        .equals(impt.reference_table().sort_index())
    ),
    "basis_cases": lambda r, p: r["tier"].astype(str).tolist() == codes(p.codebook, "tier"),
    "case_count_table": _only_dk,
    "barrier_table": lambda r, p: set(r["interviews_in_group"]) == {_dk(p)},
    "barrier_table_country": lambda r, p: (
        r.drop_duplicates("country").set_index("country")["interviews_in_group"].to_dict()
        == p.interviews["country"].value_counts().to_dict()
    ),
    "barrier_crosstab_country": lambda r, p: (
        list(r.columns) == COUNTRIES
        and r.loc["interviews"].to_dict() == p.interviews["country"].value_counts().to_dict()
    ),
    "blocked_links": lambda r, p: "interview_id" not in r.columns,
    "barrier_excerpts": _no_excerpt,
    "recommend_channels": lambda r, p: r["rank"].tolist() == [1, 2, 3],
    "cross_border_flows": lambda r, p: (r["source_country"] != r["target_country"]).all(),
    "cross_border_matrix": lambda r, p: list(r.columns) == [*COUNTRIES, "international"],
    "scorecard": lambda r, p: r.index.tolist() == COUNTRIES,
    "compare_studies": _same_study,
    "matching_interviews": lambda r, p: (
        len(r) == _dk(p) and r["interview_id"].str.fullmatch(r"I-[0-9a-f]{16}").all()
    ),
    "matching_items": _only_dk,
    "matching_excerpts": _no_excerpt,
    "explorer": lambda r, p: isinstance(r, Explorer),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_runs_on_the_public_export(public, name):
    import matplotlib.figure

    result = CALLS[name](public)
    if name.startswith("draw_"):
        assert isinstance(result, matplotlib.figure.Figure)
    elif name != "explorer":
        assert isinstance(result, pd.DataFrame)
        # no table but the interviews' names an interview
        assert "interview_id" not in result.columns or name == "matching_interviews"
    check = EXPECTED.get(name)
    if check is not None:
        assert check(result, public) in (True, None)
    if isinstance(result, pd.DataFrame) and name not in (
        "barrier_excerpts",
        "matching_excerpts",
        "cross_border_flows",
    ):
        assert len(result)


@pytest.mark.parametrize("name", list(NO_PUBLIC_ANSWER))
def test_says_what_the_public_export_cannot_answer(public, name):
    call, words = NO_PUBLIC_ANSWER[name]
    with pytest.raises(ValueError, match=words):
        call(public)


def test_the_demo_export_gives_the_demo_s_answers(public, demo):
    from impt_analysis.privacy.deidentify import pseudonym

    # Triangulation from the published counts: the demo's statuses, item by item.
    table = impt.triangulate(public).set_index("item_id")
    truth = impt.triangulate(demo)
    truth = truth.assign(item_id=[pseudonym(i, "item", KEY) for i in truth["item_id"]]).set_index("item_id")
    assert table["status"].astype(str).equals(truth.loc[table.index, "status"].astype(str))
    assert table["organisations"].map(lambda v: v in (None, [])).all()
    # A tier's count is the sum of its figures when none is suppressed, and missing otherwise.
    cases = public.case_counts
    hidden = (
        cases.assign(h=cases["count"].isna()).groupby(["country", "year", "tier"], observed=True)["h"].any()
    )
    cells = impt.case_count_table(public).set_index(["country", "year", "tier"])
    for key, is_hidden in hidden.items():
        assert pd.isna(cells.loc[key, "count"]) == is_hidden, key
    # The same three aspects as the full study: they rest on flows and actors, which are published.
    assert impt.three_aspects(public)[["coordination", "networks", "local_input"]].equals(
        impt.three_aspects(demo)[["coordination", "networks", "local_input"]]
    )
    # Barrier counts per country: the published ones, a suppressed one missing, never 0.
    barriers = impt.barrier_table(public, by="country")
    counts = public.barrier_counts
    hidden_cells = counts[counts["suppression"] != ""]
    assert len(hidden_cells) and barriers.loc[barriers["suppression"] != "", "interviews"].isna().all()
    shown = barriers[barriers["suppression"] == ""]
    full = impt.barrier_table(demo, by="country").set_index(["country", "barrier"])["interviews"]
    assert (
        shown.set_index(["country", "barrier"])["interviews"]
        .astype(int)
        .equals(full.reindex(shown.set_index(["country", "barrier"]).index))
    )


# --- the report notebooks on the public export ----------------------------------------------


def _run(notebook: str, out: Path, **parameters):
    import nbformat
    import papermill

    papermill.execute_notebook(
        str(REPO / "notebooks" / notebook),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    book = nbformat.read(out, as_version=4)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type in ("error", "stream")]
    return "\n".join(json.dumps(o.get("data", {})) for o in outputs)


def test_country_mapping_runs_on_the_public_export(public, tmp_path):
    text = _run(
        "country_mapping.ipynb", tmp_path / "dk.ipynb", data=str(public.path), country="DK", public=True
    )
    # The triangulation table is the one built from the published counts (the page may hide its
    # small values: that is the report's public formatting).
    assert "Information mapping: DK" in text and "n_organisations" in text and "Traceback" not in text


def test_regional_overview_runs_on_the_public_export(public, tmp_path):
    text = _run("regional_overview.ipynb", tmp_path / "region.ipynb", data=str(public.path), public=True)
    assert "Regional overview" in text
