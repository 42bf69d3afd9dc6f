"""The analyses and the report notebooks on a de-identified public export (issue 6).

A public export has no ``interviews.actor_id`` (whom a respondent speaks for), ``year`` instead
of ``date``, interview sectors and levels perhaps generalised, no excerpts, and suppressed case
counts. Every function the notebooks use must run on it and say what it cannot know rather
than crash or guess. The values are worked out by hand on a four-interview study exported with
k = 2, whose sectors are generalised to groups.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import impt_analysis as impt
from impt_analysis import plots
from impt_analysis.deidentify import pseudonym
from impt_analysis.explore import Explorer
from impt_analysis.publish import export_public
from impt_analysis.selection import Selection, matching_excerpts, matching_interviews, matching_items, select

REPO = Path(__file__).resolve().parents[1]
KEY = b"a fixed key for the public tests"

# Four Danish national interviews: police, prosecution (state authority), NGO, faith-based
# (civil society). With k = 2 the exact sectors would leave classes of one, so the export
# publishes the groups: I1, I2 state_authority; I3, I4 civil_society.
ACTORS = [
    {"actor_id": "PO", "country": "DK", "sector": "police", "level": "national", "kind": "organisation"},
    {"actor_id": "PR", "country": "DK", "sector": "prosecution", "level": "national", "kind": "organisation"},
    {"actor_id": "NG", "country": "DK", "sector": "ngo", "level": "national", "kind": "organisation"},
    {"actor_id": "FB", "country": "DK", "sector": "faith_based", "level": "national", "kind": "organisation"},
    {"actor_id": "CO", "country": "DK", "sector": "government", "level": "national", "kind": "national_coordinator"},
]
INTERVIEWS = [
    {"interview_id": f"I{n}", "country": "DK", "date": f"2010-05-0{n}", "sector": sector, "level": "national",
     "actor_id": actor}
    for n, (actor, sector) in enumerate([("PO", "police"), ("PR", "prosecution"), ("NG", "ngo"),
                                         ("FB", "faith_based")], 1)
]
ITEMS = [{"item_id": f"T{n}", "country": "DK"} for n in range(1, 7)]
# Which interviews report each item (T4: none). In the full study all but T3 and T4 are
# triangulated: police + NGO, police + prosecution, NGO + faith-based, three sectors.
REPORTS = {"T1": ["I1", "I3"], "T2": ["I1", "I2"], "T3": ["I1"], "T5": ["I3", "I4"], "T6": ["I1", "I2", "I3"]}
KNOWLEDGE = [{"interview_id": i, "actor_id": "CO", "item_id": t} for t, ivs in REPORTS.items() for i in ivs]
FLOWS = [{"source_actor": a, "target_actor": "CO", "interview_id": "I1"} for a in ("PO", "NG")]


def _case(tier, group, count):
    return {"country": "DK", "year": 2009, "tier": tier, "child_group": group, "count": count,
            "basis": "official", "source_actor": "PO"}


# identified: 3 is suppressed (below 5), and 10 with it (else 3 = total - 10); suspected: both shown.
CASES = [_case("identified", "other", 3), _case("identified", "roma_children", 10),
         _case("suspected", "other", 10), _case("suspected", "roma_children", 20)]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """(the full four-interview study, its public export with k = 2)."""
    from conftest import make_study

    study = make_study(actors=ACTORS, interviews=INTERVIEWS, items=ITEMS, knowledge=KNOWLEDGE, flows=FLOWS,
                       case_counts=CASES)
    out = export_public(study, tmp_path_factory.mktemp("small") / "public", k=2, key=KEY)
    assert out.record["generalisation"][0]["sector"] == "group"
    return study, impt.load_study(out.path)


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """The demo study's public export (k = 5, the default): every interview sector is hidden."""
    out = export_public(impt.load_study(), tmp_path_factory.mktemp("demo") / "public", key=KEY)
    return impt.load_study(out.path)


