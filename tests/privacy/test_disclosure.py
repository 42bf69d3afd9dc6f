"""The disclosure check: what it finds in a package, in every file, with file, row and column.

The packages are built by hand in the public-export format (tests/privacy/test_linkage.py), so these
tests do not depend on how the export is made.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from impt_analysis.privacy.deidentify import BARRIER_COUNTS
from impt_analysis.privacy.disclosure import EMAIL, TELEPHONE, check_disclosure, fold
from impt_analysis.schema import resource_descriptor
from impt_analysis.study import demo_path, write_study
from impt_analysis.validation import StudyValidationError
from tests.privacy.test_linkage import KEY, public, withhold

DK_IDENTIFIED = [{"line": "row", "country": "DK", "year": 2009, "tier": "identified"}]


@pytest.fixture
def package(tmp_path):
    """The pooled hand-made export, its withheld total declared: it passes."""
    folder = write_study(public(pooled=True), tmp_path / "public")
    withhold(folder, DK_IDENTIFIED)
    return folder


def _edit(path, edit):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False, lineterminator="\n")


def test_the_demo_study_itself_is_not_fit_to_publish(demo):
    check = check_disclosure(demo_path())
    assert not check.passed
    assert (
        check.k_reached
        == demo.interviews.groupby(["country", "sector", "level"], observed=True).size().min()
        < 5
    )
    assert check.free_text == [
        "actors.name: free text",
        "interviews.notes: free text",
        "items.label: free text",
        "codings.excerpt: free text",
    ]
    assert any(o.startswith("interviews.date") for o in check.other)
    assert any(o.startswith("interviews.actor_id") for o in check.other)
    assert (
        "flows.csv: its rows name their interview (interview_id), so the actors they touch point at the "
        "respondent" in check.other
    )
    small = int(demo.case_counts["count"].between(1, 4).sum())
    assert (f"case_counts.count: {small} count(s) of children from 1 to 4" in check.other) == (small > 0)


def test_a_hand_made_public_package_passes(package):
    check = check_disclosure(package)
    assert check.passed and check.k_reached == 6
    assert str(check).splitlines()[0].endswith("passed (k reached 6, 5 required)")
    assert not check_disclosure(package, k=7).passed


def test_names_are_found_in_every_file_without_case_or_accents(package):
    """ "Jürgen" planted as JURGEN, jurgen, Jürgen, JÜRGEN in every metadata file, a code id and
    an unexpected file; "Søren Åberg" written "soren aberg". Each is reported where it is."""
    path = package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["title"] = "Interviews of JURGEN"
    d["description"] = "Made by jurgen's office."
    d["contributors"] = [{"title": "Jürgen Hansen", "roles": ["creator"]}]
    d["sources"] = [{"title": "Notes kept by soren aberg"}]
    d["keywords"] = ["trafficking", "hansen-jürgen"]
    d["resources"][0]["description"] = "Codes checked by JÜRGEN."
    d["impt:source"] = {"name": "jurgen-study"}
    for r in d["resources"]:  # the code planted in codebook.csv below, where the descriptor lists codes
        for f in r["schema"]["fields"]:
            if (r["name"], f["name"]) in {("items", "theme"), ("codings", "code")}:
                f["constraints"]["enum"] = sorted([*f["constraints"]["enum"], "jurgen_desk"])
    path.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(package / "README.md", "a", encoding="utf-8") as f:
        f.write("\nQuestions to Jürgen.\n")
    with open(package / "CITATION.cff", "a", encoding="utf-8") as f:
        f.write("# reviewed by JURGEN\n")
    (package / "DISCLOSURE.md").write_text("# Disclosure\n\nChecked by jürgen, 2010.\n", encoding="utf-8")

    def plant(cb):
        cb.loc[len(cb)] = {
            "code": "jurgen_desk",
            "category": "theme",
            "label": "Desk",
            "description": "",
            "parent": "",
        }
        cb.loc[0, "label"] = "Jürgens"  # not the whole word: not reported
        cb.loc[1, "description"] = "As Søren Åberg put it"

    _edit(package / "codebook.csv", plant)
    (package / "notes.txt").write_text("nothing\nask Jurgen\n", encoding="utf-8")

    check = check_disclosure(package, names=["Jürgen", "Søren Åberg"])
    found = check.identifiers[["file", "column", "value"]].to_numpy().tolist()
    assert found == [
        ["CITATION.cff", "", "JURGEN"],
        ["DISCLOSURE.md", "", "jürgen"],
        ["README.md", "", "Jürgen"],
        ["codebook.csv", "description", "Søren Åberg"],
        ["codebook.csv", "code", "jurgen"],
        ["datapackage.json", "title", "JURGEN"],
        ["datapackage.json", "resources[0].description", "JÜRGEN"],
        ["datapackage.json", "resources[3].schema.fields[5].constraints.enum[1]", "jurgen"],
        ["datapackage.json", "resources[7].schema.fields[2].constraints.enum[45]", "jurgen"],
        ["datapackage.json", "description", "jurgen"],
        ["datapackage.json", "contributors[0].title", "Jürgen"],
        ["datapackage.json", "sources[0].title", "soren aberg"],
        ["datapackage.json", "keywords[1]", "jürgen"],
        ["datapackage.json", "impt:source.name", "jurgen"],
        ["notes.txt", "", "Jurgen"],
    ]
    rows = {(r.file, r.value): r.row for r in check.identifiers.itertuples()}
    text = path.read_text(encoding="utf-8").splitlines()
    assert "Interviews of JURGEN" in text[rows["datapackage.json", "JURGEN"] - 1]
    assert rows["notes.txt", "Jurgen"] == 2
    assert rows["DISCLOSURE.md", "jürgen"] == 3
    assert rows["codebook.csv", "jurgen"] == len(pd.read_csv(package / "codebook.csv")) + 1
    assert "notes.txt: a file the package does not describe, so it could hold anything" in check.other
    assert not check.passed


def test_email_and_telephone_in_metadata_files(package):
    with open(package / "CITATION.cff", "a", encoding="utf-8") as f:
        f.write("# contact: jens.hansen@example.dk\n")
    path = package / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["contributors"] = [{"title": "Desk", "email": "desk@example.org", "phone": "+45 33 12 34 56"}]
    path.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    check = check_disclosure(package)
    found = check.identifiers[["file", "column", "kind", "value"]].to_numpy().tolist()
    assert sorted(found) == sorted(
        [
            ["CITATION.cff", "", "an e-mail address", "jens.hansen@example.dk"],
            ["datapackage.json", "contributors[0].email", "an e-mail address", "desk@example.org"],
            ["datapackage.json", "contributors[0].phone", "a telephone number", "+45 33 12 34 56"],
        ]
    )
    assert (
        len(pd.read_csv(package / "CITATION.cff", sep="\0", header=None))
        == check.identifiers.set_index("file").loc["CITATION.cff", "row"]
    )


def test_planted_identifiers_in_a_csv_are_found_with_their_place(package):
    def plant(cb):
        cb.loc[0, "description"] = "Ask jens.hansen@example.dk or call +45 33 12 34 56."
        cb.loc[1, "label"] = "Regional (Jens Hansen)"

    _edit(package / "codebook.csv", plant)
    check = check_disclosure(package, names=["Jens Hansen", "Ingrid"])
    found = check.identifiers[["file", "row", "column", "kind", "value"]].to_numpy().tolist()
    assert found == [
        ["codebook.csv", 2, "description", "an e-mail address", "jens.hansen@example.dk"],
        ["codebook.csv", 2, "description", "a telephone number", "+45 33 12 34 56"],
        ["codebook.csv", 3, "label", "a given name", "Jens Hansen"],
    ]
    assert "codebook.csv, row 2, column description: looks like an e-mail address" in str(check)


def test_fold_drops_case_and_accents():
    assert fold("JÜRGEN")[0] == fold("Jürgen")[0] == fold("jurgen")[0] == "jurgen"
    assert fold("Łukasz Øberg")[0] == "lukasz oberg"
    text = "Straße"
    folded, origin = fold(text)
    assert folded == "strasse" and origin[4:6] == [4, 4]


def test_a_name_that_is_not_the_generated_text_is_free_text(package):
    _edit(
        package / "actors.csv", lambda a: a.__setitem__("name", a["name"].where(a.index != 0, "Jens's desk"))
    )
    check = check_disclosure(package)
    assert check.free_text == [
        "actors.name: 1 value(s) are not the text generated from sector, level, kind, so they are free text"
    ]


def test_an_extra_column_is_reported(package):
    _edit(package / "interviews.csv", lambda iv: iv.insert(2, "respondent", "someone"))
    check = check_disclosure(package)
    assert "interviews.respondent: not a column of the schema, so it could hold anything" in check.free_text


def test_a_rare_combination_lowers_k(package):
    _edit(
        package / "interviews.csv",
        lambda iv: iv.__setitem__("sector", iv["sector"].where(iv.index != 0, "health")),
    )
    check = check_disclosure(package)
    assert check.k_reached == 1 and not check.passed
    assert check_disclosure(package, k=1).k_reached == 1


def test_a_shown_count_gives_the_hidden_one_away(package, tmp_path):
    """Without the withheld DK total, DK's identified 3 is 15 less the 12 shown."""
    bare = shutil.copytree(package, tmp_path / "bare")
    withhold(bare, [])
    assert check_disclosure(bare).other == [
        "case_counts.csv, row 2: the suppressed count follows from the totals"
    ]


