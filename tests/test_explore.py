"""The explorer's widgets, tested without a browser: set the controls, read the panes."""

from __future__ import annotations

import dataclasses

import pytest
from test_selection import small_study

from impt_analysis.explore import Explorer, Selection

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def small(build):
    """The hand-worked study of ``test_selection``: DK-I1, DK-I2 and SE-I1."""
    return small_study(build)


def test_the_explorer_starts_with_the_whole_study(small):
    ex = Explorer(small)
    assert ex.selection == Selection()
    assert len(ex.tables["interviews"]) == 3
    assert "3 of 3 interviews" in ex.summary.value
    assert "Choose a country" in ex.flow_caption.value and ex.flow_image.value == b""


def test_setting_a_control_updates_every_pane(small):
    ex = Explorer(small)
    ex.country.value = "DK"
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "DK-I2"]
    assert "DK-I2" in ex.interviews_pane.value and "SE-I1" not in ex.interviews_pane.value
    assert ex.tables["items"]["item_id"].tolist() == ["T1", "T2", "T3"]
    assert ex.tables["codes"]["code"].tolist() == ["good_practice", "national_coordination", "professional_networks"]
    assert "professional_networks" in ex.codes_pane.value and "cross_border" not in ex.codes_pane.value
    ex.sector.value = "police"
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1"]
    assert ex.tables["codes"][["code", "segments", "coders"]].values.tolist() == [["national_coordination", 1, 2]]


def test_the_flow_graph_is_drawn_for_the_country(small):
    ex = Explorer(small)
    ex.country.value = "DK"
    assert bytes(ex.flow_image.value).startswith(PNG)
    assert "3 flows reported in 2 selected interviews" in ex.flow_caption.value
    ex.set(sector="police", child_group="roma_children")          # DK-I1 reported no Roma children
    assert ex.flow_image.value == b"" and "No interviews match" in ex.interviews_pane.value


def test_a_word_found_nowhere_says_so(small):
    ex = Explorer(small)
    ex.search.value = "trampoline"
    for pane in (ex.interviews_pane, ex.items_pane, ex.codes_pane, ex.excerpts_pane):
        assert 'No matching excerpts: no coded excerpt contains &quot;trampoline&quot;' in pane.value
    assert len(ex.tables["interviews"]) == 0


def test_excerpts_are_escaped_and_the_word_marked(small):
    ex = Explorer(small).set(country="DK", search="ministry")
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


def test_an_initial_selection_sets_the_controls(small):
    ex = Explorer(small, Selection(country="SE", search="danish"))
    assert (ex.country.value, ex.search.value) == ("SE", "danish")
    assert ex.tables["excerpts"]["segment_id"].tolist() == ["S3"]


def test_the_dropdowns_offer_what_the_study_holds(small):
    ex = Explorer(small)
    assert [v for _, v in ex.country.options] == [None, "DK", "SE"]
    assert [v for _, v in ex.sector.options] == [None, "police", "ngo"]
    assert [v for _, v in ex.child_group.options] == [None, "roma_children", "au_pairs"]
    assert [v for _, v in ex.verification.options] == [None, "official", "maybe", "anecdotal"]


def test_searching_a_public_export_shows_the_reason(small):
    public = dataclasses.replace(small, codings=small.codings.drop(columns="excerpt"), meta={"impt:public": True})
    ex = Explorer(public)
    ex.search.value = "police"
    assert "this study has no excerpts" in ex.summary.value
    assert ex.tables == {} and ex.interviews_pane.value == ""


def test_the_demo_study_in_the_explorer_writes_nothing(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = Explorer(demo)
    assert "Synthetic demonstration data" in ex.widget.children[0].value
    ex.set(country="DK", search="school")
    assert bytes(ex.flow_image.value).startswith(PNG)
    assert len(ex.tables["excerpts"]) > 0
    assert all("school" in e.lower() for e in ex.tables["excerpts"]["excerpt"])
    assert list(tmp_path.iterdir()) == []


def test_links_carrying_the_chosen_child_group_are_highlighted(small):
    ex = Explorer(small).set(country="DK", child_group="roma_children")
    assert ex.highlighted == [("A3", "A1")]                        # F2, about T2
    assert "1 link carrying information on this child group" in ex.flow_caption.value
    ex.child_group.value = "au_pairs"                              # DK-I1 and DK-I2 both reported T1
    assert ex.tables["interviews"]["interview_id"].tolist() == ["DK-I1", "DK-I2"]
    assert ex.highlighted == [("A3", "A2")]                        # F3, about T1; F1 is about no item
    ex.child_group.value = None
    assert ex.highlighted == [] and "Magenta" not in ex.flow_caption.value


def test_the_agreement_tab_measures_the_selected_double_coded_segments(small):
    ex = Explorer(small).set(country="DK")
    # Only S1 is coded by two coders, both with national_coordination: they agree, and
    # kappa and alpha are undefined because every decision is the same.
    got = ex.tables["agreement"][["code", "n_segments", "n_coders", "percent_agreement"]].values.tolist()
    assert got == [["(all codes, pooled)", 1, 2, 1.0], ["national_coordination", 1, 2, 1.0]]
    assert ex.tables["agreement"]["cohen_kappa"].isna().all()
    assert "the 1 segment of the selection that two or more coders coded" in ex.agreement_pane.value
    ex.country.value = "SE"
    assert "No segment in country SE was coded by two or more coders" in ex.agreement_pane.value


def test_an_error_while_updating_is_shown_not_swallowed(small, monkeypatch, caplog):
    ex = Explorer(small)

    def broken(selection):
        raise RuntimeError("the figure could not be drawn")

    monkeypatch.setattr(ex, "_draw_flows", broken)
    ex.country.value = "DK"                                        # as a click would: through the observer
    assert "RuntimeError: the figure could not be drawn" in ex.summary.value
    assert "the explorer could not update" in caplog.text
    with pytest.raises(RuntimeError):                              # called from code, it raises
        ex.refresh()
