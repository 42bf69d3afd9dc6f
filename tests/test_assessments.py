"""The optional assessments table (issue 13, the fourth tier): codebook, loading, labels, public export.

Every study here is built by hand; the expected numbers are worked out in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from impt_analysis import load_study, study_from_tables, write_study
from impt_analysis.assessments import assessment_basis, assessment_table
from impt_analysis.codebook import ASSESSMENT_DOMAINS, ASSESSMENT_LEVELS, default_codebook
from impt_analysis.errors import UnknownCountryError
from impt_analysis.privacy.deidentify import deidentify, pseudonym
from impt_analysis.privacy.publish import export_public
from impt_analysis.privacy.suppression import hidden_cell_bounds
from impt_analysis.reporting.notebook import public_table
from impt_analysis.schema import MAX_COUNT
from impt_analysis.validation import StudyValidationError

KEY = b"a key of sixteen bytes or more"
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "003_e3950a258919be1b.txt"
LEVELS = ("going_well", "struggling", "at_risk")


def _actor(actor_id, country, sector):
    return {
        "actor_id": actor_id,
        "name": f"{sector} in {country}",
        "country": country,
        "sector": sector,
        "level": "local",
        "kind": "organisation",
    }


def _interviews(country, actor, sector, n):
    return [
        {
            "interview_id": f"{country}-I{i}",
            "country": country,
            "date": f"2010-03-0{i + 1}",
            "sector": sector,
            "level": "local",
            "actor_id": actor,
        }
        for i in range(n)
    ]


def _rows(country, actor, domain, counts, basis="official", year=2009):
    return [
        {
            "country": country,
            "year": year,
            "domain": domain,
            "level": level,
            "count": n,
            "basis": basis,
            "source_actor": actor,
        }
        for level, n in zip(LEVELS, counts)
    ]


# DK and SE: five interviews each (publishable at k=5); EE: two (never publishable at k=5).
# Running away: DK 20 / 8 / 3, SE 12 / 7 / 9; peers: DK 15 / 10 / 6, SE 9 / 11 / 8; EE 6 / 6 / 6.
ASSESSED = (
    _rows("DK", "DK-SS", "running_away", (20, 8, 3))
    + _rows("DK", "DK-SS", "peers", (15, 10, 6))
    + _rows("SE", "SE-NGO", "running_away", (12, 7, 9))
    + _rows("SE", "SE-NGO", "peers", (9, 11, 8), basis="maybe")
    + _rows("EE", "EE-PO", "peers", (6, 6, 6))
)


def small_study(assessments=ASSESSED, codebook=None) -> dict:
    tables = {
        "actors": [
            _actor("DK-SS", "DK", "social_services"),
            _actor("SE-NGO", "SE", "ngo"),
            _actor("EE-PO", "EE", "police"),
        ],
        "interviews": _interviews("DK", "DK-SS", "social_services", 5)
        + _interviews("SE", "SE-NGO", "ngo", 5)
        + _interviews("EE", "EE-PO", "police", 2),
        "case_counts": [
            {
                "country": "DK",
                "year": 2009,
                "tier": "identified",
                "child_group": "unaccompanied_minors",
                "count": 10,
                "basis": "official",
                "source_actor": "DK-SS",
            }
        ],
    }
    if assessments is not None:
        tables["assessments"] = assessments
    if codebook is not None:
        tables["codebook"] = codebook
    return tables


# --- the codebook: the tool of the 2007 slides ----------------------------------------------------------


@pytest.mark.skipif(not SEED.is_file(), reason="the seed documents are not next to the repository")
def test_domains_are_the_slides_rows_word_for_word():
    """The slide's table: one tab-separated line per domain, its label then three statements."""
    text = SEED.read_text(encoding="utf-8")
    table = text.split("Example of a tool", 1)[1].split("National Contact Points", 1)[0]
    rows = [line.split("\t") for line in table.splitlines() if line.count("\t") == 3]
    assert len(rows) == 9 == len(ASSESSMENT_DOMAINS)  # the slide prints nine; none is invented
    for (label, *statements), (_, ours, levels) in zip(rows, ASSESSMENT_DOMAINS):
        assert ours.casefold() == label.strip().casefold()
        slide = [s.strip().replace("I cat healthily", "I eat healthily") for s in statements]
        assert list(levels) == slide


