"""Who tells whom: titles and basis, every actor and link, line styles, colours, shapes, layers, labels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle

from impt_analysis.reporting import plots
from tests.reporting.plots.figures import artists, renders, text


def marker_path(marker):
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def test_flows_title_and_basis(small):
    fig = plots.draw_flows(small, "DK")
    assert isinstance(fig, Figure)
    assert text(fig, "title") == "Who tells whom: information flows in Denmark"
    # 5 flows; pairs P->C (regular + ad hoc), S->R, N->C, C->SE-N: 4 links, 2 regular
    assert text(fig, "subtitle").startswith(
        "3 interviews · 5 reported flows between 6 actors, drawn as 4 links: 2 regular, 2 ad hoc only"
    )
    assert renders(fig)


def test_flows_draws_every_actor_and_link(small):
    fig = plots.draw_flows(small, "DK")
    nodes, edges = artists(fig, "node:"), artists(fig, "edge:")
    assert sorted(nodes) == ["node:DK-C", "node:DK-N", "node:DK-P", "node:DK-R", "node:DK-S", "node:SE-N"]
    assert sorted(edges) == ["edge:DK-C->SE-N", "edge:DK-N->DK-C", "edge:DK-P->DK-C", "edge:DK-S->DK-R"]
    assert artists(fig, "highlight:") == {}


def test_flows_regular_solid_ad_hoc_dashed(small):
    edges = artists(plots.draw_flows(small, "DK"), "edge:")
    assert edges["edge:DK-P->DK-C"].get_linestyle() == "-"  # one of its two flows is regular
    assert edges["edge:DK-N->DK-C"].get_linestyle() == "-"
    assert edges["edge:DK-S->DK-R"].get_linestyle() == "--"
    assert edges["edge:DK-C->SE-N"].get_linestyle() == "--"
    # two flows draw a thicker arrow than one
    assert edges["edge:DK-P->DK-C"].get_linewidth() > edges["edge:DK-N->DK-C"].get_linewidth()


def test_flows_colour_by_sector_group(small):
    nodes = artists(plots.draw_flows(small, "DK"), "node:")

    def face(n):
        return tuple(nodes[f"node:{n}"].get_facecolor()[0])

    assert face("DK-P") == to_rgba("#0072B2")  # police: Okabe-Ito blue
    assert face("DK-S") == to_rgba("#E69F00")  # social services: orange
    assert face("DK-R") == to_rgba("#D55E00")  # NGO: vermillion
    assert face("DK-C") == face("SE-N") == to_rgba("#F0E442")  # government: yellow
    assert plots.sector_colour("judiciary") == plots.sector_colour("police")


def test_flows_marks_coordination_and_networks(small):
    nodes = artists(plots.draw_flows(small, "DK"), "node:")

    def same_marker(n, marker):
        return np.allclose(nodes[f"node:{n}"].get_paths()[0].vertices, marker_path(marker).vertices)

    assert same_marker("DK-C", "D") and same_marker("SE-N", "p")
    assert same_marker("DK-N", "s") and same_marker("DK-P", "o")
    thick = {n for n, a in nodes.items() if a.get_linewidths()[0] > 2}
    assert thick == {"node:DK-C", "node:SE-N"}


def test_flows_layers_local_at_the_bottom(small):
    nodes = artists(plots.draw_flows(small, "DK"), "node:")
    y = {gid[5:]: a.get_offsets()[0][1] for gid, a in nodes.items()}
    assert y["DK-S"] < y["DK-R"] < y["DK-P"] == y["DK-N"] < y["DK-C"] < y["SE-N"]


def test_flows_labels_are_short_role_names(small):
    labels = artists(plots.draw_flows(small, "DK"), "label:")
    assert len(labels) == 6
    assert " ".join(labels["label:DK-S"].get_text().split()) == "Municipal social services, town A"
    assert labels["label:SE-N"].get_text().startswith("SE: ")


def test_flows_highlight(small):
    fig = plots.draw_flows(small, "DK", highlight=[("DK-S", "DK-C")], highlight_label="recommended channel")
    marked = artists(fig, "highlight:")
    assert list(marked) == ["highlight:DK-S->DK-C"]
    assert marked["highlight:DK-S->DK-C"].get_linestyle() not in ("-", "solid")
    assert len(artists(fig, "edge:")) == 4
    legend_texts = [
        t.get_text()
        for ax in fig.axes
        for a in ax.get_children()
        if isinstance(a, matplotlib.legend.Legend)
        for t in a.get_texts()
    ]
    assert "recommended channel" in legend_texts


def test_flows_refuses_unknown_highlight_and_country(small):
    with pytest.raises(ValueError, match="'DK-X'"):
        plots.draw_flows(small, "DK", highlight=[("DK-S", "DK-X")])
    with pytest.raises(ValueError, match="'XX'"):
        plots.draw_flows(small, "XX")


def test_flows_region_has_no_labels(small):
    fig = plots.draw_flows(small, None)
    assert text(fig, "title") == "Who tells whom: information flows in the Baltic Sea region"
    assert text(fig, "subtitle").startswith("4 interviews · 5 reported flows between 6 actors")
    assert len(artists(fig, "node:")) == 6 and artists(fig, "label:") == {}


def test_flows_demo_country(demo):
    fig = plots.draw_flows(demo, "FI")
    assert len(artists(fig, "node:")) == 23 and len(artists(fig, "edge:")) == 30
    assert "synthetic demonstration data" in text(fig, "subtitle")


def test_flows_public_draws_no_number_of_flows_as_width(small):
    """Police -> coordinator carries two flows: thicker on a report page, the same width on a public one."""
    widths = {gid: a.get_linewidth() for gid, a in artists(plots.draw_flows(small, "DK"), "edge:").items()}
    assert widths["edge:DK-P->DK-C"] > widths["edge:DK-N->DK-C"]
    public = {
        gid: a.get_linewidth()
        for gid, a in artists(plots.draw_flows(small, "DK", public=True), "edge:").items()
    }
    assert len(set(public.values())) == 1
