"""The public export: a study with planted identifiers goes in, nothing planted comes out."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import load_study, study_from_tables, write_study
from impt_analysis.cli import main
from impt_analysis.privacy.deidentify import pseudonym
from impt_analysis.privacy.publish import DisclosureError, ExportRefused, export_public

KEY = b"the secret key of this test, 32b"
NAMES = ["Ingrid Johansson", "Jan Kowalski", "Anna", "Birgit Nilsson"]
EMAILS = ["ingrid.johansson@example.se", "jan.kowalski@example.pl", "birgit@example.dk"]
PHONES = ["+46 70 123 45 67", "0048 601 234 567", "+45 33 12 34 56"]
IDS = ["DK-Johansson", "DK-Kowalski", "SE-Nilsson", "EE-Tamm", "Birgit Nilsson"]


def planted_study():
    """DK: five police/national interviews and one with the national coordinator (a rare
    country x sector x level); SE: five police/local and five NGO/local; EE: two interviews
    (never publishable at k=5: it must leave no trace). Names, e-mail addresses and telephone
    numbers are planted in actor names, item labels, notes, excerpts, an extra column, coder
    names, identifiers and the package's metadata. The package states no licence.
    """
    actors = [
        (
            "DK-Johansson-coord",
            "Ingrid Johansson, national coordinator (ingrid.johansson@example.se)",
            "DK",
            "government",
            "national",
            "national_coordinator",
        ),
        (
            "DK-Kowalski-police",
            "Police desk of Jan Kowalski, tel. +45 33 12 34 56",
            "DK",
            "police",
            "national",
            "organisation",
        ),
        ("DK-ngo", "Street NGO", "DK", "ngo", "local", "organisation"),
        ("SE-Nilsson-police", "Local police, Birgit Nilsson", "SE", "police", "local", "organisation"),
        ("SE-ngo", "Girls' shelter", "SE", "ngo", "local", "organisation"),
        ("EE-Tamm-police", "Police", "EE", "police", "national", "organisation"),
        ("EE-ngo", "NGO", "EE", "ngo", "local", "organisation"),
    ]
    actors = [dict(zip(["actor_id", "name", "country", "sector", "level", "kind"], a)) for a in actors]
    interviews = []
    plan = (
        [("DK", "police", "national", "DK-Kowalski-police")] * 5
        + [("DK", "government", "national", "DK-Johansson-coord")]
        + [("SE", "police", "local", "SE-Nilsson-police")] * 5
        + [("SE", "ngo", "local", "SE-ngo")] * 5
        + [("EE", "police", "national", "EE-Tamm-police"), ("EE", "ngo", "local", "EE-ngo")]
    )
    for n, (country, sector, level, actor) in enumerate(plan, 1):
        interviews.append(
            {
                "interview_id": f"{actor}-interview-{n:02d}",
                "country": country,
                "date": f"2010-0{1 + n % 9}-1{n % 10}",
                "sector": sector,
                "level": level,
                "actor_id": actor,
                "respondent": NAMES[n % 4],
                "notes": f"Call {NAMES[n % 4]} on {PHONES[n % 3]} or {EMAILS[n % 3]}",
            }
        )
    iv = {i["interview_id"]: i for i in interviews}
    items = [
        {
            "item_id": "DK-Anna-item",
            "country": "DK",
            "label": "Anna (14) seen with Jan Kowalski at the station",
            "info_type": "incident",
            "child_group": "young_people_in_prostitution",
            "theme": "sexual_exploitation",
        },
        {
            "item_id": "SE-item",
            "country": "SE",
            "label": "Au pairs, call +46 70 123 45 67",
            "info_type": "trend",
            "child_group": "au_pairs",
            "theme": "labour_begging_crime",
        },
        {
            "item_id": "EE-item",
            "country": "EE",
            "label": "Children begging",
            "info_type": "trend",
            "child_group": "children_begging",
            "theme": "labour_begging_crime",
        },
    ]
    item_of = {"DK": "DK-Anna-item", "SE": "SE-item", "EE": "EE-item"}
    knowledge, flows, barriers, codings = [], [], [], []
    for n, i in enumerate(interviews):
        c = i["country"]
        knowledge.append(
            {
                "interview_id": i["interview_id"],
                "actor_id": i["actor_id"],
                "item_id": item_of[c],
                "verification": "maybe",
                "source_type": "anecdote",
            }
        )
        other = {"DK": "DK-Johansson-coord", "SE": "SE-ngo", "EE": "EE-ngo"}[c]
        if other != i["actor_id"]:
            flows.append(
                {
                    "flow_id": f"flow-{i['respondent']}-{n}",
                    "interview_id": i["interview_id"],
                    "source_actor": i["actor_id"],
                    "target_actor": other,
                    "channel": "informal_contact",
                    "frequency": "ad_hoc",
                    "item_id": item_of[c],
                }
            )
        # DK: 3 and 3 interviews name the two barriers; SE: 7 and 3
        dpr = n % 2 if c != "SE" else n - 6 >= 7
        barriers.append(
            {
                "interview_id": i["interview_id"],
                "barrier": "data_protection_rules" if dpr else "lack_of_training",
                "source_actor": "",
                "target_actor": "",
                "severity": 2,
            }
        )
        excerpt = f"{NAMES[n % 4]} ({EMAILS[n % 3]}, {PHONES[n % 3]}) told us about Anna."
        codings.append(
            {
                "segment_id": f"seg-{n}",
                "interview_id": i["interview_id"],
                "code": "cross_border",
                "coder": "Birgit Nilsson" if n % 2 else "birgit@example.dk",
                "start": 10 * n,
                "end": 10 * n + len(excerpt),
                "excerpt": excerpt,
            }
        )
    case_counts = [
        ("DK", "identified", "other", 3, "DK-Kowalski-police"),
        ("DK", "identified", "roma_children", 12, "DK-Kowalski-police"),
        ("DK", "identified", "au_pairs", 30, "DK-Kowalski-police"),
        ("SE", "identified", "other", 8, "SE-Nilsson-police"),
        ("SE", "identified", "roma_children", 20, "SE-Nilsson-police"),
        ("SE", "identified", "au_pairs", 25, "SE-Nilsson-police"),
        ("EE", "identified", "other", 9, "EE-Tamm-police"),
        ("EE", "identified", "roma_children", 30, "EE-Tamm-police"),
        ("DK", "suspected", "other", 40, "DK-Johansson-coord"),
        ("SE", "suspected", "other", 50, "SE-ngo"),
    ]
    case_counts = [
        {
            "country": c,
            "year": 2009,
            "tier": t,
            "child_group": g,
            "count": n,
            "basis": "official" if t == "identified" else "maybe",
            "source_actor": a,
        }
        for c, t, g, n, a in case_counts
    ]
    # free text of the package: names in title, description, keywords and sources, an e-mail address
    # in a contributor (who is carried, without it)
    meta = {
        "name": "planted",
        "title": "A study with planted identifiers",
        "version": "2.0.0",
        "description": "Interviews led by Ingrid Johansson (ingrid.johansson@example.se) in Kuressaare",
        "keywords": ["Kowalski interviews", "trafficking"],
        "sources": [{"title": "Field notes of Birgit Nilsson", "path": "https://example.dk/nilsson"}],
        "contributors": [
            {"title": "Coastal University research group", "email": "birgit@example.dk", "roles": ["creator"]}
        ],
    }
    assert len(iv) == 18
    return study_from_tables(
        {
            "actors": actors,
            "interviews": interviews,
            "items": items,
            "knowledge": knowledge,
            "flows": flows,
            "barriers": barriers,
            "codings": codings,
            "case_counts": case_counts,
        },
        meta,
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The planted study, written to a folder and loaded from it (the export reads a real study)."""
    folder = write_study(planted_study(), tmp_path_factory.mktemp("planted") / "study")
    return load_study(folder)