def _item(name: str) -> str:
    return pseudonym(name, "item", KEY)


def by_item(frame: pd.DataFrame) -> pd.DataFrame:
    names = {_item(f"T{n}"): f"T{n}" for n in range(1, 7)}
    return frame.assign(item_id=frame["item_id"].map(names)).set_index("item_id").sort_index()


# --- the package as the analyses see it -----------------------------------------------------

def test_the_export_is_what_the_analyses_are_written_for(small, public):
    _, p = small
    assert p.public and public.public
    assert "actor_id" not in p.interviews and "date" not in p.interviews and "year" in p.interviews
    assert sorted(p.interviews["sector"].astype(str)) == ["civil_society", "civil_society", "state_authority",
                                                           "state_authority"]
    assert set(public.interviews["sector"].astype(str)) == {"any_sector"}
    assert p.case_counts["count"].isna().sum() == 2


# --- worked by hand on the four-interview export --------------------------------------------

def test_triangulate_when_organisations_are_unknown_and_sectors_grouped(small):
    study, p = small
    full = impt.triangulate(study).set_index("item_id")["status"].astype(str).to_dict()
    assert full == {"T1": "triangulated", "T2": "triangulated", "T3": "single_source", "T4": "unreported",
                    "T5": "triangulated", "T6": "triangulated"}
    table = by_item(impt.triangulate(p))
    # T1: state authority + civil society: two sectors for certain. T6: the same two groups
    # (three interviews): at least two. T2 (state authority twice) and T5 (civil society twice)
    # may be one sector or two: the export cannot say.
    assert table["status"].astype(str).to_dict() == {
        "T1": "triangulated", "T2": "sectors_unknown", "T3": "single_source", "T4": "unreported",
        "T5": "sectors_unknown", "T6": "triangulated"}
    assert table["n_interviews"].to_dict() == {"T1": 2, "T2": 2, "T3": 1, "T4": 0, "T5": 2, "T6": 3}
    # n_sectors is known where the bounds meet: T1 two groups, two interviews; T3 one interview.
    assert table["n_sectors"].astype(object).where(table["n_sectors"].notna(), None).to_dict() == {
        "T1": 2, "T2": None, "T3": 1, "T4": 0, "T5": None, "T6": None}
    assert table.loc["T6", "sectors"] == ["civil_society", "state_authority"]
    # Whom the respondents speak for is not published: unknown wherever something was reported.
    assert table["n_organisations"].isna().tolist() == [True, True, True, False, True, True]
    assert table.loc["T1", "organisations"] is None and table.loc["T4", "organisations"] == []


def test_triangulate_thresholds_on_the_export(small):
    _, p = small
    three = by_item(impt.triangulate(p, min_sectors=3))["status"].astype(str)
    # T6: two groups, three interviews: two to three sectors. T1: two interviews cannot make three.
    assert three["T6"] == "sectors_unknown" and three["T1"] == "corroborated" and three["T2"] == "corroborated"
    three_interviews = by_item(impt.triangulate(p, min_interviews=3))["status"].astype(str)
    assert three_interviews["T6"] == "triangulated" and three_interviews["T1"] == "corroborated"


@pytest.mark.parametrize("sectors, bounds", [
    (["police", "state_authority"], (1, 2)),           # the group may be police again
    (["police", "civil_society"], (2, 2)),             # a group outside police's: a second sector
    (["any_sector", "any_sector"], (1, 2)),
    (["any_sector", "police"], (1, 2)),
    (["state_authority", "civil_society", "state_authority"], (2, 3)),
    (["labour_organisation", "other_sectors"], (1, 2)),
])
def test_the_fewest_and_most_sectors_behind_published_codes(sectors, bounds):
    from impt_analysis.triangulation import _sector_bounds

    generalised = frozenset({"state_authority", "civil_society", "other_sectors", "any_sector"})
    reports = pd.DataFrame({"interview_id": [f"I{n}" for n in range(len(sectors))], "sector": sectors})
    assert _sector_bounds(reports, generalised) == bounds