def test_domains_and_levels_are_codebook_rows_with_labels():
    cb = default_codebook()
    domains = cb[cb["category"] == "assessment_domain"]
    assert domains["code"].tolist() == [code for code, _, _ in ASSESSMENT_DOMAINS]
    assert domains.set_index("code").loc["running_away", "label"] == "Running away"
    assert (
        "at risk: 'I run away for long periods"
        in domains.set_index("code").loc["running_away", "description"]
    )
    levels = cb[cb["category"] == "assessment_level"]
    assert levels["code"].tolist() == list(LEVELS) == [c for c, _, _ in ASSESSMENT_LEVELS]


# --- loading and validation ------------------------------------------------------------------------------


def test_a_study_without_the_table_has_none_and_writes_none(tmp_path):
    study = study_from_tables(small_study(assessments=None))
    assert study.assessments.empty and list(study.assessments.columns) == [
        "country",
        "year",
        "domain",
        "level",
        "count",
        "basis",
        "source_actor",
    ]
    folder = write_study(study, tmp_path / "s")
    assert not (folder / "assessments.csv").exists()
    names = [r["name"] for r in json.loads((folder / "datapackage.json").read_text())["resources"]]
    assert "assessments" not in names
    back = load_study(folder)
    assert back.assessments.empty
    assert assessment_table(back, "DK").empty


def test_written_and_read_back_exactly(tmp_path):
    study = study_from_tables(small_study())
    folder = write_study(study, tmp_path / "s")
    assert (folder / "assessments.csv").read_text().splitlines()[:2] == [
        "country,year,domain,level,count,basis,source_actor",
        "DK,2009,running_away,going_well,20,official,DK-SS",
    ]
    resource = next(
        r
        for r in json.loads((folder / "datapackage.json").read_text())["resources"]
        if r["name"] == "assessments"
    )
    assert resource["schema"]["primaryKey"] == ["country", "year", "domain", "level", "source_actor"]
    back = load_study(folder)
    pd.testing.assert_frame_equal(back.assessments, study.assessments)
    assert back.assessments["count"].tolist()[:3] == [20, 8, 3]


@pytest.mark.parametrize(
    "change, column, message",
    [
        ({"domain": "sleep"}, "domain", "not a code of category 'assessment_domain'"),
        ({"level": "3"}, "level", "not a code of category 'assessment_level'"),
        ({"count": -1}, "count", "must be at least 0"),
        ({"count": "2.5"}, "count", "not a whole number"),
        ({"count": MAX_COUNT + 1}, "count", f"must be at most {MAX_COUNT}"),
        ({"count": ""}, "count", "a value is required"),
        ({"source_actor": "XX-1"}, "source_actor", "no such actor_id in actors.csv"),
        ({"basis": "rumour"}, "basis", "not a code of category 'basis'"),
        ({"country": "UK"}, "country", "ISO 3166-1"),
    ],
)
def test_a_bad_value_is_named_by_file_row_and_column(change, column, message):
    rows = [dict(r) for r in ASSESSED]
    rows[2].update(change)  # the third record: row 4 of assessments.csv
    with pytest.raises(StudyValidationError) as err:
        study_from_tables(small_study(rows))
    found = [p for p in err.value.problems if p.file == "assessments.csv"]
    assert [(p.row, p.column) for p in found] == [(4, column)], err.value.report()
    assert message in found[0].message