LICENCE = "CC0-1.0"


@pytest.fixture(scope="module")
def exported(source, tmp_path_factory):
    return export_public(
        source, tmp_path_factory.mktemp("out") / "public", key=KEY, names=NAMES, licence=LICENCE
    )


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_nothing_planted_survives(exported):
    text = _all_text(exported.path).lower()
    for planted in (
        NAMES
        + EMAILS
        + IDS
        + [
            "kowalski",
            "johansson",
            "nilsson",
            "tamm",
            "seg-",
            "interview-",
            "flow-",
            "kuressaare",
            "planted",
            "example.dk",
        ]
    ):
        assert planted.lower() not in text, planted
    digits = re.sub(r"\D", "", text)
    for phone in PHONES:
        assert re.sub(r"\D", "", phone) not in digits
    assert KEY.decode() not in text and KEY.hex() not in text


def test_k_is_reached_on_the_output(exported):
    public = load_study(exported.path)
    classes = public.interviews.groupby(["country", "year", "sector", "level"], observed=True).size()
    assert classes.min() >= 5 and exported.check.k_reached == classes.min() == 5
    per_country = public.interviews.groupby("country").agg(
        sector=("sector", lambda s: sorted(set(s))), n=("interview_id", "size")
    )
    assert per_country.loc["DK", "sector"] == ["state_authority"]  # the coordinator is hidden in a group of 6
    assert per_country.loc["SE", "sector"] == ["ngo", "police"]  # already 5-anonymous: kept exact
    assert "EE" not in per_country.index  # two interviews: suppressed
    assert set(public.interviews["level"].astype(str)) == {"national", "local"}


