"""The explorer's widgets, tested without a browser: set the controls, read the panes."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from impt_analysis.reporting.explore import ALL, Explorer, Selection, readable
from impt_analysis.selection import select
from tests.test_selection import small_study

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def small(build):
    """The hand-worked study of ``test_selection``: DK-I1, DK-I2 and SE-I1."""
    return small_study(build)


def values(control):
    return [v for _, v in control.options]


def labels(control):
    return [label for label, _ in control.options]


def test_the_explorer_starts_with_the_whole_study(small):
    ex = Explorer(small)
    assert ex.selection == Selection()
    assert len(ex.tables["interviews"]) == 3
    assert "3 of 3 interviews" in ex.summary.value
    assert "Choose a country" in ex.flow_caption.value and ex.flow_image.value == b""


def test_setting_a_control_updates_every_pane(small):
    ex = Explorer(small)
    ex.set(country="DK")
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "DK-I2"]
    assert "DK-I2" in ex.interviews_pane.value and "SE-I1" not in ex.interviews_pane.value
    assert ex.tables["items"]["item_id"].tolist() == ["T1", "T2", "T3"]
    assert ex.tables["codes"]["code"].tolist() == [
        "good_practice",
        "national_coordination",
        "professional_networks",
    ]
    ex.open_tab("Codes")
    assert "Professional networks" in ex.codes_pane.value and "Cross-border" not in ex.codes_pane.value
    ex.sector.value = "police"  # as a click would: through the observer
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1"]
    assert ex.tables["codes"][["code", "segments", "coders"]].values.tolist() == [
        ["national_coordination", 1, 2]
    ]
    assert "National co-ordination" in ex.codes_pane.value  # the open tab follows


def test_only_the_tab_on_screen_is_drawn_the_others_when_opened(small):
    ex = Explorer(small).set(country="DK")
    assert ex.stale == {"items", "network", "codes", "excerpts", "agreement"}
    assert ex.excerpts_pane.value == "" or "S1" not in ex.excerpts_pane.value
    ex.tabs.selected_index = ex.TABS.index("Excerpts")  # as a click on the tab would
    assert "S1" in ex.excerpts_pane.value and "excerpts" not in ex.stale
    with pytest.raises(ValueError, match="no tab 'Maps'"):
        ex.open_tab("Maps")


def test_a_person_reads_labels_and_words_not_codes(small):
    ex = Explorer(small).set(country="DK")
    pane = ex.interviews_pane.value
    assert "<th" in pane and ">Interview<" in pane and ">Sector<" in pane and ">Denmark<" in pane
    assert ">Police<" in pane and ">NGO<" in pane and ">police<" not in pane and "interview_id" not in pane
    assert not re.search(r">(None|nan|&lt;NA&gt;|NaN)<", pane)
    assert re.search(r'<td class="num">2</td>', pane)  # counts right-aligned
    assert '<td class="id">DK-I1</td>' in pane  # IDs not broken
    ex.open_tab("Items")
    items = ex.items_pane.value
    assert "Roma children and young people" in items and "roma_children" not in items
    assert ">Strongest verification<" in items and ">Official data<" in items
    assert not re.search(r">(None|nan|&lt;NA&gt;)<", items)


def test_readable_leaves_unknown_empty_and_labels_generalised_codes(demo):
    frame = pd.DataFrame(
        {
            "sector": ["any_sector", None, "civil_society", "made_up_code"],
            "level": ["local_regional", "national", None, None],
            "respondent": [None, "x", None, None],
            "flows": [1, 2, 3, 4],
        }
    )
    out = readable(frame, demo)
    assert out.columns.tolist() == ["Sector", "Level", "Respondent", "Flows"]
    assert out["Sector"].tolist() == ["Any sector", "", "Civil society", "Made up code"]
    assert out["Level"].tolist() == ["Local or regional", "National", "", ""]
    assert out["Respondent"].tolist() == ["", "x", "", ""]
    assert out["Flows"].tolist() == [1, 2, 3, 4]


def test_the_flow_caption_and_the_network_for_one_country(small):
    ex = Explorer(small).set(country="DK")
    assert "3 flows reported in 2 selected interviews" in ex.flow_caption.value
    assert "Who tells whom in Denmark" in ex.flow_caption.value
    ex.open_tab("Network")
    assert ex.network_pane.value.startswith('<iframe class="impt-network"')
    ex.set(sector="police", child_group="roma_children")  # DK-I1 reported no Roma children
    assert ex.network_pane.value == "" and "No flows were reported" in ex.flow_caption.value
    assert "No interviews match" in ex.open_tab("Interviews").interviews_pane.value


def test_the_network_is_kept_once_drawn(small, monkeypatch):
    import impt_analysis.reporting.network_view as nv

    ex = Explorer(small).set(country="DK").open_tab("Network")
    calls = []
    real = nv.network_iframe
    monkeypatch.setattr(nv, "network_iframe", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    ex.set(sector="police")
    ex.set(sector=None)
    assert calls == ["DK"]  # police drawn once; all sectors kept from before


def test_the_static_figure_is_drawn_on_request(small):
    ex = Explorer(small).set(country="DK")
    assert ex.flow_image.value == b""
    assert ex.draw_static().startswith(PNG) and bytes(ex.flow_image.value).startswith(PNG)
    ex.set(country=None)
    assert ex.flow_image.value == b"" and ex.draw_static() == b""


def test_several_countries_at_once(small):
    ex = Explorer(small).set(country=("DK", "SE"))
    assert ex.selection.country == ("DK", "SE") and ex.country.value == ("DK", "SE")
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "DK-I2", "SE-I1"]
    assert "Denmark and Sweden" in ex.summary.value
    assert "Choose one country" in ex.flow_caption.value
    ex.set(sector="police")
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "SE-I1"]


def test_a_word_found_nowhere_says_so(small):
    ex = Explorer(small)
    ex.search.value = "trampoline"
    for tab in ("Interviews", "Items", "Codes", "Excerpts"):
        ex.open_tab(tab)
    for pane in (ex.interviews_pane, ex.items_pane, ex.codes_pane, ex.excerpts_pane):
        assert "No matching excerpts: no coded excerpt contains &quot;trampoline&quot;" in pane.value
    assert len(ex.tables["interviews"]) == 0


def test_excerpts_are_escaped_and_the_word_marked(small):
    ex = Explorer(small).set(country="DK", search="ministry").open_tab("Excerpts")
    assert ex.tables["excerpts"]["segment_id"].tolist() == ["S1"]
    assert "report to the &lt;b&gt;<mark>Ministry</mark>&lt;/b&gt; every month" in ex.excerpts_pane.value
    assert "<b>Ministry" not in ex.excerpts_pane.value


def test_set_refreshes_once_and_rejects_unknown_controls(small, monkeypatch):
    ex = Explorer(small)
    calls = []
    monkeypatch.setattr(ex, "refresh", lambda: calls.append(ex.selection))
    ex.set(country="SE", verification="official", search="danish")
    assert calls == [Selection(country="SE", verification="official", search="danish")]
    with pytest.raises(TypeError, match="no such control: colour"):
        ex.set(colour="red")
    with pytest.raises(ValueError, match="unknown country 'XX'"):
        ex.set(country=("DK", "XX"))


def test_an_initial_selection_sets_the_controls(small):
    ex = Explorer(small, Selection(country="SE", search="danish"))
    assert (ex.country.value, ex.search.value) == (("SE",), "danish")
    assert ex.tables["excerpts"]["segment_id"].tolist() == ["S3"]


def test_the_dropdowns_offer_what_the_selection_holds_with_counts(small):
    ex = Explorer(small)
    assert values(ex.country) == ["DK", "SE"] and labels(ex.country) == ["Denmark (2)", "Sweden (1)"]
    assert labels(ex.sector) == ["All sectors", "Police (2)", "NGO (1)"]
    assert labels(ex.child_group) == [
        "All child groups",
        "Roma children and young people (2)",
        "Girls working as au pairs (2)",
    ]
    assert values(ex.verification) == [ALL, "official", "maybe", "anecdotal"]
    assert labels(ex.verification)[1:] == [
        "Official data (2)",
        "Maybe-information (1)",
        "Anecdotal evidence (1)",
    ]
    ex.set(country="SE")  # Sweden: one police interview, one item
    assert labels(ex.sector) == ["All sectors", "Police (1)"]
    assert labels(ex.child_group) == ["All child groups", "Girls working as au pairs (1)"]
    assert labels(ex.country) == [
        "Denmark (2)",
        "Sweden (1)",
    ]  # the country's own filter is not applied to it
    ex.set(country=None, sector="ngo")  # NGOs: only DK-I2
    assert labels(ex.country) == ["Denmark (1)"]
    assert labels(ex.verification)[1:] == ["Maybe-information (1)", "Anecdotal evidence (1)"]


def test_all_chosen_again_is_never_blank(small):
    ex = Explorer(small).set(country="DK", sector="police", child_group="au_pairs", verification="official")
    ex.sector.value = ALL  # "All sectors" chosen again, by a click
    ex.child_group.value = ALL
    ex.verification.value = ALL
    assert (ex.sector.label, ex.child_group.label, ex.verification.label) == (
        "All sectors",
        "All child groups",
        "Any verification",
    )
    ex.sector.value = None  # None from code is "all" too
    assert ex.sector.value == ALL and ex.sector.label == "All sectors"
    ex.set(sector="police")
    assert ex.sector.label == "Police (1)"
    ex.country.value = ()  # no country chosen: every country
    assert ex.selection.country is None and ex.sector.label == "Police (2)"


def test_the_busy_state_is_shown_while_updating(small):
    ex = Explorer(small)
    seen = []
    ex.status.observe(lambda change: seen.append(change["new"]), names="value")
    classes = []
    ex.tabs.observe(lambda change: classes.append(tuple(change["new"])), names="_dom_classes")
    ex.set(country="DK")
    assert [s for s in seen if s] and "Updating" in seen[0] and seen[-1] == ""
    assert classes[0] == ("impt-stale",) and classes[-1] == ()


def test_searching_a_public_export_shows_the_reason(small):
    public = dataclasses.replace(
        small, codings=small.codings.drop(columns="excerpt"), meta={"impt:public": True}
    )
    ex = Explorer(public)
    ex.search.value = "police"
    assert "this study has no excerpts" in ex.summary.value
    assert ex.tables == {} and ex.interviews_pane.value == ""


def test_the_demo_study_in_the_explorer_writes_nothing(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = Explorer(demo)
    assert "Synthetic demonstration data" in ex.widget.children[0].value
    ex.set(country="DK", search="school").open_tab("Network")
    assert ex.network_pane.value.startswith("<iframe")
    assert ex.draw_static().startswith(PNG)
    assert len(ex.tables["excerpts"]) > 0
    assert all("school" in e.lower() for e in ex.tables["excerpts"]["excerpt"])
    assert list(tmp_path.iterdir()) == []


def test_links_carrying_the_chosen_child_group_are_highlighted(small):
    ex = Explorer(small).set(country="DK", child_group="roma_children")
    assert ex.highlighted == [("A3", "A1")]  # F2, about T2
    assert "1 link carrying information on this child group" in ex.flow_caption.value
    ex.open_tab("Network")
    assert "carries information on roma children and young people" in ex.network_pane.value
    ex.child_group.value = "au_pairs"  # DK-I1 and DK-I2 both reported T1
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "DK-I2"]
    assert ex.highlighted == [("A3", "A2")]  # F3, about T1; F1 is about no item
    ex.child_group.value = ALL
    assert ex.highlighted == [] and "Magenta" not in ex.flow_caption.value


def test_the_agreement_tab_measures_the_selected_double_coded_segments(small):
    ex = Explorer(small).set(country="DK").open_tab("Agreement")
    # Only DK-I1 is coded by two coders, both with national_coordination on [0, 53): they
    # agree, and kappa and alpha are undefined because every decision is the same.
    got = ex.tables["agreement"][
        ["code", "n_documents", "n_coders", "n_units", "percent_agreement"]
    ].values.tolist()
    assert got == [["(all codes, pooled)", 1, 2, 53, 1.0], ["national_coordination", 1, 2, 53, 1.0]]
    assert ex.tables["agreement"]["cohen_kappa"].isna().all()
    assert (
        "the 1 interview of the selection that two or more coders coded (53 coded characters)"
        in ex.agreement_pane.value
    )
    assert "1 coded by one coder only is not compared: DK-I2" in ex.agreement_pane.value
    assert "No passage where the coders differ" in ex.agreement_pane.value
    ex.set(country="SE")
    assert "No interview in Sweden was coded by two or more coders" in ex.agreement_pane.value


def test_an_error_while_updating_is_shown_not_swallowed(small, monkeypatch, caplog):
    ex = Explorer(small)

    def broken(selection):
        raise RuntimeError("the summary could not be written")

    monkeypatch.setattr(ex, "_summary", broken)
    ex.sector.value = "police"  # as a click would: through the observer
    assert "RuntimeError: the summary could not be written" in ex.summary.value
    assert "the explorer could not update" in caplog.text
    assert ex.status.value == ""  # not left busy
    with pytest.raises(RuntimeError):  # called from code, it raises
        ex.refresh()


def test_the_selection_of_several_countries(small):
    view = select(small, Selection(country=("SE", "DK"), child_group="au_pairs"))
    assert view.items["item_id"].tolist() == ["T1", "U1"]
    assert Selection(country=("DK",)) == Selection(country="DK")
    assert Selection(country=()).country is None


def test_a_table_sorts_by_any_column(small):
    ex = Explorer(small).set(country="DK")
    sorter = ex.sorters["interviews"]
    assert labels(sorter)[:3] == ["the study's order", "Interview", "Country"]
    sorter.value = "Flows"  # DK-I1 reported 1 flow, DK-I2 2: largest first
    pane = ex.interviews_pane.value
    assert pane.index("DK-I2") < pane.index("DK-I1")
    sorter.value = "Interview"  # text from A to Z
    assert ex.interviews_pane.value.index("DK-I1") < ex.interviews_pane.value.index("DK-I2")
    ex.set(country=None)  # the choice stays over a change of selection
    assert sorter.value == "Interview" and "SE-I1" in ex.interviews_pane.value


def test_an_excerpt_opens_in_its_interview_context(small):
    ex = Explorer(small).set(country="DK").open_tab("Excerpts")
    pane = ex.excerpts_pane.value
    assert pane.count("<details>") == 2  # S1 and S2, each with its interview's passages
    assert (
        '<summary>Our network meets the school each quarter.</summary><div class="impt-context">'
        "<p>Interview DK-I2, its coded passages in the order of the text:</p>"
        '<ol><li class="here">Our network meets the school each quarter.</li></ol>'
    ) in pane


def test_a_selection_the_study_refuses_keeps_every_dropdown(small):
    public = dataclasses.replace(
        small, codings=small.codings.drop(columns="excerpt"), meta={"impt:public": True}
    )
    ex = Explorer(public).set(country="DK", sector="police", search="school")  # no excerpts to search
    assert "this study has no excerpts" in ex.summary.value
    assert ex.sector.label.startswith("Police") and ex.country.value == ("DK",)
