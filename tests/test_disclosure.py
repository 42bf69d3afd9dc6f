"""The disclosure check: what it finds in a package, with file, row and column."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from impt_analysis import study_from_tables
from impt_analysis.disclosure import EMAIL, TELEPHONE, check_disclosure
from impt_analysis.publish import export_public
from impt_analysis.study import demo_path
from impt_analysis.validation import StudyValidationError

KEY = b"0123456789abcdef0123456789abcdef"


def small_study():
    """DK: five police/national interviews; SE: six NGO/local ones. Case counts (identified):
    DK other 3, roma 12; SE other 8, roma 20; EE other 9, roma 30. The 3 is hidden with the
    12, 20 and 8 (cost 40, against 12 + 30 + 9 = 51 through EE)."""
    actors = [{"actor_id": a, "name": a, "country": a[:2], "sector": sector, "level": level, "kind": "organisation"}
              for a, sector, level in [("DK-police", "police", "national"), ("SE-ngo", "ngo", "local"),
                                       ("EE-police", "police", "national")]]
    interviews = [{"interview_id": f"{c}-I{n}", "country": c, "date": "2010-05-01", "sector": sector,
                   "level": level, "actor_id": actor}
                  for c, sector, level, actor, count in [("DK", "police", "national", "DK-police", 5),
                                                          ("SE", "ngo", "local", "SE-ngo", 6)]
                  for n in range(count)]
    cases = [{"country": c, "year": 2009, "tier": "identified", "child_group": g, "count": n, "basis": "official",
              "source_actor": f"{c}-{'police' if c != 'SE' else 'ngo'}"}
             for c, g, n in [("DK", "other", 3), ("DK", "roma_children", 12), ("SE", "other", 8),
                             ("SE", "roma_children", 20), ("EE", "other", 9), ("EE", "roma_children", 30)]]
    return study_from_tables({"actors": actors, "interviews": interviews, "case_counts": cases},
                             {"name": "small", "title": "Small"})


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """A public export of :func:`small_study` (k reached 5)."""
    return export_public(small_study(), tmp_path_factory.mktemp("d") / "public", key=KEY).path


@pytest.fixture
def public_copy(public, tmp_path):
    return shutil.copytree(public, tmp_path / "copy")


def _edit(path, edit):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False, lineterminator="\n")


def test_the_demo_study_itself_is_not_fit_to_publish(demo):
    check = check_disclosure(demo_path())
    assert not check.passed
    assert check.k_reached == demo.interviews.groupby(["country", "sector", "level"], observed=True).size().min() < 5
    assert check.free_text == ["actors.name: free text", "interviews.notes: free text", "items.label: free text",
                               "codings.excerpt: free text"]
    assert any(o.startswith("interviews.date") for o in check.other)
    assert any(o.startswith("interviews.actor_id") for o in check.other)
    small = int(demo.case_counts["count"].between(1, 4).sum())
    assert (f"case_counts.count: {small} count(s) of children from 1 to 4" in check.other) == (small > 0)


def test_a_public_export_passes(public):
    check = check_disclosure(public)
    assert check.passed and check.k_reached == 5
    assert str(check).splitlines()[0].endswith("passed (k reached 5, 5 required)")
    assert check_disclosure(public, k=6).k_reached == 5 and not check_disclosure(public, k=6).passed


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
    _edit(public_copy / "actors.csv", lambda a: a.__setitem__("name", a["name"].where(a.index != 0, "Jens's desk")))
    check = check_disclosure(public_copy)
    assert check.free_text == ["actors.name: 1 value(s) are not the text generated from sector, level, kind, "
                               "so they are free text"]


def test_an_extra_column_is_reported(public_copy):
    _edit(public_copy / "interviews.csv", lambda iv: iv.insert(2, "respondent", "someone"))
    check = check_disclosure(public_copy)
    assert "interviews.respondent: not a column of the schema, so it could hold anything" in check.free_text


def test_a_rare_combination_lowers_k(public_copy):
    _edit(public_copy / "interviews.csv", lambda iv: iv.__setitem__("sector", iv["sector"].where(iv.index != 0,
                                                                                                  "health")))
    check = check_disclosure(public_copy)
    assert check.k_reached == 1 and not check.passed
    assert check_disclosure(public_copy, k=1).k_reached == 1


def test_an_unsuppressed_secondary_cell_gives_the_primary_away(public, public_copy):
    """Showing SE's 8 again leaves DK's 3, DK's 12 and SE's 20 hidden in a chain, not a cycle:
    the column total of "other" gives the 3, then the rest follow."""
    cc = pd.read_csv(public / "case_counts.csv", dtype=str, keep_default_na=False)
    hidden = cc[cc["count"] == ""][["country", "child_group"]].apply(tuple, axis=1).tolist()
    assert sorted(hidden) == [("DK", "other"), ("DK", "roma_children"), ("SE", "other"), ("SE", "roma_children")]
    _edit(public_copy / "case_counts.csv", lambda c: c.__setitem__(
        "count", c["count"].where(~(c["country"].eq("SE") & c["child_group"].eq("other")), "8")))
    rows = [int(i) + 2 for i in cc.index[(cc["count"] == "") & ~(cc["country"].eq("SE") & cc["child_group"].eq("other"))]]
    check = check_disclosure(public_copy)
    assert check.other == [f"case_counts.csv, row {r}: the suppressed count follows from the totals" for r in rows]


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