def test_one_figure_per_country_year_domain_level_and_source():
    rows = ASSESSED + [dict(ASSESSED[0], count=21, basis="maybe")]  # same key, another basis and count
    with pytest.raises(StudyValidationError, match="duplicate key: the same as row 2"):
        study_from_tables(small_study(rows))
    # the same cell from a second source is a second figure
    other = dict(ASSESSED[0], source_actor="SE-NGO")
    assert len(study_from_tables(small_study(ASSESSED + [other])).assessments) == len(ASSESSED) + 1


def test_a_listed_table_must_be_there(tmp_path):
    folder = write_study(study_from_tables(small_study()), tmp_path / "s")
    (folder / "assessments.csv").unlink()
    with pytest.raises(StudyValidationError, match="assessments.csv: file is missing"):
        load_study(folder)


def test_the_codebook_decides_the_domains():
    """A codebook without the assessment categories refuses assessments; one may add a tenth domain."""
    cb = default_codebook()
    without = cb[~cb["category"].str.startswith("assessment_")]
    with pytest.raises(StudyValidationError, match="not a code of category 'assessment_domain'"):
        study_from_tables(small_study(codebook=without))
    assert study_from_tables(small_study(assessments=None, codebook=without)).assessments.empty
    tenth = pd.DataFrame(
        [
            {
                "code": "leisure",
                "category": "assessment_domain",
                "label": "My free time",
                "description": "",
                "parent": "",
            }
        ]
    )
    study = study_from_tables(
        small_study(_rows("DK", "DK-SS", "leisure", (4, 4, 4)), codebook=pd.concat([cb, tenth]))
    )
    table = assessment_table(study, "DK")
    assert table["domain_label"].unique().tolist() == ["My free time"]
    assert table["statement"].tolist() == ["", "", ""]  # the slide prints no words for it


# --- the tidy table and its basis ------------------------------------------------------------------------


def test_assessment_table_has_labels_words_and_sources():
    table = assessment_table(study_from_tables(small_study()), "DK")
    # codebook order: peers (6th domain) before running away (8th), levels in the tool's order
    assert table[["domain", "level", "count"]].astype(str).values.tolist() == [
        ["peers", "going_well", "15"],
        ["peers", "struggling", "10"],
        ["peers", "at_risk", "6"],
        ["running_away", "going_well", "20"],
        ["running_away", "struggling", "8"],
        ["running_away", "at_risk", "3"],
    ]
    last = table.iloc[-1]
    assert (last["domain_label"], last["level_label"], last["basis_label"]) == (
        "Running away",
        "At risk",
        "Official data",
    )
    assert last["statement"].startswith("I run away for long periods of time")
    assert last["source_name"] == "social_services in DK"
    assert "suppression" not in table  # a confidential study suppresses nothing
    with pytest.raises(
        UnknownCountryError, match=r"^assessment_table: unknown country 'NO': the study has DK"
    ):
        assessment_table(study_from_tables(small_study()), "NO")


def test_assessment_basis_per_domain():
    """SE, peers: three figures, all 'maybe', 9 + 11 + 8 = 28 young people, one source."""
    b = assessment_basis(study_from_tables(small_study()), "SE").set_index("domain")
    assert b.loc["peers", ["domain_label", "count", "bases", "sources"]].tolist() == [
        "My peers",
        28,
        "Maybe-information",
        "ngo in SE",
    ]
    assert b.loc["running_away", ["count", "bases"]].tolist() == [28, "Official data"]
    assert assessment_basis(study_from_tables(small_study(assessments=None))).empty


def test_public_basis_gives_no_hidden_part_back(exported):
    """DK running away holds a hidden 3: its sum is not published (31 less the shown 20 would give 11,
    the hidden part); peers holds none, so its total 31 is the sum of what is shown anyway."""
    _, _, public = exported
    b = assessment_basis(public, "DK").set_index("domain")
    assert pd.isna(b.loc["running_away", "count"]) and b.loc["peers", "count"] == 31
    page = public_table(assessment_basis(public, "DK")).set_index("domain")
    assert page.loc["running_away", "bases"] == "Official data"
    assert page.loc["peers", "count"] == "31"


