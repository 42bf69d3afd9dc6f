"""Barriers named: the share of interviews naming each, by country or group, small counts hidden when public."""

from __future__ import annotations

import pandas as pd
import pytest

from impt_analysis.reporting import plots
from tests.reporting.plots.figures import artists, renders, text


def bar_widths(fig):
    return {gid: round(bar.get_width(), 2) for gid, bar in artists(fig, "bar:").items()}


def test_barriers_country(small):
    fig = plots.draw_barriers(small, "DK")
    assert text(fig, "title") == "Barriers to information management named in Denmark"
    assert text(fig, "subtitle").startswith("3 interviews in Denmark, 4 mentions of a barrier")
    # data protection: DK-I1 (twice) and DK-I2 of 3 interviews; lack of resources: DK-I2
    assert bar_widths(fig) == {"bar:all:data_protection_rules": 66.67, "bar:all:lack_of_resources": 33.33}
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lack of resources", "Data protection rules"]
    assert renders(fig)


def test_barriers_region_by_level(small):
    fig = plots.draw_barriers(small, by="level")
    assert (
        text(fig, "title")
        == "Barriers to information management named in the Baltic Sea region, by the interviewee's level"
    )
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == [
        "Local (1 interview)",
        "National (3 interviews)",
    ]
    assert bar_widths(fig) == {
        "bar:local:data_protection_rules": 100.0,
        "bar:local:lack_of_resources": 100.0,
        "bar:local:lack_of_trust_ngo_authorities": 0.0,
        "bar:national:data_protection_rules": 33.33,
        "bar:national:lack_of_resources": 0.0,
        "bar:national:lack_of_trust_ngo_authorities": 33.33,
    }


def test_barriers_refuse_unknown_country_and_grouping(small):
    with pytest.raises(ValueError, match="'XX'"):
        plots.draw_barriers(small, "XX")
    with pytest.raises(ValueError, match="by must be"):
        plots.draw_barriers(small, by="colour")


def test_barriers_demo_by_country(demo):
    fig = plots.draw_barriers(demo, by="country")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 9
    assert text(fig, "subtitle").startswith("60 interviews in the Baltic Sea region")


def test_barriers_public_hides_small_bars_and_every_count(small):
    """DK: data protection in 2 of 3 interviews, lack of resources in 1: both below 5, so on a
    public figure neither is drawn; each shows "<5", no bar end carries a count, and the caption
    gives no number of mentions and shows the 3 interviews as "<5"."""
    fig = plots.draw_barriers(small, "DK", public=True)
    assert bar_widths(fig) == {"bar:all:data_protection_rules": 0.0, "bar:all:lack_of_resources": 0.0}
    marks = {gid: a.get_text() for gid, a in artists(fig, "hidden:").items()}
    assert marks == {"hidden:all:data_protection_rules": "<5", "hidden:all:lack_of_resources": "<5"}
    numbers = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().strip().isdigit()]
    assert numbers == []
    subtitle = text(fig, "subtitle")
    assert subtitle.startswith("<5 interviews in Denmark") and "mention" not in subtitle
    assert "no bar for a barrier named in fewer than 5 interviews" in subtitle


def test_barriers_public_marks_what_the_export_suppressed():
    """A count left empty by the public export keeps its reason: primary "<5", secondary "suppressed"."""
    from impt_analysis.reporting.plots.barriers import _hide_small

    table = pd.DataFrame(
        {
            "barrier": ["a", "b", "c", "d"],
            "interviews": pd.array([None, None, 7, 0], dtype="Int64"),
            "share": [None, None, 0.7, 0.0],
            "suppression": ["primary", "secondary", "", ""],
        }
    )
    shown = _hide_small(table, 5)
    assert shown["mark"].tolist() == ["<5", "suppressed", "", ""]
    assert shown["share"].tolist()[2:] == [0.7, 0.0] and shown["share"].isna().tolist()[:2] == [True, True]
