"""Who knows what: the strongest verification of each actor's knowledge of each item, in rows by level."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from impt_analysis.reporting import plots
from impt_analysis.reporting.plots.style import VERIFICATION_COLOURS
from tests.reporting.plots.figures import artists, renders, text


def test_who_knows_what_cells(small):
    fig = plots.draw_who_knows_what(small, "DK")
    assert text(fig, "title") == "Who knows what in Denmark"
    assert text(fig, "subtitle").startswith(
        "3 interviews · 4 reports of an actor knowing an item (1 official data, 1 maybe-information, "
        "2 anecdotal evidence)"
    )
    assert "(1 outside actor with no knowledge of these items not shown)" in text(fig, "subtitle")
    ax = fig.axes[0]
    # rows: national (police, network, coordinator by sector group), regional, local; SE-N knows nothing
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [
        "National police unit",
        "Network of child protection professionals",
        "National coordination unit",
        "Regional NGO shelter",
        "Municipal social services, town A",
    ]
    assert [t.get_fontweight() for t in ax.get_yticklabels()][2] == "bold"
    cols = [t.get_text() for t in ax.get_xticklabels()]
    assert cols == ["DK-T1", "DK-T2"]  # trend before incident
    mesh = artists(fig, "cells")["cells"]
    values = np.ma.asarray(mesh.get_array()).reshape(5, 2)
    strongest = [[None if values.mask[r, c] else int(values[r, c]) for c in range(2)] for r in range(5)]
    # 0 anecdotal, 1 maybe, 2 official: DK-S knows T2 as anecdotal and as maybe -> maybe
    assert strongest == [[2, None], [None, None], [None, None], [None, None], [0, 1]]
    assert mesh.cmap(mesh.norm(2)) == to_rgba(VERIFICATION_COLOURS["official"])
    assert mesh.cmap(mesh.norm(0)) == to_rgba(VERIFICATION_COLOURS["anecdotal"])
    assert renders(fig)


def test_who_knows_what_needs_a_known_country(small):
    with pytest.raises(ValueError, match="needs a country"):
        plots.draw_who_knows_what(small, None)
    with pytest.raises(ValueError, match="'XX'"):
        plots.draw_who_knows_what(small, "XX")


def test_who_knows_what_demo(demo):
    fig = plots.draw_who_knows_what(demo, "DK")
    assert len(fig.axes[0].get_xticklabels()) == 10
    assert "synthetic demonstration data" in text(fig, "subtitle")