# --- the public export -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    source = write_study(study_from_tables(small_study()), tmp_path_factory.mktemp("s") / "study")
    truth = load_study(source)
    out = export_public(truth, tmp_path_factory.mktemp("p") / "public", key=KEY, licence="CC0-1.0")
    return truth, out, load_study(out.path)


def test_a_count_of_three_is_published_as_less_than_five(exported):
    _, out, public = exported
    assert out.check.passed, out.check
    table = assessment_table(public, "DK").set_index(["domain", "level"])
    three = table.loc[("running_away", "at_risk")]
    assert pd.isna(three["count"]) and three["suppression"] == "primary"
    page = public_table(assessment_table(public, "DK")).set_index(["domain", "level"])
    assert page.loc[("running_away", "at_risk"), "count"] == "<5"
    assert page.loc[("running_away", "at_risk"), "domain_label"] == "Running away"  # labels stay
    assert page.loc[("running_away", "struggling"), "count"] == "suppressed"
    assert page.loc[("peers", "at_risk"), "count"] == "6"
    raw = pd.read_csv(out.path / "assessments.csv", dtype=str, keep_default_na=False)
    assert "3" not in set(raw["count"])
    assert set(raw["source_actor"]) == {pseudonym("DK-SS", "actor", KEY), pseudonym("SE-NGO", "actor", KEY)}


def test_the_hidden_cells_are_the_cheapest_cycle(exported):
    """Running away, 2009: rows DK (31) and SE (28), columns going well 32, struggling 15, at risk 12.

    DK's at-risk 3 follows from DK's total (31 - 20 - 8) unless a second DK cell is hidden, and
    then from the column totals unless SE's cells in both columns are hidden too. The cheapest
    cycle through DK at risk is DK struggling 8, SE struggling 7, SE at risk 9 (24, against 41
    through the going-well column). Peers has no small count: nothing is hidden.
    """
    _, out, public = exported
    rows = public.assessments.astype({"domain": str, "level": str})
    hidden = rows.loc[rows["suppression"].fillna("") != "", ["country", "domain", "level", "suppression"]]
    assert sorted(map(tuple, hidden.values.tolist())) == [
        ("DK", "running_away", "at_risk", "primary"),
        ("DK", "running_away", "struggling", "secondary"),
        ("SE", "running_away", "at_risk", "secondary"),
        ("SE", "running_away", "struggling", "secondary"),
    ]
    assert out.record.suppressed_cells["assessments"].to_json() == {
        "cells": 12,
        "suppressed": 4,
        "primary": 1,
        "secondary": 3,
    }


def test_an_attacker_recovers_nothing_from_the_totals(exported):
    """The attacker knows every shown cell, every line total and the marks.

    With a = DK at risk: DK struggling = 11 - a, SE struggling = 15 - (11 - a) = 4 + a, SE at risk
    = 12 - a. a = 1 .. 4 (primary) keeps DK struggling 7 .. 10 and SE struggling 5 .. 8 (secondary:
    0 or at least 5) and SE at risk 8 .. 11: every a from 1 to 4 fits, so the 3 is not given away.
    """
    truth, out, public = exported
    published = pd.read_csv(out.path / "assessments.csv", dtype=str, keep_default_na=False)
    real = truth.assessments.assign(
        source_actor=truth.assessments["source_actor"].map(lambda a: pseudonym(a, "actor", KEY))
    )
    keys = ["country", "year", "domain", "level", "source_actor"]
    values = published[keys].merge(real.astype({k: str for k in keys}), on=keys, how="left")["count"]
    rule = json.loads((out.path / "datapackage.json").read_text())["resources"]
    rule = next(r for r in rule if r["name"] == "assessments")["impt:suppression"]
    assert (rule["rows"], rule["columns"]) == (["country", "year", "domain"], ["year", "domain", "level"])
    bounds = hidden_cell_bounds(
        published,
        published["suppression"],
        value="count",
        values=values.astype(float),
        rows=rule["rows"],
        columns=rule["columns"],
        withheld=rule["withheld"],
    )
    assert len(bounds) == 4 and not bounds["disclosed"].any()
    primary = bounds[bounds["status"] == "primary"].iloc[0]
    assert (primary["min"], primary["max"]) == (1, 4)