def test_rows_and_counts_are_as_stated_in_disclosure_md(exported, source):
    folder = exported.path
    record = json.loads((folder / "datapackage.json").read_text())["impt:disclosure"]
    disclosure = (folder / "DISCLOSURE.md").read_text()
    public = load_study(folder)
    # interviews: 16 published, 2 (EE) suppressed: a small count, so shown as "<5" and the study's
    # total (18) not stated; 2 knowledge, 1 flow, 2 barriers, 2 codings went with them
    assert record["interviews"] == {"published": 16, "suppressed": "<5"}
    assert "| interviews in the study / published / suppressed | not stated / 16 / <5 |" in disclosure
    assert "18" not in disclosure.replace("2018", "")
    assert record["rows_removed_with_suppressed_interviews"] == {
        "knowledge": 2,
        "flows": 1,
        "barriers": 2,
        "codings": 2,
    }
    assert (
        "Rows removed with the suppressed interviews: 2 knowledge, 1 flows, 2 barriers, 2 codings."
        in disclosure
    )
    # per country: only DK and SE, with their published interviews
    assert [(g["country"], g["interviews"], g["suppressed"]) for g in record["generalisation"]] == [
        ("DK", 6, 0),
        ("SE", 10, 0),
    ]
    assert (
        "| DK | 6 | group | exact | 0 | 6 |" in disclosure
        and "| SE | 10 | exact | exact | 0 | 5 |" in disclosure
    )
    # rows name groups: DK is one group of 6, SE two of 5; knowledge and barriers are distinct rows
    # (DK: police and coordinator know the DK item; SE: one row per group), flows are kept (5 + 5)
    assert record["pseudonyms"]["group"] == 3
    assert len(public.knowledge) == 4 and len(public.flows) == 10 and len(public.codings) == 16
    assert record["rows_merged_in_groups"] == {"knowledge": 12, "barriers": 11}
    assert len(public.barriers) == 5  # DK: 2 barriers; SE police group: 1; SE NGO group: 2
    # case counts of DK and SE (EE's are left out with EE): the 3 is primary; 12, 20 and 8 close
    # the cheapest cycle (12 + 20 + 8 = 40, against 30 + 25 + 8 = 63 through the au pairs)
    cc = pd.read_csv(folder / "case_counts.csv", dtype=str, keep_default_na=False)
    assert set(cc["country"]) == {"DK", "SE"} and len(cc) == 8
    hidden = cc[cc["count"] == ""].set_index(["country", "tier", "child_group"])["suppression"].to_dict()
    assert hidden == {
        ("DK", "identified", "other"): "primary",
        ("DK", "identified", "roma_children"): "secondary",
        ("SE", "identified", "other"): "secondary",
        ("SE", "identified", "roma_children"): "secondary",
    }
    assert set(cc.loc[cc["count"] != "", "suppression"]) == {""}
    assert record["suppressed_cells"]["case_counts"] == {
        "cells": 8,
        "suppressed": 4,
        "primary": 1,
        "secondary": 3,
    }
    assert "| case-count cells suppressed | 4 of 8 (1 primary, 3 secondary) |" in disclosure
    # barrier counts: DK 3 and 3 interviews (primary), SE 7 and 3 (the 3 primary); each country's
    # and each barrier's total would give a small one away, so SE's 7 is hidden too; zeros are
    # shown (barriers.csv tells which barriers a country's groups named)
    bc = pd.read_csv(folder / "barrier_counts.csv", dtype=str, keep_default_na=False)
    hidden = bc[bc["interviews"] == ""].set_index(["country", "barrier"])["suppression"].to_dict()
    assert hidden == {
        ("DK", "data_protection_rules"): "primary",
        ("DK", "lack_of_training"): "primary",
        ("SE", "data_protection_rules"): "primary",
        ("SE", "lack_of_training"): "secondary",
    }
    assert set(bc.loc[bc["interviews"] != "", "interviews"]) == {"0"}
    assert record["suppressed_cells"]["barrier_counts"] == {
        "cells": len(bc),
        "suppressed": 4,
        "primary": 3,
        "secondary": 1,
    }
    assert f"| barrier-count cells suppressed | 4 of {len(bc)} (3 primary, 1 secondary) |" in disclosure
    # values removed are counted over the 16 published interviews
    for column in ("interviews.notes", "codings.excerpt", "interviews.respondent", "interviews.date"):
        assert f"| `{column}` | 16 |" in disclosure
    # left out: EE's two actors and the DK NGO no row refers to; EE's item
    assert record["withheld"]["actors"] == 3 and record["withheld"]["items"] == 1
    # the linkage attack is reported beside its baseline
    assert [row["attribute"] for row in record["linkage"]] == ["sector", "level", "actor"]
    for row in record["linkage"]:
        assert row["interviews"] == 16 and row["attack_correct"] <= row["baseline_correct"]
        label = {"actor": "organisation (actor)"}.get(row["attribute"], row["attribute"])
        assert f"| {label} | 16 | {row['attack_correct']} | {row['baseline_correct']} |" in disclosure


