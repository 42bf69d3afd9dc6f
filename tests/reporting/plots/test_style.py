"""The house style of the figures: colours by sector group, a study's own sectors and kinds, captions, the title band."""

from __future__ import annotations

import pandas as pd
from matplotlib.colors import to_rgb

from impt_analysis.codebook import default_codebook
from impt_analysis.reporting.plots.style import (
    EXTRA_COLOURS,
    VERIFICATION_COLOURS,
    codebook_look,
    counted,
    country_name,
    figure_look,
    finish,
    interviews_of,
    new_figure,
    public_note,
    sector_colour,
    sector_group,
    short_name,
    synthetic_note,
)
from tests.reporting.plots.figures import text


def test_a_sector_takes_the_colour_and_legend_place_of_its_group():
    # Okabe-Ito blue for police and justice, vermillion for NGOs, faith, labour and business
    assert sector_colour("prosecution") == sector_colour("judiciary") == "#0072B2"
    assert sector_colour("faith_based") == "#D55E00"
    assert sector_group("health") == (3, "Health and education")
    # outside the default codebook: white, after the eight groups
    assert sector_colour("fisheries") == "#FFFFFF"
    assert sector_group("fisheries") == (8, "Other sectors")


def extended_codebook() -> pd.DataFrame:
    """The default codebook with a sector, an actor kind and a verification level of the study's own."""
    extra = pd.DataFrame(
        [
            {"code": "fisheries", "category": "sector", "label": "Fisheries inspectorate"},
            {"code": "task_force", "category": "kind", "label": "Task force"},
            {"code": "rumour", "category": "verification", "label": "Rumour"},
        ]
    )
    return pd.concat([default_codebook(), extra], ignore_index=True).fillna("")


def test_a_study_s_own_sector_and_kind_get_a_colour_and_a_marker_of_their_own():
    look = codebook_look(extended_codebook())
    # the first extra sector: the first of Paul Tol's muted colours, in a group after the eight
    assert look.sector_colour("fisheries") == EXTRA_COLOURS[0] == "#332288"
    assert look.sector_group("fisheries") == (8, "Fisheries inspectorate")
    assert look.group_colours()["Fisheries inspectorate"] == "#332288"
    assert look.sector_colour("police") == "#0072B2"  # the default groups stay
    # the first extra kind: the first extra marker; the four kinds of the codebook keep theirs
    assert look.kind_markers["task_force"] == "^"
    assert look.kind_markers["contact_point"] == "p" and look.kind_labels["task_force"] == "Task force"


def test_verification_levels_are_shaded_weakest_lightest(build):
    study = build(
        [{"actor_id": "D", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"}]
    )
    default = figure_look(study)  # the default codebook: the three blues of VERIFICATION_COLOURS
    assert default.verification == ("anecdotal", "maybe", "official")
    assert default.verification_colours == VERIFICATION_COLOURS
    # a fourth level, listed last (so weakest): one blue scale, lighter the weaker
    look = codebook_look(extended_codebook())
    assert look.verification == ("rumour", "anecdotal", "maybe", "official")
    lightness = [sum(to_rgb(look.verification_colours[v])) for v in look.verification]
    assert lightness == sorted(lightness, reverse=True) and len(set(lightness)) == 4


def test_counts_below_the_threshold_are_marks_on_a_public_caption():
    assert counted(1, "interview") == "1 interview" and counted(4, "flow") == "4 flows"
    assert counted(4, "flow", public=True) == "<5 flows"
    assert counted(5, "flow", public=True) == "5 flows"  # 5 is not below 5
    assert counted(0, "flow", public=True) == "0 flows"  # nothing to hide
    assert counted(2, "flow", True, suppress_below=3) == "<3 flows"
    assert public_note(False) == ""
    assert public_note(True, 3) == " · public: counts below 3 shown as <3"


def test_names_countries_and_interviews_for_captions(build, demo):
    assert short_name("Municipal child protection service (Jugendamt), town A") == (
        "Municipal child protection service, town A"
    )
    assert country_name("DK") == "Denmark" and country_name(None) == "the Baltic Sea region"
    assert country_name("XX") == "XX"  # not a country: shown as given
    study = build(
        [
            {"actor_id": "D", "country": "DK", "sector": "police", "level": "local", "kind": "organisation"},
            {"actor_id": "S", "country": "SE", "sector": "ngo", "level": "local", "kind": "organisation"},
        ]
    )
    assert interviews_of(study, "SE")["interview_id"].tolist() == ["SE-I1"]
    assert interviews_of(study, None)["interview_id"].tolist() == ["DK-I1", "SE-I1"]
    assert synthetic_note(study) == "" and synthetic_note(None) == ""
    assert synthetic_note(demo) == " · synthetic demonstration data"


def test_finish_puts_title_and_subtitle_in_the_band():
    fig = finish(new_figure(3.0), "Who tells whom", "basis " * 100)
    assert fig.get_figwidth() == 10.0  # a report page
    assert text(fig, "title") == "Who tells whom"
    # a long subtitle is wrapped to three lines at most, the rest cut with an ellipsis
    subtitle = next(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")
    assert subtitle.count("\n") == 2 and subtitle.endswith("…")