def test_marks_that_do_not_fit_the_counts(package):
    _edit(package / "case_counts.csv", lambda c: c.__setitem__("suppression", ["", "secondary"]))
    check = check_disclosure(package)
    assert "case_counts.csv, row 2: an empty count not marked primary or secondary" in check.other
    assert "case_counts.csv, row 3: a shown count marked secondary" in check.other


def test_a_withheld_total_that_names_no_line(package):
    withhold(package, [{"line": "row", "country": "SE", "year": 2009, "tier": "identified"}])
    assert any("cannot be checked" in o and "no such row" in o for o in check_disclosure(package).other)


def barrier_package(folder, pooled: bool):
    """DK's six interviews: I1 and I2 name no central co-ordination (2, primary), none names the
    lack of local structures (0, shown). In one group of six, barriers.csv says only that the
    group named it (1 to 6 interviews); with a group per interview it says exactly 2."""
    study = public(pooled, barriers=[("I1", "no_central_coordination"), ("I2", "no_central_coordination")])
    write_study(study, folder)
    withhold(folder, DK_IDENTIFIED)
    counts = pd.DataFrame(
        {
            "country": ["DK", "DK"],
            "barrier": ["no_central_coordination", "no_local_regional_structure"],
            "interviews": ["", "0"],
            "suppression": ["primary", ""],
        }
    )
    counts.to_csv(folder / "barrier_counts.csv", index=False, lineterminator="\n")
    path = folder / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["resources"].append(
        {
            **resource_descriptor(BARRIER_COUNTS, study.codebook),
            "impt:suppression": {"value": "interviews", "rows": ["country"], "columns": ["barrier"]},
        }
    )
    path.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def test_a_suppressed_barrier_count_recounted_from_barriers_csv(tmp_path):
    assert check_disclosure(barrier_package(tmp_path / "pooled", True)).passed
    check = check_disclosure(barrier_package(tmp_path / "apart", False))
    assert "barrier_counts.csv, row 2: the suppressed count can be recounted from barriers.csv" in check.other