def test_a_country_of_two_interviews_leaves_no_trace(exported, source):
    """EE's two interviews cannot be 5-anonymous: no actor, item, count or line of any file names EE."""
    for path in sorted(exported.path.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert re.search(r"\bEE\b", text) is None, path.name
    public = load_study(exported.path)
    for frame in (public.actors, public.items, public.case_counts, public.interviews):
        assert "EE" not in set(frame["country"].dropna().astype(str))
    ee_actors = {pseudonym(a, "actor", KEY) for a in ("EE-Tamm-police", "EE-ngo")}
    assert ee_actors.isdisjoint(set(public.actors["actor_id"]) | set(public.flows["target_actor"]))
    assert pseudonym("EE-item", "item", KEY) not in set(public.items["item_id"])


def test_only_actors_some_published_row_refers_to_are_published(exported):
    """The DK NGO is in actors.csv of the study but in no row: it is not published."""
    public = load_study(exported.path)
    assert sorted(public.actors["actor_id"]) == sorted(
        pseudonym(a, "actor", KEY)
        for a in ("DK-Johansson-coord", "DK-Kowalski-police", "SE-Nilsson-police", "SE-ngo")
    )


def test_row_tables_name_groups_never_interviews(exported):
    folder = exported.path
    interviews = pd.read_csv(folder / "interviews.csv")
    sizes = interviews.groupby("interview_group").size()
    assert sizes.min() >= 5 and len(sizes) == 3
    # a group is exactly a published class
    assert (
        (interviews.groupby("interview_group")[["country", "year", "sector", "level"]].nunique() == 1)
        .all()
        .all()
    )
    for name in ("knowledge", "flows", "barriers", "codings"):
        frame = pd.read_csv(folder / f"{name}.csv")
        assert "interview_id" not in frame.columns, name
        assert frame["interview_group"].isin(sizes.index).all(), name
        assert not frame["interview_group"].isin(interviews["interview_id"]).any()
        assert not frame.duplicated().any(), name


def test_items_carry_their_support_counted_on_the_confidential_study(exported):
    """DK item: known in the 6 DK interviews, whose respondents speak for 2 organisations of 2
    sectors (police, government); SE item: 10 interviews, 2 organisations, 2 sectors."""
    items = load_study(exported.path).items.set_index("item_id")
    support = items[["n_interviews", "n_organisations", "n_sectors"]]
    assert support.loc[pseudonym("DK-Anna-item", "item", KEY)].tolist() == [6, 2, 2]
    assert support.loc[pseudonym("SE-item", "item", KEY)].tolist() == [10, 2, 2]


def test_metadata_is_generated_and_licence_and_contributors_carried(exported, source, tmp_path):
    meta = load_study(exported.path).meta
    assert meta["title"] == (
        "De-identified public export: information flows on children at risk, 16 interviews "
        "in 2 countries, 2010"
    )
    assert "planted" not in meta["name"] and "sources" not in meta
    assert meta["licenses"] == [
        {
            "name": "CC0-1.0",
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            "title": "Creative Commons Zero v1.0 Universal",
        }
    ]
    assert meta["contributors"] == [{"title": "Coastal University research group", "roles": ["creator"]}]
    assert "IMPT Workbench" not in json.dumps(meta)
    cff = (exported.path / "CITATION.cff").read_text()
    assert "Coastal University research group" in cff and "license: CC0-1.0" in cff
    # with keep_title the study's own title, description, keywords and sources are kept, and
    # checked like everything else: the e-mail address in the description fails the check
    with pytest.raises(DisclosureError, match="datapackage.json.*ingrid.johansson@example.se"):
        export_public(source, tmp_path / "kept-mail", key=KEY, licence=LICENCE, keep_title=True)
    study = _without_mail_in_description(source)
    kept = export_public(study, tmp_path / "kept", key=KEY, licence=LICENCE, keep_title=True)
    meta = load_study(kept.path).meta
    assert meta["title"] == "A study with planted identifiers (de-identified public export)"
    assert meta["name"] == "planted-public" and meta["sources"][0]["title"] == "Field notes of Birgit Nilsson"
    assert "Kowalski interviews" in meta["keywords"] and "Ingrid Johansson" in meta["description"]
    # ... and the names in them fail the check when they are given
    with pytest.raises(DisclosureError, match="Ingrid Johansson"):
        export_public(study, tmp_path / "kept-named", key=KEY, licence=LICENCE, keep_title=True, names=NAMES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


def _without_mail_in_description(study):
    study = copy.copy(study)
    study.meta = {**study.meta, "description": "Interviews led by Ingrid Johansson in Kuressaare"}
    return study


def test_a_licence_is_required_when_the_study_states_none(source, tmp_path):
    with pytest.raises(ValueError, match="states no licence.*--licence"):
        export_public(source, tmp_path / "p", key=KEY)
    with pytest.raises(ValueError, match="not an SPDX licence identifier"):
        export_public(source, tmp_path / "p", key=KEY, licence="Jan Kowalski")
    assert list(tmp_path.iterdir()) == []


def test_the_study_s_own_licence_is_carried(tmp_path):
    study = planted_study()
    study.meta["licenses"] = [{"name": "ODbL-1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/"}]
    out = export_public(study, tmp_path / "p", key=KEY)
    assert [lic["name"] for lic in load_study(out.path).meta["licenses"]] == ["ODbL-1.0"]
    with pytest.raises(ValueError, match="states the licence ODbL-1.0"):
        export_public(study, tmp_path / "q", key=KEY, licence="CC-BY-4.0")
    assert export_public(study, tmp_path / "r", key=KEY, licence="odbl-1.0").check.passed
    # a licence stated by its URL only is carried too
    study.meta["licenses"] = [{"path": "https://creativecommons.org/licenses/by-sa/4.0/"}]
    out = export_public(study, tmp_path / "s", key=KEY)
    assert load_study(out.path).meta["licenses"] == study.meta["licenses"]
    assert (
        "license-url: https://creativecommons.org/licenses/by-sa/4.0/"
        in (out.path / "CITATION.cff").read_text()
    )


def test_what_cannot_be_protected_is_refused(source, tmp_path):
    # k=11: no country has 11 interviews in a year (SE has 10)
    with pytest.raises(ExportRefused, match=r"no interview can be published with k=11.*at most 10"):
        export_public(source, tmp_path / "p", k=11, key=KEY, licence=LICENCE)
    # every case count is below 100: the table would be wholly suppressed
    with pytest.raises(
        ExportRefused, match="every count of case_counts.csv would be suppressed.*--suppress-below"
    ):
        export_public(source, tmp_path / "p", suppress_below=100, key=KEY, licence=LICENCE)
    assert list(tmp_path.iterdir()) == []


def _solvable(values: pd.Series, hidden: pd.Series, keys: pd.DataFrame, margins: list[list[str]]) -> list:
    """Hidden cells that published totals determine: null space of the totals restricted to them."""
    cells = list(hidden[hidden].index)
    rows = []
    for margin in margins:
        for _, members in keys.groupby(margin).groups.items():
            if len(members) > 1:
                rows.append([1.0 if c in members else 0.0 for c in cells])
    A = np.array(rows)
    _, sing, vt = np.linalg.svd(A)
    null = vt[int((sing > 1e-9).sum()) :]
    # the true values solve the system; a cell is given away if every solution agrees on it
    return [c for k, c in enumerate(cells) if null.shape[0] == 0 or np.allclose(null[:, k], 0)]


def test_totals_cannot_recover_a_suppressed_cell(exported, source):
    public = load_study(exported.path)
    truth = source.case_counts[source.case_counts["country"] != "EE"]
    truth = truth.assign(tier=truth["tier"].astype(str), child_group=truth["child_group"].astype(str))
    hidden = public.case_counts.assign(
        tier=public.case_counts["tier"].astype(str), child_group=public.case_counts["child_group"].astype(str)
    )
    merged = truth.merge(hidden, on=["country", "year", "tier", "child_group"], suffixes=("", "_public"))
    assert len(merged) == len(truth)
    is_hidden = merged["count_public"].isna()
    assert is_hidden.sum() == 4
    margins = [["country", "year", "tier"], ["year", "tier", "child_group"]]
    assert _solvable(merged["count"], is_hidden, merged, margins) == []
    # the same system with only the two primary cells hidden gives both away
    primary = merged["count"].between(1, 4)
    assert sorted(_solvable(merged["count"], primary, merged, margins)) == sorted(primary[primary].index)


def test_same_key_same_package_other_key_other_pseudonyms(source, exported, tmp_path):
    again = export_public(source, tmp_path / "again", key=KEY, names=NAMES, licence=LICENCE)
    for path in sorted(exported.path.iterdir()):
        assert (again.path / path.name).read_bytes() == path.read_bytes(), path.name
    other = export_public(source, tmp_path / "other", licence=LICENCE)
    assert not other.key_given and exported.key_given and other.check.passed
    a = pd.read_csv(exported.path / "interviews.csv")
    b = pd.read_csv(other.path / "interviews.csv")
    assert set(a["interview_id"]).isdisjoint(b["interview_id"])
    assert set(a["interview_group"]).isdisjoint(b["interview_group"])
    columns = ["country", "year", "sector", "level"]
    assert (
        a[columns].sort_values(columns).to_numpy().tolist()
        == b[columns].sort_values(columns).to_numpy().tolist()
    )


def test_the_input_is_not_touched(source, tmp_path):
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.path.iterdir()}
    export_public(source, tmp_path / "p", key=KEY, licence=LICENCE)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.path.iterdir()} == digest
    with pytest.raises(ValueError, match="overlaps"):
        export_public(source, source.path, key=KEY, force=True, licence=LICENCE)
    with pytest.raises(ValueError, match="overlaps"):
        export_public(source, source.path.parent, key=KEY, force=True, licence=LICENCE)


