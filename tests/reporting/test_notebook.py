"""The helpers every report notebook calls: parameters, counts in sentences, public tables, text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from impt_analysis import load_study, study_from_tables
from impt_analysis.errors import UnknownCountryError
from impt_analysis.reporting.notebook import (
    check_parameters,
    count_text,
    md_text,
    no_public_answer,
    open_study,
    public_table,
    report_html,
    synthetic_banner,
)

ACTOR = {"actor_id": "A", "name": "Police", "country": "DK", "sector": "police", "level": "local"}
ACTOR |= {"kind": "organisation"}
INTERVIEW = {"interview_id": "DK-I1", "country": "DK", "date": "2010-05-01", "sector": "police"}
INTERVIEW |= {"level": "local", "actor_id": "A"}


def test_check_parameters_upper_cases_and_names_the_bad_one():
    dk = study_from_tables({"actors": [ACTOR], "interviews": [INTERVIEW]})  # one interview, from DK
    assert check_parameters(country=" dk ", study=dk) == "DK"
    assert check_parameters(country="all", study=dk, allow_all=True) == "ALL"
    assert check_parameters() is None  # no country asked for: nothing to check
    with pytest.raises(
        UnknownCountryError, match=r"^parameter country: unknown country 'FI': the study has DK$"
    ):
        check_parameters(country="fi", study=dk)
    with pytest.raises(UnknownCountryError, match=r"the study has DK; or \"ALL\" for the whole region$"):
        check_parameters(country="FI", study=dk, allow_all=True)
    with pytest.raises(UnknownCountryError, match="unknown country 'ALL'"):
        check_parameters(country="ALL", study=dk)  # ALL only where the page allows it
    with pytest.raises(TypeError, match="parameter public must be True or False, not 'yes'"):
        check_parameters(public="yes")
    with pytest.raises(TypeError, match="parameter data must be a path \\(str\\) or None, not int"):
        check_parameters(data=3)
    with pytest.raises(TypeError, match="parameter country must be a country code \\(str\\), not int"):
        check_parameters(country=45)


def test_count_text_hides_small_counts_on_a_public_page_only():
    assert [count_text(n, public=True) for n in (0, 1, 4, 5, 60)] == ["0", "<5", "<5", "5", "60"]
    assert [count_text(n, public=False) for n in (0, 1, 4)] == ["0", "1", "4"]
    assert count_text(9, public=True, suppress_below=10) == "<10"


def test_public_table_marks_what_the_export_left_empty_and_what_lies_beside_it():
    # Row a: the export suppressed the count (primary): "<5", and its share is hidden too.
    # Row b: shown; its share shown. The label column always stays.
    table = pd.DataFrame(
        {
            "label": ["a", "b"],
            "interviews": pd.array([pd.NA, 30], dtype="Int64"),
            "share": [None, 0.5],
            "suppression": ["primary", ""],
        }
    )
    shown = public_table(table)
    assert shown.to_dict("list") == {
        "label": ["a", "b"],
        "interviews": ["<5", "30"],
        "share": ["suppressed", "0.50"],
    }


def test_public_table_keeps_what_is_not_a_count():
    # severity and year are whole numbers but not counts of people: never suppressed
    table = pd.DataFrame({"country": ["DK", "SE"], "year": [2010, 2010], "severity": [1, 3], "n": [6, 8]})
    assert public_table(table).to_dict("list") == {
        "country": ["DK", "SE"],
        "year": ["2010", "2010"],
        "severity": ["1", "3"],
        "n": ["6", "8"],
    }


def test_report_html_shows_booleans_and_lists_as_words():
    html = report_html(
        pd.DataFrame({"met": pd.array([True, False, pd.NA], dtype="boolean"), "ids": [["A", "B"], [], ["C"]]})
    )
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]
    assert cells == ["yes", "A, B", "no", "", "not known", "C"]  # row by row; an empty list is an empty cell
    assert not re.search(r"<th[^>]*>\s*0\s*</th>", html)  # no row numbers


def test_md_text_is_never_markup():
    assert md_text("a_b *c*") == '<span class="tex2jax_ignore">a&#95;b &#42;c&#42;</span>'
    assert md_text('<img src=x onerror="1">') == (
        '<span class="tex2jax_ignore">&lt;img src=x onerror=&quot;1&quot;&gt;</span>'
    )


def test_no_public_answer_names_what_cannot_be_counted():
    assert "by the respondent organisation's sector has no public answer" in no_public_answer("sector")
    assert "how many interviews name two barriers together" in no_public_answer("cooccurrence")
    with pytest.raises(ValueError, match="no_public_answer: unknown table 'coder'"):
        no_public_answer("coder")


def test_a_public_page_refuses_the_confidential_study_and_the_banner_says_synthetic():
    demo = load_study()
    with pytest.raises(ValueError, match="public=True needs a public export"):
        open_study(None, public=True)
    assert synthetic_banner(demo).startswith("**Synthetic demonstration data.**")
    actors = [
        {
            "actor_id": "A",
            "name": "Police",
            "country": "DK",
            "sector": "police",
            "level": "local",
            "kind": "organisation",
        }
    ]
    assert synthetic_banner(study_from_tables({"actors": actors})) == ""