def test_a_country_with_no_published_interview_leaves_no_assessment(exported):
    """EE has two interviews, fewer than k=5: its assessments and its police actor are not published."""
    _, out, public = exported
    assert "EE" not in set(public.assessments["country"])
    assert "EE" not in set(public.actors["country"].dropna())
    assert "EE" not in (out.path / "assessments.csv").read_text()


def test_a_study_without_assessments_publishes_none(tmp_path):
    d = deidentify(study_from_tables(small_study(assessments=None)), key=KEY)
    assert d.study.assessments.empty and "assessments" not in d.record.suppressed_cells
    assert "assessments" not in d.suppression


# --- the country page ------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def _run_country_page(tmp_path, data, public, country="DK"):
    import nbformat
    import papermill

    out = tmp_path / f"{country}-{public}.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "country_mapping.ipynb"),
        str(out),
        parameters={"country": country, "data": data, "include_excerpts": False, "public": public},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    book = nbformat.read(out, as_version=4)
    cell = next(
        c for c in book.cells if c.cell_type == "code" and "assessment_table(study, country)" in c.source
    )
    heading = book.cells[book.cells.index(cell) - 1]
    text = "\n".join(json.dumps(o.get("data", {})) + o.get("text", "") for o in cell.outputs)
    return heading, text


def test_country_page_without_assessments_says_so_in_one_sentence(tmp_path):
    heading, text = _run_country_page(tmp_path, None, False)
    assert "in contexts that may lead to them becoming victims" in heading.source
    assert "No assessments with the 2007 tool were recorded for DK in this study." in text
    assert "<table" not in text


def test_public_country_page_shows_assessments_with_small_counts_hidden(tmp_path):
    """The demo with DK assessments added (running away 20 / 8 / 3 from a DK actor), published."""
    demo = load_study()  # its codebook is the default one, which holds the assessment categories
    actor = demo.actors.loc[demo.actors["country"] == "DK", "actor_id"].iat[0]
    rows = _rows("DK", actor, "running_away", (20, 8, 3)) + _rows("DK", actor, "peers", (15, 10, 6))
    tables = {name: frame for name, frame in demo.tables().items() if name != "assessments"}
    study = study_from_tables({**tables, "codebook": default_codebook(), "assessments": rows}, demo.meta)
    source = load_study(write_study(study, tmp_path / "study"))
    out = export_public(source, tmp_path / "public", key=KEY)
    assert out.check.passed, out.check
    _, text = _run_country_page(tmp_path, str(out.path), True)
    assert "Running away" in text and "&lt;5" in text and "suppressed" in text
    assert "No assessments" not in text


def test_a_selection_keeps_the_assessments_of_its_country():
    from impt_analysis.selection import Selection, select

    study = study_from_tables(small_study())
    assert set(select(study, Selection(country="DK")).assessments["country"]) == {"DK"}
    assert len(select(study, Selection(country="DK")).assessments) == 6  # two domains, three levels
    assert len(select(study, Selection()).assessments) == len(ASSESSED)


def test_disclosure_statement_counts_the_assessment_cells(exported):
    _, out, _ = exported
    text = (out.path / "DISCLOSURE.md").read_text(encoding="utf-8")
    assert "| assessment cells suppressed" in text and "| 4 of 12 (1 primary, 3 secondary) |" in text
    assert "assessment cells" not in disclosure_without_assessments()


def disclosure_without_assessments():
    from impt_analysis.privacy.publish import disclosure_statement

    d = deidentify(study_from_tables(small_study(assessments=None)), key=KEY)
    return disclosure_statement(d.record, d.study)