def test_a_non_empty_folder_is_refused_unless_forced(source, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        export_public(source, out, key=KEY, licence=LICENCE)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]
    export_public(source, out, key=KEY, force=True, licence=LICENCE)
    assert not (out / "thesis.docx").exists() and (out / "DISCLOSURE.md").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_public(source, empty, key=KEY, licence=LICENCE).check.passed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty"]  # no temporary folder left


def test_a_failed_check_publishes_nothing(source, tmp_path):
    """ "Police" is in the generated actor names: the check finds it, and nothing is written."""
    with pytest.raises(DisclosureError, match="Police"):
        export_public(source, tmp_path / "p", key=KEY, names=["Police"], licence=LICENCE)
    assert list(tmp_path.iterdir()) == []


def test_the_public_export_loads_with_the_analysis_columns(exported, source):
    public = load_study(exported.path)
    assert public.public and not public.synthetic
    assert list(public.interviews.columns) == [
        "interview_id",
        "country",
        "year",
        "sector",
        "level",
        "interview_group",
    ]
    assert "excerpt" not in public.codings and "notes" not in public.interviews
    assert list(public.actors.columns) == ["actor_id", "name", "country", "sector", "level", "kind"]
    assert list(public.items.columns) == [
        "item_id",
        "country",
        "label",
        "info_type",
        "child_group",
        "theme",
        "n_interviews",
        "n_organisations",
        "n_sectors",
    ]
    assert list(public.flows.columns) == [
        "flow_id",
        "interview_group",
        "source_actor",
        "target_actor",
        "channel",
        "frequency",
        "item_id",
    ]
    assert list(public.knowledge.columns) == [
        "interview_group",
        "actor_id",
        "item_id",
        "verification",
        "source_type",
    ]
    assert list(public.case_counts.columns) == [
        "country",
        "year",
        "tier",
        "child_group",
        "count",
        "suppression",
        "basis",
        "source_actor",
    ]
    assert public.actors.groupby(["country", "sector", "level", "kind"], observed=True).size().sum() == 4
    assert sorted(public.items["label"]) == [
        "Generally accepted trend: Girls working as au pairs (Labour, begging and crime)",
        "Incident or narrative: Young people in prostitution (Sexual exploitation)",
    ]
    assert public.case_counts["count"].dtype == "Int64"
    meta = public.meta
    assert meta["licenses"][0]["name"] == LICENCE and meta["impt:source"] == {"version": "2.0.0"}


