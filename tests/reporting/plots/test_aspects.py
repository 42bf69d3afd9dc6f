"""The three aspects by country, derived beside published, with the cells that disagree marked."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from impt_analysis.reporting import plots
from impt_analysis.reporting.plots.style import VERDICT_STYLE
from tests.reporting.plots.figures import artists, renders, text


def test_three_aspects_marks_disagreement():
    # published: DK X X X, EE (X) X -; given EE coordination X: one of six cells disagrees
    frame = pd.DataFrame(
        {"coordination": ["X", "X"], "networks": ["X", "X"], "local_input": ["X", "-"]},
        index=pd.Index(["DK", "EE"], name="country"),
    )
    fig = plots.draw_three_aspects(frame)
    assert text(fig, "title") == "The three aspects of national information management, by country"
    assert "5 of 6 cells agree" in text(fig, "subtitle")
    assert list(artists(fig, "disagree:")) == ["disagree:EE:coordination"]
    cells = artists(fig, "cell:")
    assert len(cells) == 12  # 2 countries x 3 aspects x (derived, published)
    assert cells["cell:DK:coordination:derived"].get_facecolor() == to_rgba(VERDICT_STYLE["X"][0])
    assert cells["cell:EE:coordination:published"].get_facecolor() == to_rgba(VERDICT_STYLE["(X)"][0])
    assert cells["cell:EE:local_input:derived"].get_facecolor() == to_rgba(VERDICT_STYLE["-"][0])
    assert renders(fig)


def test_three_aspects_without_reference_and_unknown_country():
    frame = pd.DataFrame({"coordination": ["X"], "networks": ["(X)"], "local_input": ["-"]}, index=["IS"])
    fig = plots.draw_three_aspects(frame, reference=False)
    assert sorted(artists(fig, "cell:")) == [
        "cell:IS:coordination:derived",
        "cell:IS:local_input:derived",
        "cell:IS:networks:derived",
    ]
    assert artists(fig, "disagree:") == {}
    fig = plots.draw_three_aspects(frame)  # IS: nothing published to compare with
    assert "0 of 0 cells agree" in text(fig, "subtitle") and artists(fig, "disagree:") == {}


def test_three_aspects_refuses_a_frame_without_aspects():
    with pytest.raises(ValueError, match="networks"):
        plots.draw_three_aspects(pd.DataFrame({"coordination": ["X"]}, index=["DK"]))


def test_three_aspects_demo_all_agree(demo):
    fig = plots.draw_three_aspects(demo)
    subtitle = text(fig, "subtitle")
    assert subtitle.startswith("Derived from 60 interviews in 9 countries")
    assert "27 of 27 cells agree" in subtitle and "synthetic demonstration data" in subtitle
    assert artists(fig, "disagree:") == {} and len(artists(fig, "cell:")) == 54
    row_labels = [t.get_text() for t in fig.axes[0].texts]
    assert "Denmark (DK) · 7 interviews" in row_labels
    assert "Lithuania (LT) · 6 interviews †" in row_labels  # the report's prose disagrees with its table
    assert text(fig, "footnote").startswith("† The report's prose disagrees with its table: DE:")
