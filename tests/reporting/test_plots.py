"""Report figures: titles and basis, what is drawn, styles and colours, on small hand-built studies."""

from __future__ import annotations

import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.markers import MarkerStyle  # noqa: E402

from impt_analysis.reporting import plots  # noqa: E402
from impt_analysis.reporting.plots.style import VERDICT_STYLE, VERIFICATION_COLOURS  # noqa: E402

# --- helpers ------------------------------------------------------------------------------


def text(fig, gid):
    """The figure-level text with this gid, whitespace normalised (the subtitle is wrapped)."""
    found = [t.get_text() for t in fig.texts if t.get_gid() == gid]
    assert len(found) == 1, f"{len(found)} texts with gid {gid!r}"
    return " ".join(found[0].split())


def artists(fig, prefix):
    """gid -> artist, for every artist of the figure whose gid starts with ``prefix``."""
    found = {}
    for ax in fig.axes:
        for a in ax.get_children():
            gid = a.get_gid() or ""
            if gid.startswith(prefix):
                found[gid] = a
    return found


def marker_path(marker):
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def renders(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


# --- a small study: Denmark with five actors, a Swedish contact point -------------------

ACTORS = [
    {
        "actor_id": "DK-C",
        "country": "DK",
        "sector": "government",
        "level": "national",
        "kind": "national_coordinator",
        "name": "National coordination unit",
    },
    {
        "actor_id": "DK-P",
        "country": "DK",
        "sector": "police",
        "level": "national",
        "kind": "organisation",
        "name": "National police unit",
    },
    {
        "actor_id": "DK-N",
        "country": "DK",
        "sector": "child_protection",
        "level": "national",
        "kind": "professional_network",
        "name": "Network of child protection professionals",
    },
    {
        "actor_id": "DK-R",
        "country": "DK",
        "sector": "ngo",
        "level": "regional",
        "kind": "organisation",
        "name": "Regional NGO shelter",
    },
    {
        "actor_id": "DK-S",
        "country": "DK",
        "sector": "social_services",
        "level": "local",
        "kind": "organisation",
        "name": "Municipal social services (kommune), town A",
    },
    {
        "actor_id": "SE-N",
        "country": "SE",
        "sector": "government",
        "level": "national",
        "kind": "contact_point",
        "name": "National Contact Point",
    },
]
INTERVIEWS = [
    {
        "interview_id": "DK-I1",
        "country": "DK",
        "date": "2010-05-01",
        "sector": "government",
        "level": "national",
        "actor_id": "DK-C",
    },
    {
        "interview_id": "DK-I2",
        "country": "DK",
        "date": "2010-05-02",
        "sector": "social_services",
        "level": "local",
        "actor_id": "DK-S",
    },
    {
        "interview_id": "DK-I3",
        "country": "DK",
        "date": "2010-05-03",
        "sector": "police",
        "level": "national",
        "actor_id": "DK-P",
    },
    {
        "interview_id": "SE-I1",
        "country": "SE",
        "date": "2010-06-01",
        "sector": "government",
        "level": "national",
        "actor_id": "SE-N",
    },
]


@pytest.fixture
def small(build):
    """Flows: police -> coordinator twice (one regular: solid), social services -> NGO (ad hoc: dashed),
    network -> coordinator (regular), coordinator -> Swedish contact point (ad hoc)."""
    return build(
        actors=ACTORS,
        interviews=INTERVIEWS,
        flows=[
            {"source_actor": "DK-P", "target_actor": "DK-C"},
            {"source_actor": "DK-P", "target_actor": "DK-C", "frequency": "ad_hoc", "channel": "meeting"},
            {"source_actor": "DK-S", "target_actor": "DK-R", "frequency": "ad_hoc"},
            {"source_actor": "DK-N", "target_actor": "DK-C"},
            {"source_actor": "DK-C", "target_actor": "SE-N", "frequency": "ad_hoc"},
        ],
        items=[
            {"item_id": "DK-T2", "country": "DK", "info_type": "incident"},
            {"item_id": "DK-T1", "country": "DK", "info_type": "trend"},
        ],
        knowledge=[
            {"actor_id": "DK-P", "item_id": "DK-T1", "interview_id": "DK-I3"},
            {"actor_id": "DK-S", "item_id": "DK-T1", "verification": "anecdotal", "interview_id": "DK-I2"},
            {"actor_id": "DK-S", "item_id": "DK-T2", "verification": "anecdotal", "interview_id": "DK-I2"},
            {"actor_id": "DK-S", "item_id": "DK-T2", "verification": "maybe", "interview_id": "DK-I1"},
        ],
        barriers=[
            # DK-I1 names data protection twice (two links): the interview counts once
            {
                "interview_id": "DK-I1",
                "barrier": "data_protection_rules",
                "source_actor": "DK-S",
                "target_actor": "DK-C",
                "severity": 2,
            },
            {
                "interview_id": "DK-I1",
                "barrier": "data_protection_rules",
                "source_actor": "DK-R",
                "target_actor": "DK-C",
                "severity": 3,
            },
            {"interview_id": "DK-I2", "barrier": "data_protection_rules", "severity": 1},
            {"interview_id": "DK-I2", "barrier": "lack_of_resources", "severity": 2},
            {"interview_id": "SE-I1", "barrier": "lack_of_trust_ngo_authorities", "severity": 2},
        ],
    )


# --- draw_flows ---------------------------------------------------------------------------


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


# --- draw_who_knows_what ------------------------------------------------------------------


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


# --- draw_three_aspects -------------------------------------------------------------------


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


# --- draw_barriers ------------------------------------------------------------------------


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


def test_public_captions_show_small_counts_as_marks(small):
    """3 DK interviews, 5 flows and 4 knowledge reports (1 official, 1 maybe, 2 anecdotal): "<5" when public."""
    flows = text(plots.draw_flows(small, "DK", public=True), "subtitle")
    assert flows.startswith("<5 interviews · 5 reported flows") and "counts below 5 shown as <5" in flows
    assert "regular," not in flows
    knows = text(plots.draw_who_knows_what(small, "DK", public=True), "subtitle")
    assert knows.startswith(
        "<5 interviews · <5 reports of an actor knowing an item (<5 official data, "
        "<5 maybe-information, <5 anecdotal evidence)"
    )
    aspects = plots.draw_three_aspects(small, public=True)
    labels = [t.get_text() for ax in aspects.axes for t in ax.texts if "(DK)" in t.get_text()]
    assert labels == ["Denmark (DK) · <5 interviews"]


# --- hygiene ------------------------------------------------------------------------------


def test_no_pyplot_figures_left_open(small):
    before = plt.get_fignums()
    plots.draw_flows(small, "DK")
    plots.draw_who_knows_what(small, "DK")
    plots.draw_barriers(small)
    assert plt.get_fignums() == before


def test_import_impt_analysis_does_not_import_matplotlib():
    code = "import sys, impt_analysis; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_draw_change_arrows_by_hand(build):
    """One country, share reaching 0 -> 0.5 (improved, green arrow), the rest unchanged."""
    import pandas as pd

    from impt_analysis.reporting.plots import draw_change

    change = pd.DataFrame(
        {
            "share_reaching_before": [0.0],
            "share_reaching_after": [0.5],
            "side_items_before": [2],
            "side_items_after": [2],
            "triangulated_items_before": [1],
            "triangulated_items_after": [0],
            "coordination_before": ["(X)"],
            "coordination_after": ["X"],
            "coordination_change": ["improved"],
        },
        index=pd.Index(["DK"], name="country"),
    )
    fig = draw_change(change)
    assert fig.texts[0].get_text() == "What changed between the two waves"
    arrows = [a for ax in fig.axes for a in ax.texts if a.arrow_patch is not None]
    assert len(arrows) == 2  # share reaching up, triangulated down; side items unchanged
    assert "coordination (X)→X" in fig.axes[0].get_yticklabels()[0].get_text()


def test_flows_public_draws_no_number_of_flows_as_width(small):
    """Police -> coordinator carries two flows: thicker on a report page, the same width on a public one."""
    widths = {gid: a.get_linewidth() for gid, a in artists(plots.draw_flows(small, "DK"), "edge:").items()}
    assert widths["edge:DK-P->DK-C"] > widths["edge:DK-N->DK-C"]
    public = {
        gid: a.get_linewidth()
        for gid, a in artists(plots.draw_flows(small, "DK", public=True), "edge:").items()
    }
    assert len(set(public.values())) == 1