def test_the_disclosure_check_reads_assessments_as_an_attacker(exported, tmp_path):
    """Publishing DK's struggling 8 again (as the export's first draft might) gives the 3 back: 31 - 20 - 8."""
    import shutil

    from impt_analysis.privacy.disclosure import check_disclosure

    truth, out, _ = exported
    assert check_disclosure(out.path, study=truth, key=KEY).passed
    folder = shutil.copytree(out.path, tmp_path / "tampered")
    table = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False)
    dk_struggling = (
        (table["country"] == "DK") & (table["domain"] == "running_away") & (table["level"] == "struggling")
    )
    table.loc[dk_struggling, ["count", "suppression"]] = ["8", ""]
    table.to_csv(folder / "assessments.csv", index=False, lineterminator="\n")
    check = check_disclosure(folder, study=truth, key=KEY)
    assert not check.passed
    row = (
        int(
            (
                (table["country"] == "DK")
                & (table["level"] == "at_risk")
                & (table["domain"] == "running_away")
            ).idxmax()
        )
        + 2
    )
    assert any(
        f"assessments.csv, row {row}: the suppressed count follows from the totals" in p for p in check.other
    ), check.other


def test_one_cohort_a_domain_total_is_never_the_protection(tmp_path):
    """Only DK assessed: running away 20 / 8 / 3, peers 15 / 10 / 6, the same 31 young people.

    Withholding DK's running-away total (the suppression's own way out when no cycle can be
    closed) protects nothing: peers, shown in full, says 31, and 31 - 20 - 8 = 3. So the export
    hides 20 and 8 too, withholds the region's running-away totals per level (with one country
    they are the cells), and keeps the domain total as known: a + s + g = 31 with s, g secondary
    (0 or at least 5) leaves a anywhere from 1 to 4.
    """
    rows = _rows("DK", "DK-SS", "running_away", (20, 8, 3)) + _rows("DK", "DK-SS", "peers", (15, 10, 6))
    d = deidentify(study_from_tables(small_study(rows)), key=KEY)
    public = d.study.assessments.astype({"domain": str, "level": str})
    hidden = public.loc[public["suppression"].fillna("") != "", ["domain", "level", "suppression"]]
    assert sorted(map(tuple, hidden.values.tolist())) == [
        ("running_away", "at_risk", "primary"),
        ("running_away", "going_well", "secondary"),
        ("running_away", "struggling", "secondary"),
    ]
    rule = d.suppression["assessments"]
    assert not [w for w in rule["withheld"] if w["line"] == "row"]  # every domain total stays known
    truth = study_from_tables(small_study(rows)).assessments
    bounds = hidden_cell_bounds(
        public.assign(count=public["count"].astype(float)),
        public["suppression"].fillna(""),
        value="count",
        values=public[["domain", "level"]]
        .merge(truth.astype({"domain": str, "level": str}), on=["domain", "level"], how="left")["count"]
        .astype(float)
        .to_numpy(),
        rows=rule["rows"],
        columns=rule["columns"],
        withheld=rule["withheld"],
    )
    assert not bounds["disclosed"].any()
    primary = bounds[bounds["status"] == "primary"].iloc[0]
    assert (primary["min"], primary["max"]) == (1, 4)
    assert pd.isna(assessment_basis(d.study, "DK").set_index("domain").loc["running_away", "count"])


def test_spreadsheet_round_trip_and_an_older_workbook_without_the_sheet(tmp_path):
    import openpyxl

    from impt_analysis.interop.spreadsheet import read_workbook, write_template

    study = study_from_tables(small_study())
    path = write_template(tmp_path / "study.xlsx", study)
    back = read_workbook(path)
    assert back.assessments["count"].tolist() == study.assessments["count"].tolist()
    wb = openpyxl.load_workbook(path)
    del wb["assessments"]  # a workbook made from a template before the table existed
    wb.save(tmp_path / "older.xlsx")
    assert read_workbook(tmp_path / "older.xlsx").assessments.empty