def test_frictionless_validates_the_export_and_its_foreign_keys(exported, tmp_path):
    import frictionless

    report = frictionless.validate(str(exported.path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    broken = shutil.copytree(exported.path, tmp_path / "broken")
    flows = (broken / "flows.csv").read_text().splitlines()
    flows[1] = flows[1].replace(flows[1].split(",")[2], "A-0000000000000000", 1)
    (broken / "flows.csv").write_text("\n".join(flows) + "\n")
    report = frictionless.validate(str(broken / "datapackage.json"))
    assert not report.valid and "foreign-key" in {row[0] for row in report.flatten(["type"])}
    # interview_group refers to interviews.interview_group, which is not unique (a group holds at
    # least k interviews): frictionless accepts such a reference and checks it
    group = shutil.copytree(exported.path, tmp_path / "group")
    knowledge = (group / "knowledge.csv").read_text().splitlines()
    knowledge[1] = "G-0000000000000000" + knowledge[1][len("G-0000000000000000") :]
    (group / "knowledge.csv").write_text("\n".join(knowledge) + "\n")
    report = frictionless.validate(str(group / "datapackage.json"))
    assert not report.valid
    assert [row[:2] for row in report.flatten(["type", "note"])][0][0] == "foreign-key"
    assert "interview_group" in report.flatten(["note"])[0][0]


def test_the_demo_exports_and_validates(tmp_path):
    import frictionless

    result = export_public(load_study(), tmp_path / "demo-public", key=KEY)  # the demo states its licence
    assert result.check.passed and result.record.k_reached >= 5
    meta = load_study(result.path).meta
    assert [lic["name"] for lic in meta["licenses"]] == ["CC-BY-4.0"]
    for row in result.record.linkage:
        assert row.attack_correct <= row.baseline_correct, row
    assert frictionless.validate(str(result.path / "datapackage.json")).valid
    readme = (result.path / "README.md").read_text()
    assert (
        "SYNTHETIC" in readme and "De-identified public export" in readme and "barrier_counts.csv" in readme
    )


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_writes_an_export(source, tmp_path):
    key = tmp_path / "key"
    key.write_text(KEY.hex() + "\n")
    names = tmp_path / "names.txt"
    names.write_text("# people never to be named\n" + "\n".join(NAMES) + "\n", encoding="utf-8")
    result = run(
        "export-public",
        "--data",
        source.path,
        "--out",
        tmp_path / "p",
        "--key-file",
        key,
        "--names-file",
        names,
        "--licence",
        LICENCE,
    )
    assert result.exit_code == 0, result.output
    assert "k reached 5" in result.output and "disclosure check: passed" in result.output
    assert "linkage attack on the sector" in result.output
    again = run(
        "export-public",
        "--data",
        source.path,
        "--out",
        tmp_path / "q",
        "--key-file",
        key,
        "--licence",
        LICENCE,
    )
    assert again.exit_code == 0
    assert (tmp_path / "p" / "flows.csv").read_bytes() == (tmp_path / "q" / "flows.csv").read_bytes()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "{tmp}/busy"], "already holds files"),
        (["--out", "{tmp}/p", "--key-file", "{tmp}/short.key"], "at least 16 bytes"),
        (["--out", "{tmp}/p", "--key-file", "{tmp}/missing.key"], "No such file"),
        (["--out", "{tmp}/p", "--data", "{tmp}/no-study"], "no such study folder"),
        (["--out", "{tmp}/p", "--data", "{tmp}/bad-study"], "problem(s) found"),
        (["--out", "{tmp}/p", "--names-file", "{tmp}/latin1.txt"], "not UTF-8"),
    ],
)
def test_cli_bad_input_exits_1_without_traceback(args, message, tmp_path, demo_copy):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    (tmp_path / "short.key").write_text("abc")
    (tmp_path / "latin1.txt").write_bytes("Jürgen".encode("latin-1"))
    (demo_copy / "actors.csv").write_text("actor_id\n")
    shutil.move(demo_copy, tmp_path / "bad-study")
    result = run("export-public", *[a.format(tmp=tmp_path) for a in args])
    # an --out that already holds files is a usage error (2), the same in every command; bad data is 1
    assert result.exit_code == (2 if "busy" in args[1] else 1), result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--k", "11"], "give a lower --k (at most 10)"),
        (["--suppress-below", "100"], "give a lower --suppress-below"),
        ([], "give one with --licence"),
        (["--licence", "my own licence"], "not an SPDX licence identifier"),
    ],
)
def test_cli_refuses_what_it_cannot_protect_and_writes_nothing(args, message, source, tmp_path):
    out = tmp_path / "public"
    licence = [] if "--licence" in args or not args else ["--licence", LICENCE]
    result = run(
        "export-public", "--data", source.path, "--out", out, "--key-file", _key(tmp_path), *args, *licence
    )
    # a missing --licence is a missing option (usage, 2); what the data cannot support is 1
    assert result.exit_code == (2 if not args else 1), result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1  # one sentence saying what to change
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key"]  # nothing written, no partial folder


def test_cli_keep_title(source, tmp_path):
    study = write_study(_without_mail_in_description(source), tmp_path / "study")
    result = run(
        "export-public", "--data", study, "--out", tmp_path / "p", "--licence", LICENCE, "--keep-title"
    )
    assert result.exit_code == 0, result.output
    assert (
        json.loads((tmp_path / "p" / "datapackage.json").read_text())["title"]
        == "A study with planted identifiers (de-identified public export)"
    )


def _key(folder: Path) -> Path:
    key = folder / "key"
    key.write_text(KEY.hex())
    return key


def test_cli_usage_errors_exit_2(tmp_path):
    assert run("export-public").exit_code == 2  # --out is required
    assert run("export-public", "--out", tmp_path / "p", "--k", 1).exit_code == 2