def test_basis_does_not_invent_organisations(small):
    _, p = small
    got = impt.basis(p, items=[_item("T6")]).iloc[0]
    assert (got["n_reports"], got["n_interviews"], got["official"]) == (3, 3, 3)
    assert pd.isna(got["n_sources"])
    unreported = impt.basis(p, items=[_item("T4")]).iloc[0]
    assert (unreported["n_reports"], unreported["n_sources"]) == (0, 0)


def test_a_suppressed_count_stays_missing(small):
    study, p = small
    assert impt.case_count_table(study)["count"].tolist()[:2] == [13, 30]
    table = impt.case_count_table(p).set_index("tier")
    # identified: both figures suppressed; the sum of what is left would be 0 or 10, not 13.
    assert pd.isna(table.loc["identified", "count"]) and table.loc["identified", "n_figures"] == 2
    assert table.loc["suspected", "count"] == 30
    assert pd.isna(table.loc["at_risk_context", "count"]) and table.loc["at_risk_context", "n_figures"] == 0
    by_tier = impt.basis(p.case_counts, by="tier").set_index("tier")
    assert pd.isna(by_tier.loc["identified", "count"]) and by_tier.loc["suspected", "count"] == 30
    assert pd.isna(impt.basis(p.case_counts)["count"].iat[0])


@pytest.mark.parametrize("share, expected", [(0.4, True), (0.5, pd.NA), (0.9, False)])
def test_scorecard_triangulated_only_when_the_export_settles_it(small, share, expected):
    _, p = small
    # Five items reported: two triangulated, two unsettled: the share is 0.4 to 0.8.
    card = impt.scorecard(p, min_triangulated_share=share).loc["DK"]
    got = card["triangulated"]
    assert (pd.isna(got) if expected is pd.NA else got == expected and not pd.isna(got))
    assert pd.isna(card["share_triangulated"])
    known = [bool(v) for v in card[list(impt.regional.RECOMMENDATIONS)] if not pd.isna(v)]
    assert card["met"] == sum(known) and len(known) == 7 - (expected is pd.NA)


def test_compare_studies_leaves_an_unknown_indicator_out(small):
    study, p = small
    change = impt.compare_studies(study, p).loc["DK"]
    assert change["triangulated_items_before"] == 4 and pd.isna(change["triangulated_items_after"])
    assert pd.isna(change["triangulated_items_change"])
    assert (change["improved"], change["worse"]) == (0, 0)
    fig = plots.draw_change(impt.compare_studies(study, p), before=study, after=p)
    assert [t.get_text() for t in fig.findobj(lambda a: (getattr(a, "get_gid", lambda: None)() or "")
                                              .startswith("unknown:"))] == ["not known"]


def test_matching_interviews_has_the_year_and_no_respondent(small):
    _, p = small
    table = matching_interviews(select(p, Selection(sector="civil_society")))
    assert list(table.columns[:5]) == ["interview_id", "country", "year", "sector", "level"]
    assert "respondent" not in table and "date" not in table
    assert table["year"].tolist() == [2010, 2010] and set(table["sector"]) == {"civil_society"}


# --- every function the notebooks use runs on the demo's public export ----------------------