def test_an_invalid_package_is_refused(package):
    (package / "flows.csv").unlink()
    with pytest.raises(StudyValidationError, match="flows.csv"):
        check_disclosure(package)


def test_the_demo_export_is_read_file_by_file():
    """A real export of the demo: its generated README, CITATION.cff and DISCLOSURE.md hold no
    e-mail address, telephone number or unexpected file, and no name of the study's own."""
    import tempfile

    from impt_analysis import load_study
    from impt_analysis.privacy.deidentify import deidentify

    try:
        from impt_analysis.privacy.publish import write_public_package
    except ImportError:
        pytest.skip("no write_public_package yet")
    study = load_study()
    folder = write_public_package(deidentify(study, key=KEY), tempfile.mkdtemp() + "/p")
    check = check_disclosure(folder, names=["Jürgen Hansen"], study=study, key=KEY)
    assert check.identifiers.empty and check.free_text == []
    assert not [o for o in check.other if "does not describe" in o or "group of one" in o]
    assert not check.linkage_beaten


@pytest.mark.parametrize(
    "text",
    [
        "+46 70 123 45 67",
        "0048 601 234 567",
        "040-123 45 67",
        "(040) 123 4567",
        "call 22334455 today",
        "+4533123456",
    ],
)
def test_telephone_numbers(text):
    assert TELEPHONE.search(text)


def test_digits_in_a_web_address_or_doi_are_no_telephone_number():
    from impt_analysis.privacy.disclosure import _matches

    for text in [
        "https://doi.org/10.5281/zenodo.1234567",
        "doi: 10.5281/zenodo.7654321",
        "see www.example.org/report/20100512345",
        "10.1000/1234567",
    ]:
        assert list(_matches(text, None)) == [], text
    assert list(_matches("call 040-123 45 67, see https://example.org", None)) == [
        ("a telephone number", "040-123 45 67")
    ]


def test_a_schema_bound_in_the_readme_is_no_telephone_number(package):
    """The README lists each column's range ("0 to 10000000"); a number planted beside it is found."""
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\b0 to \d{7,}\b", readme)  # the README does state such a bound
    with open(package / "README.md", "a", encoding="utf-8") as f:
        f.write("\nHelp line: 22334455\n")
    check = check_disclosure(package)
    assert check.identifiers[["file", "kind", "value"]].to_numpy().tolist() == [
        ["README.md", "a telephone number", "22334455"]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2010-05-01",
        "I-3c8ad59c4bf24c95",
        "F-1234567890123456",
        "year 2010",
        "12 children in 2009",
        "ISO 3166-1",
        "A-0000000000000000",
    ],
)
def test_not_telephone_numbers(text):
    match = TELEPHONE.search(text)
    assert match is None or match.group() == "2010-05-01"  # an ISO date matches the pattern but is skipped


@pytest.mark.parametrize(
    "text, found",
    [
        ("write to a.b@example.org.", "a.b@example.org"),
        ("jens@uni.dk", "jens@uni.dk"),
        ("no at sign here", None),
        ("@handle", None),
    ],
)
def test_email_addresses(text, found):
    m = EMAIL.search(text)
    assert (m.group() if m else None) == found
