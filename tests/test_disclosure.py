"""The disclosure check: what it finds in a package, with file, row and column."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from impt_analysis import load_study
from impt_analysis.disclosure import EMAIL, TELEPHONE, check_disclosure
from impt_analysis.publish import export_public
from impt_analysis.study import demo_path
from impt_analysis.validation import StudyValidationError

KEY = b"0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """A public export of the demo study (k reached 6, two case-count cells suppressed)."""
    return export_public(load_study(), tmp_path_factory.mktemp("d") / "public", key=KEY).path


@pytest.fixture
def public_copy(public, tmp_path):
    return shutil.copytree(public, tmp_path / "copy")


def _edit(path, edit):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False, lineterminator="\n")


def test_the_demo_study_itself_is_not_fit_to_publish():
    check = check_disclosure(demo_path())
    assert not check.passed
    assert check.k_reached == 1  # e.g. the one police interview of a country
    assert check.free_text == ["actors.name: free text", "interviews.notes: free text", "items.label: free text",
                               "codings.excerpt: free text"]
    assert any(o.startswith("interviews.date") for o in check.other)
    assert any(o.startswith("interviews.actor_id") for o in check.other)
    assert "case_counts.count: 1 count(s) of children from 1 to 4" in check.other


def test_a_public_export_passes(public):
    check = check_disclosure(public)
    assert check.passed and check.k_reached == 6
    assert str(check).splitlines()[0].endswith("passed (k reached 6, 5 required)")


def test_planted_identifiers_are_found_with_their_place(public_copy):
    def plant(cb):
        cb.loc[0, "description"] = "Ask jens.hansen@example.dk or call +45 33 12 34 56."
        cb.loc[1, "label"] = "Regional (Jens Hansen)"
    _edit(public_copy / "codebook.csv", plant)
    check = check_disclosure(public_copy, names=["Jens Hansen", "Ingrid"])
    found = check.identifiers[["file", "row", "column", "kind", "value"]].to_numpy().tolist()
    assert found == [
        ["codebook.csv", 2, "description", "an e-mail address", "jens.hansen@example.dk"],
        ["codebook.csv", 2, "description", "a telephone number", "+45 33 12 34 56"],
        ["codebook.csv", 3, "label", "a given name", "Jens Hansen"],
    ]
    assert not check.passed
    assert "codebook.csv, row 2, column description: looks like an e-mail address" in str(check)


def test_a_name_that_is_not_the_generated_text_is_free_text(public_copy):
    _edit(public_copy / "actors.csv", lambda a: a.__setitem__("name", a["name"].where(a.index != 3, "Jens's desk")))
    check = check_disclosure(public_copy)
    assert check.free_text == ["actors.name: 1 value(s) are not the text generated from sector, level, kind, "
                               "so they are free text"]


def test_an_extra_column_is_reported(public_copy):
    _edit(public_copy / "interviews.csv", lambda iv: iv.insert(2, "respondent", "someone"))
    check = check_disclosure(public_copy)
    assert "interviews.respondent: not a column of the schema, so it could hold anything" in check.free_text


def test_a_rare_combination_lowers_k(public_copy):
    _edit(public_copy / "interviews.csv", lambda iv: iv.__setitem__("sector", iv["sector"].where(iv.index != 0,
                                                                                                  "police")))
    check = check_disclosure(public_copy)
    assert check.k_reached == 1 and not check.passed
    assert check_disclosure(public_copy, k=1).k_reached == 1


def test_an_unsuppressed_secondary_cell_gives_the_primary_away(public_copy, public):
    """In the demo, EE's 1 identified child is hidden with LT's 5 (the only other cheap cell of
    the column "identified unaccompanied minors"). Showing the 5 again gives the 1 away."""
    original = load_study().case_counts
    five = original[(original["country"] == "LT") & (original["tier"] == "identified")]
    assert five["count"].tolist() == [5]
    cc = pd.read_csv(public / "case_counts.csv", dtype=str, keep_default_na=False)
    assert cc.loc[cc["count"] == "", "country"].tolist() == ["EE", "LT"]
    ee_row = int(cc.index[cc["country"].eq("EE") & cc["count"].eq("")][0]) + 2
    _edit(public_copy / "case_counts.csv",
          lambda c: c.__setitem__("count", c["count"].where(~(c["country"].eq("LT") & c["count"].eq("")), "5")))
    check = check_disclosure(public_copy)
    assert check.other == [f"case_counts.csv, row {ee_row}: the suppressed count follows from the totals"]


def test_a_small_aggregate_count_is_reported(public_copy):
    _edit(public_copy / "barrier_counts.csv", lambda b: b.__setitem__("interviews", b["interviews"].where(
        b.index != 0, "3")))
    check = check_disclosure(public_copy)
    assert "barrier_counts.csv: 1 count(s) from 1 to 4 in interviews" in check.other


def test_an_invalid_package_is_refused(public_copy):
    (public_copy / "flows.csv").unlink()
    with pytest.raises(StudyValidationError, match="flows.csv"):
        check_disclosure(public_copy)


@pytest.mark.parametrize("text", ["+46 70 123 45 67", "0048 601 234 567", "040-123 45 67", "(040) 123 4567",
                                  "call 22334455 today", "+4533123456"])
def test_telephone_numbers(text):
    assert TELEPHONE.search(text)


@pytest.mark.parametrize("text", ["2010-05-01", "I-3c8ad59c4bf24c95", "F-1234567890123456", "year 2010",
                                  "12 children in 2009", "ISO 3166-1", "A-0000000000000000"])
def test_not_telephone_numbers(text):
    match = TELEPHONE.search(text)
    assert match is None or match.group() == "2010-05-01"  # an ISO date matches the pattern but is skipped


@pytest.mark.parametrize("text, found", [("write to a.b@example.org.", "a.b@example.org"),
                                         ("jens@uni.dk", "jens@uni.dk"), ("no at sign here", None),
                                         ("@handle", None)])
def test_email_addresses(text, found):
    m = EMAIL.search(text)
    assert (m.group() if m else None) == found