def _explorer(s):
    ex = Explorer(s).set(country="DK", child_group="au_pairs")
    assert ex.flow_image.value and len(ex.tables["interviews"])
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
    "barrier_table_sector": lambda s: impt.barrier_table(s, by="sector"),
    "barrier_table_level": lambda s: impt.barrier_table(s, by="level", country="DK"),
    "barrier_cooccurrence": lambda s: impt.barrier_cooccurrence(s, "DK"),
    "blocked_links": lambda s: impt.blocked_links(s, "DK"),
    "barrier_excerpts": lambda s: impt.barrier_excerpts(s, "DK"),
    "recommend_channels": lambda s: impt.recommend_channels(s, "DK", k=3),
    "cross_border_flows": lambda s: impt.cross_border_flows(s),
    "cross_border_matrix": lambda s: impt.cross_border_matrix(s),
    "scorecard": lambda s: impt.scorecard(s),
    "compare_studies": lambda s: impt.compare_studies(s, s),
    "code_frequencies": lambda s: impt.code_frequencies(s, by="coder"),
    "agreement": lambda s: impt.agreement(s, by="code"),
    "matching_interviews": lambda s: matching_interviews(select(s, Selection(country="DK"))),
    "matching_items": lambda s: matching_items(select(s, Selection(country="DK"))),
    "matching_excerpts": lambda s: matching_excerpts(select(s, Selection(country="DK"))),
    "explorer": _explorer,
    "draw_who_knows_what": lambda s: plots.draw_who_knows_what(s, "DK"),
    "draw_flows": lambda s: plots.draw_flows(s, "DK", highlight=_proposed(s)),
    "draw_barriers": lambda s: plots.draw_barriers(s, "DK"),
    "draw_barriers_by_sector": lambda s: plots.draw_barriers(s, by="sector"),
    "draw_three_aspects": lambda s: plots.draw_three_aspects(s),
    "draw_change": lambda s: plots.draw_change(impt.compare_studies(s, s), before=s, after=s),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_runs_on_the_public_export(public, name):
    result = CALLS[name](public)
    assert result is not None
    if isinstance(result, pd.DataFrame) and name not in ("barrier_excerpts", "matching_excerpts"):
        assert len(result)


def test_the_demo_export_says_what_it_cannot_know(public, demo):
    table = impt.triangulate(public)
    reported = table[table["n_interviews"] > 0]
    # Every sector is hidden: one interview is a single source, several may or may not be triangulated.
    assert (reported["status"].astype(str) == reported["n_interviews"].map(
        lambda n: "single_source" if n == 1 else "sectors_unknown")).all()
    assert reported["n_organisations"].isna().all()
    assert impt.basis(public)["n_sources"].isna().all()
    assert impt.basis(public)["n_interviews"].iat[0] == impt.basis(demo)["n_interviews"].iat[0]
    # A tier's count is the sum of its figures when none is suppressed, and missing otherwise.
    cases = public.case_counts
    hidden = cases.assign(h=cases["count"].isna()).groupby(["country", "year", "tier"], observed=True)["h"].any()
    table = impt.case_count_table(public).set_index(["country", "year", "tier"])
    assert hidden.any() and not hidden.all()
    for key, is_hidden in hidden.items():
        assert pd.isna(table.loc[key, "count"]) == is_hidden, key
    # The same three aspects as the full study: they rest on flows and actors, which are published.
    assert impt.three_aspects(public)[["coordination", "networks", "local_input"]].equals(
        impt.three_aspects(demo)[["coordination", "networks", "local_input"]])
    assert impt.scorecard(public)["triangulated"].dtype == "boolean"


# --- the report notebooks on the public export ----------------------------------------------

def _run(notebook: str, out: Path, **parameters):
    import nbformat
    import papermill

    papermill.execute_notebook(str(REPO / "notebooks" / notebook), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False, cwd=str(REPO / "notebooks"))
    book = nbformat.read(out, as_version=4)
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type in ("error", "stream")]
    return "\n".join(json.dumps(o.get("data", {})) for o in outputs)


def test_country_mapping_runs_on_the_public_export(public, tmp_path):
    text = _run("country_mapping.ipynb", tmp_path / "dk.ipynb", data=str(public.path), country="DK", public=True)
    assert "Information mapping: DK" in text and "sectors_unknown" in text


def test_regional_overview_runs_on_the_public_export(public, tmp_path):
    text = _run("regional_overview.ipynb", tmp_path / "region.ipynb", data=str(public.path), public=True)
    assert "Regional overview" in text
