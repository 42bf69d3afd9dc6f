"""The public export: a study with planted identifiers goes in, nothing planted comes out."""

from __future__ import annotations

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
from impt_analysis.publish import DisclosureError, export_public

KEY = b"the secret key of this test, 32b"
NAMES = ["Ingrid Johansson", "Jan Kowalski", "Anna", "Birgit Nilsson"]
EMAILS = ["ingrid.johansson@example.se", "jan.kowalski@example.pl", "birgit@example.dk"]
PHONES = ["+46 70 123 45 67", "0048 601 234 567", "+45 33 12 34 56"]
IDS = ["DK-Johansson", "DK-Kowalski", "SE-Nilsson", "EE-Tamm", "Birgit Nilsson"]


def planted_study():
    """DK: five police/national interviews and one with the national coordinator (a rare
    country x sector x level); SE: five police/local and five NGO/local; EE: two interviews.
    Names, e-mail addresses and telephone numbers are planted in actor names, item labels,
    notes, excerpts, an extra column, coder names and identifiers.
    """
    actors = [
        ("DK-Johansson-coord", "Ingrid Johansson, national coordinator (ingrid.johansson@example.se)", "DK",
         "government", "national", "national_coordinator"),
        ("DK-Kowalski-police", "Police desk of Jan Kowalski, tel. +45 33 12 34 56", "DK", "police", "national",
         "organisation"),
        ("DK-ngo", "Street NGO", "DK", "ngo", "local", "organisation"),
        ("SE-Nilsson-police", "Local police, Birgit Nilsson", "SE", "police", "local", "organisation"),
        ("SE-ngo", "Girls' shelter", "SE", "ngo", "local", "organisation"),
        ("EE-Tamm-police", "Police", "EE", "police", "national", "organisation"),
        ("EE-ngo", "NGO", "EE", "ngo", "local", "organisation"),
    ]
    actors = [dict(zip(["actor_id", "name", "country", "sector", "level", "kind"], a)) for a in actors]
    interviews = []
    plan = ([("DK", "police", "national", "DK-Kowalski-police")] * 5
            + [("DK", "government", "national", "DK-Johansson-coord")]
            + [("SE", "police", "local", "SE-Nilsson-police")] * 5 + [("SE", "ngo", "local", "SE-ngo")] * 5
            + [("EE", "police", "national", "EE-Tamm-police"), ("EE", "ngo", "local", "EE-ngo")])
    for n, (country, sector, level, actor) in enumerate(plan, 1):
        interviews.append({"interview_id": f"{actor}-interview-{n:02d}", "country": country,
                           "date": f"2010-0{1 + n % 9}-1{n % 10}", "sector": sector, "level": level,
                           "actor_id": actor, "respondent": NAMES[n % 4],
                           "notes": f"Call {NAMES[n % 4]} on {PHONES[n % 3]} or {EMAILS[n % 3]}"})
    iv = {i["interview_id"]: i for i in interviews}
    items = [
        {"item_id": "DK-Anna-item", "country": "DK", "label": "Anna (14) seen with Jan Kowalski at the station",
         "info_type": "incident", "child_group": "young_people_in_prostitution", "theme": "sexual_exploitation"},
        {"item_id": "SE-item", "country": "SE", "label": "Au pairs, call +46 70 123 45 67", "info_type": "trend",
         "child_group": "au_pairs", "theme": "labour_begging_crime"},
        {"item_id": "EE-item", "country": "EE", "label": "Children begging", "info_type": "trend",
         "child_group": "children_begging", "theme": "labour_begging_crime"},
    ]
    item_of = {"DK": "DK-Anna-item", "SE": "SE-item", "EE": "EE-item"}
    knowledge, flows, barriers, codings = [], [], [], []
    for n, i in enumerate(interviews):
        c = i["country"]
        knowledge.append({"interview_id": i["interview_id"], "actor_id": i["actor_id"], "item_id": item_of[c],
                          "verification": "maybe", "source_type": "anecdote"})
        other = {"DK": "DK-Johansson-coord", "SE": "SE-ngo", "EE": "EE-ngo"}[c]
        if other != i["actor_id"]:
            flows.append({"flow_id": f"flow-{i['respondent']}-{n}", "interview_id": i["interview_id"],
                          "source_actor": i["actor_id"], "target_actor": other, "channel": "informal_contact",
                          "frequency": "ad_hoc", "item_id": item_of[c]})
        barriers.append({"interview_id": i["interview_id"], "barrier": "data_protection_rules" if n % 2 else
                         "lack_of_training", "source_actor": "", "target_actor": "", "severity": 2})
        codings.append({"segment_id": f"seg-{n}", "interview_id": i["interview_id"], "code": "cross_border",
                        "coder": "Birgit Nilsson" if n % 2 else "birgit@example.dk", "start": 10 * n,
                        "end": 10 * n + 40,
                        "excerpt": f"{NAMES[n % 4]} ({EMAILS[n % 3]}, {PHONES[n % 3]}) told us about Anna."})
    case_counts = [
        ("DK", "identified", "other", 3, "DK-Kowalski-police"), ("DK", "identified", "roma_children", 12,
                                                                 "DK-Kowalski-police"),
        ("SE", "identified", "other", 8, "SE-Nilsson-police"), ("SE", "identified", "roma_children", 20,
                                                                "SE-Nilsson-police"),
        ("EE", "identified", "other", 9, "EE-Tamm-police"), ("EE", "identified", "roma_children", 30,
                                                             "EE-Tamm-police"),
        ("DK", "suspected", "other", 40, "DK-Johansson-coord"), ("SE", "suspected", "other", 2, "SE-ngo"),
    ]
    case_counts = [{"country": c, "year": 2009, "tier": t, "child_group": g, "count": n,
                    "basis": "official" if t == "identified" else "maybe", "source_actor": a}
                   for c, t, g, n, a in case_counts]
    meta = {"name": "planted", "title": "A study with planted identifiers", "version": "2.0.0"}
    assert len(iv) == 18
    return study_from_tables({"actors": actors, "interviews": interviews, "items": items, "knowledge": knowledge,
                              "flows": flows, "barriers": barriers, "codings": codings,
                              "case_counts": case_counts}, meta)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The planted study, written to a folder and loaded from it (the export reads a real study)."""
    folder = write_study(planted_study(), tmp_path_factory.mktemp("planted") / "study")
    return load_study(folder)


@pytest.fixture(scope="module")
def exported(source, tmp_path_factory):
    return export_public(source, tmp_path_factory.mktemp("out") / "public", key=KEY, names=NAMES)


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_nothing_planted_survives(exported):
    text = _all_text(exported.path).lower()
    for planted in NAMES + EMAILS + IDS + ["kowalski", "johansson", "nilsson", "tamm", "seg-", "interview-", "flow-"]:
        assert planted.lower() not in text, planted
    digits = re.sub(r"\D", "", text)
    for phone in PHONES:
        assert re.sub(r"\D", "", phone) not in digits
    assert KEY.decode() not in text and KEY.hex() not in text


def test_k_is_reached_on_the_output(exported):
    public = load_study(exported.path)
    classes = public.interviews.groupby(["country", "year", "sector", "level"], observed=True).size()
    assert classes.min() >= 5 and exported.check.k_reached == classes.min() == 5
    per_country = public.interviews.groupby("country").agg(sector=("sector", lambda s: sorted(set(s))),
                                                           n=("interview_id", "size"))
    assert per_country.loc["DK", "sector"] == ["state_authority"]  # the coordinator is hidden in a group of 6
    assert per_country.loc["SE", "sector"] == ["ngo", "police"]  # already 5-anonymous: kept exact
    assert "EE" not in per_country.index  # two interviews: suppressed
    assert set(public.interviews["level"].astype(str)) == {"national", "local"}


def test_rows_and_counts_are_as_stated_in_disclosure_md(exported, source):
    folder = exported.path
    record = json.loads((folder / "datapackage.json").read_text())["impt:disclosure"]
    disclosure = (folder / "DISCLOSURE.md").read_text()
    public = load_study(folder)
    # interviews: 18 in, 16 published, 2 (EE) suppressed, with 2 knowledge, 1 flow, 2 barriers, 2 codings
    assert record["interviews"] == {"in_study": 18, "published": 16, "suppressed": 2}
    assert "| interviews in the study / published / suppressed | 18 / 16 / 2 |" in disclosure
    assert record["rows_removed_with_suppressed_interviews"] == {"knowledge": 2, "flows": 1, "barriers": 2,
                                                                 "codings": 2}
    assert "Rows removed with the suppressed interviews: 2 knowledge, 1 flows, 2 barriers, 2 codings." in disclosure
    assert len(public.knowledge) == len(source.knowledge) - 2 and len(public.flows) == len(source.flows) - 1
    assert len(public.codings) == len(source.codings) - 2
    # case counts: primary DK identified other (3) and SE suspected other (2); secondary, worked by
    # hand: DK identified roma (12), SE identified roma (20) and other (8) close the cheapest cycle
    # (12 + 20 + 8 = 40 against 12 + 30 + 9 = 51 through EE), DK suspected other (40) pairs with the 2.
    cc = pd.read_csv(folder / "case_counts.csv", dtype=str, keep_default_na=False)
    hidden = cc[cc["count"] == ""][["country", "tier", "child_group"]].apply(tuple, axis=1)
    assert sorted(hidden) == sorted([("DK", "identified", "other"), ("DK", "identified", "roma_children"),
                                     ("SE", "identified", "other"), ("SE", "identified", "roma_children"),
                                     ("DK", "suspected", "other"), ("SE", "suspected", "other")])
    assert record["suppressed_cells"]["case_counts"] == {"cells": 8, "suppressed": 6, "primary": 2, "secondary": 4}
    assert "| case-count cells suppressed | 6 of 8 (2 primary, 4 secondary) |" in disclosure
    # barrier counts: DK 3 and 3 interviews (primary), SE 5 and 5; each barrier's total over the
    # two countries would give DK's 3 away, so SE's 5s are hidden too (secondary); zeros are shown
    bc = pd.read_csv(folder / "barrier_counts.csv", dtype=str, keep_default_na=False)
    hidden = bc[bc["interviews"] == ""][["country", "barrier"]].apply(tuple, axis=1)
    assert sorted(hidden) == [("DK", "data_protection_rules"), ("DK", "lack_of_training"),
                              ("SE", "data_protection_rules"), ("SE", "lack_of_training")]
    assert set(bc.loc[bc["interviews"] != "", "interviews"]) == {"0"}
    assert record["suppressed_cells"]["barrier_counts"] == {"cells": len(bc), "suppressed": 4, "primary": 2,
                                                            "secondary": 2}
    assert f"| barrier-count cells suppressed | 4 of {len(bc)} (2 primary, 2 secondary) |" in disclosure
    for column in ("interviews.notes", "codings.excerpt", "interviews.respondent", "interviews.date"):
        assert f"| `{column}` | 18 |" in disclosure


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
    null = vt[int((sing > 1e-9).sum()):]
    # the true values solve the system; a cell is given away if every solution agrees on it
    return [c for k, c in enumerate(cells) if null.shape[0] == 0 or np.allclose(null[:, k], 0)]


def test_totals_cannot_recover_a_suppressed_cell(exported, source):
    public = load_study(exported.path)
    truth = source.case_counts.assign(tier=source.case_counts["tier"].astype(str),
                                       child_group=source.case_counts["child_group"].astype(str))
    hidden = public.case_counts.assign(tier=public.case_counts["tier"].astype(str),
                                       child_group=public.case_counts["child_group"].astype(str))
    merged = truth.merge(hidden, on=["country", "year", "tier", "child_group"], suffixes=("", "_public"))
    assert len(merged) == len(truth)
    is_hidden = merged["count_public"].isna()
    assert is_hidden.sum() == 6
    margins = [["country", "year", "tier"], ["year", "tier", "child_group"]]
    assert _solvable(merged["count"], is_hidden, merged, margins) == []
    # the same system with only the two primary cells hidden gives both away
    primary = merged["count"].between(1, 4)
    assert sorted(_solvable(merged["count"], primary, merged, margins)) == sorted(primary[primary].index)


def test_same_key_same_package_other_key_other_pseudonyms(source, exported, tmp_path):
    again = export_public(source, tmp_path / "again", key=KEY, names=NAMES)
    for path in sorted(exported.path.iterdir()):
        assert (again.path / path.name).read_bytes() == path.read_bytes(), path.name
    other = export_public(source, tmp_path / "other")
    assert not other.key_given and exported.key_given
    a = pd.read_csv(exported.path / "interviews.csv")
    b = pd.read_csv(other.path / "interviews.csv")
    assert set(a["interview_id"]).isdisjoint(b["interview_id"])
    assert a.drop(columns="interview_id").sort_values(list(a.columns[1:])).to_numpy().tolist() == \
        b.drop(columns="interview_id").sort_values(list(b.columns[1:])).to_numpy().tolist()


def test_the_input_is_not_touched(source, tmp_path):
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.path.iterdir()}
    export_public(source, tmp_path / "p", key=KEY)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.path.iterdir()} == digest
    with pytest.raises(ValueError, match="overlaps"):
        export_public(source, source.path, key=KEY, force=True)
    with pytest.raises(ValueError, match="overlaps"):
        export_public(source, source.path.parent, key=KEY, force=True)


def test_a_non_empty_folder_is_refused_unless_forced(source, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        export_public(source, out, key=KEY)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]
    export_public(source, out, key=KEY, force=True)
    assert not (out / "thesis.docx").exists() and (out / "DISCLOSURE.md").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_public(source, empty, key=KEY).check.passed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty"]  # no temporary folder left


def test_a_failed_check_publishes_nothing(source, tmp_path):
    """"Police" is in the generated actor names: the check finds it, and nothing is written."""
    with pytest.raises(DisclosureError, match="a given name: 'Police'"):
        export_public(source, tmp_path / "p", key=KEY, names=["Police"])
    assert list(tmp_path.iterdir()) == []


def test_the_public_export_loads_with_the_analysis_columns(exported, source):
    public = load_study(exported.path)
    assert public.public and not public.synthetic
    assert list(public.interviews.columns) == ["interview_id", "country", "year", "sector", "level"]
    assert "excerpt" not in public.codings and "notes" not in public.interviews
    assert list(public.actors.columns) == ["actor_id", "name", "country", "sector", "level", "kind"]
    assert list(public.items.columns) == ["item_id", "country", "label", "info_type", "child_group", "theme"]
    assert list(public.flows.columns) == list(source.flows.columns)
    assert list(public.knowledge.columns) == list(source.knowledge.columns)
    assert public.actors.groupby(["country", "sector", "level", "kind"], observed=True).size().sum() == 7
    assert sorted(public.items["label"]) == [
        "Generally accepted trend: Children begging (Labour, begging and crime)",
        "Generally accepted trend: Girls working as au pairs (Labour, begging and crime)",
        "Incident or narrative: Young people in prostitution (Sexual exploitation)"]
    assert public.case_counts["count"].dtype == "Int64"
    meta = public.meta
    assert meta["licenses"][0]["name"] == "CC-BY-4.0" and meta["impt:source"] == {"name": "planted", "version": "2.0.0"}


def test_frictionless_validates_the_export_and_its_foreign_keys(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(exported.path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    broken = shutil.copytree(exported.path, tmp_path / "broken")
    flows = (broken / "flows.csv").read_text().splitlines()
    flows[1] = flows[1].replace(flows[1].split(",")[2], "A-0000000000000000", 1)
    (broken / "flows.csv").write_text("\n".join(flows) + "\n")
    report = frictionless.validate(str(broken / "datapackage.json"))
    assert not report.valid and "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_the_demo_exports_and_validates(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    result = export_public(load_study(), tmp_path / "demo-public", key=KEY)
    assert result.check.passed and result.record["k_reached"] >= 5
    assert frictionless.validate(str(result.path / "datapackage.json")).valid
    readme = (result.path / "README.md").read_text()
    assert "SYNTHETIC" in readme and "De-identified public export" in readme and "barrier_counts.csv" in readme


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_writes_an_export(source, tmp_path):
    key = tmp_path / "key"
    key.write_text(KEY.hex() + "\n")
    names = tmp_path / "names.txt"
    names.write_text("# people never to be named\n" + "\n".join(NAMES) + "\n", encoding="utf-8")
    result = run("export-public", "--data", source.path, "--out", tmp_path / "p", "--key-file", key,
                 "--names-file", names)
    assert result.exit_code == 0, result.output
    assert "k reached 5" in result.output and "disclosure check: passed" in result.output
    again = run("export-public", "--data", source.path, "--out", tmp_path / "q", "--key-file", key)
    assert again.exit_code == 0
    assert (tmp_path / "p" / "flows.csv").read_bytes() == (tmp_path / "q" / "flows.csv").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["--out", "{tmp}/busy"], "not empty"),
    (["--out", "{tmp}/p", "--key-file", "{tmp}/short.key"], "at least 16 bytes"),
    (["--out", "{tmp}/p", "--key-file", "{tmp}/missing.key"], "No such file"),
    (["--out", "{tmp}/p", "--data", "{tmp}/no-study"], "no such study folder"),
    (["--out", "{tmp}/p", "--data", "{tmp}/bad-study"], "problem(s) found"),
    (["--out", "{tmp}/p", "--names-file", "{tmp}/latin1.txt"], "not UTF-8"),
])
def test_cli_bad_input_exits_1_without_traceback(args, message, tmp_path, demo_copy):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    (tmp_path / "short.key").write_text("abc")
    (tmp_path / "latin1.txt").write_bytes("Jürgen".encode("latin-1"))
    (demo_copy / "actors.csv").write_text("actor_id\n")
    shutil.move(demo_copy, tmp_path / "bad-study")
    result = run("export-public", *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


def test_cli_usage_errors_exit_2(tmp_path):
    assert run("export-public").exit_code == 2  # --out is required
    assert run("export-public", "--out", tmp_path / "p", "--k", 1).exit_code == 2
