"""Who tells whom: the flow graph of a country drawn by level (:func:`draw_flows`).

Answers the study's second question, whether information reaches national co-ordination,
as a picture: local actors at the bottom, national co-ordination near the top, and the
arrows between them.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.plots import draw_flows
>>> fig = draw_flows(load_study(), "FI")
>>> len([a for a in fig.axes[0].patches if (a.get_gid() or "").startswith("edge:")])
30
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch

from ...graph import flow_graph
from ...privacy import SUPPRESS_BELOW
from ...study import Study
from .style import (
    HIGHLIGHT,
    INK,
    LEVELS,
    MUTED,
    WIDTH,
    FigureLook,
    codebook_look,
    counted,
    country_name,
    figure_look,
    finish,
    interviews_of,
    new_figure,
    plural,
    public_note,
    short_name,
    synthetic_note,
    wrap,
)

__all__ = ["draw_flows"]


def _row_of(G, country: str | None) -> dict:
    """The row of each actor: its level; an actor from another country sits with the international ones."""
    rows = {}
    for n, d in G.nodes(data=True):
        foreign = country is not None and d.get("country") != country
        rows[n] = "international" if foreign else str(d.get("level"))
    return rows


def _layer_order(G, layers: dict[str, list], country: str | None, look: FigureLook) -> dict[str, list]:
    """Order each layer: by country for the region; else national by sector, the others by barycentre."""
    if country is None:
        return {
            lv: sorted(
                nodes,
                key=lambda n: (
                    str(G.nodes[n].get("country") or "~"),
                    look.sector_group(G.nodes[n].get("sector"))[0],
                    str(n),
                ),
            )
            for lv, nodes in layers.items()
        }

    def key(n):
        d = G.nodes[n]
        return (
            d.get("country") != country,
            str(d.get("country") or "~"),
            look.sector_group(d.get("sector"))[0],
            str(d.get("name")),
        )

    ordered = {lv: sorted(nodes, key=key) for lv, nodes in layers.items()}

    def x_of():
        return {n: (i + 0.5) / len(nodes) for nodes in ordered.values() for i, n in enumerate(nodes)}

    # Barycentre sweeps (Sugiyama et al. 1981): each layer follows the mean position of its neighbours.
    for level in ("regional", "local", "regional", "international"):
        if level not in ordered:
            continue
        x = x_of()
        keyed = []
        for i, n in enumerate(ordered[level]):
            near = [x[m] for m in set(G.predecessors(n)) | set(G.successors(n)) if m not in ordered[level]]
            keyed.append((np.mean(near) if near else (i + 0.5) / len(ordered[level]), i, n))
        ordered[level] = [n for *_, n in sorted(keyed)]
    return ordered


def _layout(G, country: str | None, width: float, gap: float, look: FigureLook | None = None):
    """Positions (in inches) of every actor: one row per level, local at the bottom.

    Coordination actors are lifted a little above the rest of the national row, so that the
    flows into them from national actors are short diagonals rather than arcs along the row.
    In the region figure each country gets a block of the width, the same in every row.
    """
    look = codebook_look(None) if look is None else look
    row_of = _row_of(G, country)
    levels = list(LEVELS) + sorted(set(row_of.values()) - set(LEVELS))
    layers = {lv: [n for n in G if row_of[n] == lv] for lv in levels}
    layers = _layer_order(G, {lv: nodes for lv, nodes in layers.items() if nodes}, country, look)
    rows = [lv for lv in levels if lv in layers]
    countries = sorted({str(d["country"]) for _, d in G.nodes(data=True) if d.get("country")})
    pos, spacing = {}, {}

    def spread(nodes, left, span, y, level):
        """Nodes evenly over [left, left + span]; national coordination actors lifted, over the middle of it."""
        lifted = (
            [n for n in nodes if G.nodes[n].get("kind") in look.coordination_kinds]
            if level == "national"
            else []
        )
        rest = [n for n in nodes if n not in lifted]
        for group, lo, width, dy in (
            (rest, left, span, 0.0),
            (lifted, left + 0.2 * span, 0.6 * span, 0.45 * gap),
        ):
            for i, n in enumerate(group):
                pos[n] = (lo + (i + 0.5) * width / len(group), y + dy)
                spacing[n] = (span if group is lifted else width) / len(group)

    for r, y_level in enumerate(rows):
        if country is None and y_level != "international":
            block = width / max(1, len(countries))
            for k, c in enumerate(countries):
                spread(
                    [n for n in layers[y_level] if G.nodes[n].get("country") == c],
                    k * block,
                    block,
                    r * gap,
                    y_level,
                )
        else:
            spread(layers[y_level], 0.0, width, r * gap, y_level)
    return pos, spacing, rows


def _edge_patch(p, q, rad, style, lw, colour, shrink, gid, alpha=0.8, zorder=2):
    return FancyArrowPatch(
        p,
        q,
        arrowstyle="-|>",
        mutation_scale=9 + 2 * lw,
        connectionstyle=f"arc3,rad={rad:.3f}",
        linestyle=style,
        linewidth=lw,
        color=colour,
        alpha=alpha,
        shrinkA=shrink,
        shrinkB=shrink,
        zorder=zorder,
        gid=gid,
    )


def _rad(p, q, reverse_exists: bool) -> float:
    """The curvature of an arrow (matplotlib's ``arc3``).

    Between rows a slight bend, so that the two arrows of a reciprocal pair part. Along a row an
    arc bulging upwards by about 0.3 inch whatever its length (``arc3`` bulges by rad x length / 2,
    to the right of the direction of travel for rad > 0), the second arrow of a pair higher.
    """
    dx, dy = q[0] - p[0], q[1] - p[1]
    if abs(dy) > 0.05:
        return 0.12
    length = float(np.hypot(dx, dy)) or 1.0
    bulge = 0.3 if not reverse_exists or dx > 0 else 0.5
    return float(np.sign(dx) or 1) * -min(0.9, 2 * bulge / length)


def _label_nodes(ax, G, pos, spacing, country):
    """Role labels under the nodes; in a crowded row every other label is dropped one line-block lower."""
    by_row: dict[float, list] = {}
    for n in G:
        by_row.setdefault(pos[n][1], []).append(n)
    for nodes in by_row.values():
        nodes.sort(key=lambda n: pos[n][0])
        for i, n in enumerate(nodes):
            d = G.nodes[n]
            stagger = spacing[n] < 1.15
            room = spacing[n] * (2 if stagger else 1)
            chars = int(np.clip(room / 0.062, 11, 30))
            foreign = country is not None and d.get("country") != country
            text = short_name(d.get("name") or n)
            if foreign:
                text = f"{d.get('country') or 'Intl.'}: {text}"
            drop = 0.2 + (0.4 if stagger and i % 2 else 0.0)
            ax.text(
                pos[n][0],
                pos[n][1] - drop,
                wrap(text, chars),
                ha="center",
                va="top",
                fontsize=7,
                color=MUTED if foreign else INK,
                linespacing=1.05,
                zorder=4,
                gid=f"label:{n}",
                bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def draw_flows(
    study: Study,
    country: str | None,
    highlight=None,
    *,
    highlight_label: str = "highlighted link",
    labels: bool | None = None,
    public: bool = False,
    suppress_below: int = SUPPRESS_BELOW,
    rules=None,
) -> Figure:
    """Who tells whom in a country: the flow graph drawn by level, coloured by sector.

    Actors are placed in four rows, local at the bottom, then regional, national and, on top,
    the international bodies and the actors of other countries; the coordination actors sit a
    little above the rest of the national row. An arrow stands for a pair of actors with at
    least one reported flow: solid when any of the flows is regular, dashed when all are ad
    hoc, thicker for more flows. Node colour is the sector's group (:data:`SECTOR_COLOUR_GROUPS`;
    a sector the codebook adds gets its own); the shape says the kind of actor (diamond:
    national co-ordination, pentagon: National Contact Point, square: professional network,
    another shape for a kind the codebook adds, named by its label), and the coordination
    actors of ``rules`` have a thick black outline.

    Parameters
    ----------
    study : Study
    country : str or None
        A country code (its actors plus the outside actors linked to them by a flow, as in
        :func:`~impt_analysis.graph.flow_graph`), or None for the whole region (one block per
        country in each row, nodes unlabelled).
    highlight : list of (source, target) pairs, optional
        Links drawn as thick magenta dashed arrows whether or not a flow exists, e.g. the
        channels a recommendation would open.
    highlight_label : str
        Their legend entry.
    labels : bool, optional
        Label the nodes with their role; default: yes for a country, no for the region.
    public : bool
        A figure for a public page: the caption shows counts of interviews and flows from 1
        to ``suppress_below - 1`` as "<5" (and says so), and every arrow has the same width
        (the number of flows on a link is not drawn).
    suppress_below : int
        The public threshold.
    rules : AspectRules, optional
        Whose actors are coordination actors (``coordination_kinds``), as in the analyses.

    Returns
    -------
    matplotlib.figure.Figure
        Node markers have the gid ``node:<actor_id>``, arrows ``edge:<source>-><target>``,
        highlighted arrows ``highlight:<source>-><target>``.

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, if the country has no interview, actor or item in the study
        (:func:`~impt_analysis.graph.flow_graph`).
    ValueError
        If a highlighted pair names an actor not in the figure.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> fig = draw_flows(load_study(), "DK", highlight=[("DK-A018", "DK-A001")])
    >>> fig.texts[0].get_text()
    'Who tells whom: information flows in Denmark'
    """
    G = flow_graph(study, country)
    look = figure_look(study, rules)
    highlight = [tuple(pair) for pair in (highlight or [])]
    for pair in highlight:
        missing = [a for a in pair if a not in G]
        if len(pair) != 2 or missing:
            raise ValueError(
                f"highlight {pair!r}: {', '.join(map(repr, missing)) or 'not a pair'} "
                f"is not an actor of the flow figure of {country or 'the region'}"
            )
    labels = country is not None if labels is None else labels
    gap = 1.95 if labels else 1.2
    pos, spacing, rows = _layout(G, country, WIDTH - 1.7, gap, look)
    graph_h, legend_h = (len(rows) - 1) * gap + gap / 2 + (0.75 if labels else 0.3), 1.25
    fig = new_figure(graph_h + legend_h + 0.9)
    ax, key = fig.subplots(2, 1, gridspec_kw={"height_ratios": [graph_h, legend_h]})
    size = 230 if labels else 36
    radius = np.sqrt(size) / 2 + 2  # points, so arrows stop at the marker's edge

    abroad = country is not None and any(
        d.get("country") != country and d.get("level") != "international" for _, d in G.nodes(data=True)
    )
    for r, level in enumerate(rows):
        if r % 2 == 0:
            ax.axhspan(r * gap - gap / 2, r * gap + gap / 2, color="#F2F2F2", zorder=0, lw=0)
        name = "International\nand abroad" if level == "international" and abroad else level.capitalize()
        ax.text(-0.12, r * gap, name, ha="right", va="center", fontsize=10, fontweight="bold", color=MUTED)

    for u, v, d in G.edges(data=True):
        if u == v:
            continue  # a self-flow cannot be drawn as an arrow; counted in the subtitle
        # a public figure does not draw the number of flows (1 to 4) as a line width
        lw = 1.2 if public else 0.8 + 0.55 * (min(int(d.get("n_flows", 1)), 4) - 1)
        style = "-" if d.get("regular") else "--"
        rad = _rad(pos[u], pos[v], G.has_edge(v, u))
        ax.add_patch(
            _edge_patch(
                pos[u],
                pos[v],
                rad,
                style,
                lw,
                "#3A3A3A",
                radius,
                f"edge:{u}->{v}",
                alpha=0.75 if labels else 0.5,
            )
        )
    for u, v in highlight:
        rad = _rad(pos[u], pos[v], True) * (-1 if G.has_edge(u, v) else 1)
        ax.add_patch(
            _edge_patch(
                pos[u],
                pos[v],
                rad,
                (0, (3, 1.6)),
                2.6,
                HIGHLIGHT,
                radius,
                f"highlight:{u}->{v}",
                alpha=0.95,
                zorder=2.5,
            )
        )
    for n, d in G.nodes(data=True):
        kind = d.get("kind")
        coord = kind in look.coordination_kinds
        ax.scatter(
            [pos[n][0]],
            [pos[n][1]],
            s=size * (1.3 if coord else 1),
            marker=look.kind_markers.get(kind, "o"),
            c=[look.sector_colour(d.get("sector"))],
            edgecolors="black",
            linewidths=2.2 if coord else 0.7,
            zorder=3,
            gid=f"node:{n}",
        )
    if labels:
        _label_nodes(ax, G, pos, spacing, country)
    if country is None:
        _country_blocks(ax, G, pos, rows, gap, WIDTH - 1.7)

    ax.set_xlim(-0.1, WIDTH - 1.6)
    ax.set_ylim(-gap / 2 - (0.45 if labels else 0.0), (len(rows) - 1) * gap + 0.3)
    ax.axis("off")
    key.axis("off")
    _flow_legend(key, G, highlight, highlight_label, look, public)

    n_flows = sum(int(d.get("n_flows", 1)) for *_, d in G.edges(data=True))
    regular = sum(bool(d.get("regular")) for *_, d in G.edges(data=True))
    loops = sum(1 for u, v in G.edges() if u == v)
    n_interviews = len(interviews_of(study, country))
    subtitle = (
        f"{counted(n_interviews, 'interview', public, suppress_below)} · "
        f"{counted(n_flows, 'reported flow', public, suppress_below)} "
        f"between {plural(G.number_of_nodes(), 'actor')}, drawn as {plural(G.number_of_edges(), 'link')}"
        + ("" if public else f": {regular} regular, {G.number_of_edges() - regular} ad hoc only")
    )
    if loops:
        subtitle += (
            " (flows within one actor not drawn)"
            if public
            else f" ({plural(loops, 'flow')} within one actor not drawn)"
        )
    if country is not None:
        subtitle += f" · actors outside {country} shown when linked to it"
    title = f"Who tells whom: information flows in {country_name(country)}"
    return finish(fig, title, subtitle + public_note(public, suppress_below) + synthetic_note(study))


def _country_blocks(ax, G, pos, rows, gap, width):
    """The region figure: a country code under each block and a faint line between blocks."""
    countries = sorted({str(d["country"]) for _, d in G.nodes(data=True) if d.get("country")})
    block = width / max(1, len(countries))
    top = (len(rows) - 1.5) * gap if "international" in rows else (len(rows) - 0.5) * gap
    for k, c in enumerate(countries):
        ax.text(
            (k + 0.5) * block,
            -gap / 2 + 0.05,
            c,
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            color=MUTED,
        )
        if k:
            ax.plot([k * block, k * block], [-gap / 2, top], color="#CCCCCC", lw=0.8, zorder=0.5)


def _flow_legend(ax, G, highlight, highlight_label, look: FigureLook, public=False):
    groups = sorted({look.sector_group(d.get("sector")) for _, d in G.nodes(data=True)})
    colour_of = look.group_colours()
    sectors = [
        Patch(facecolor=colour_of[label], edgecolor="black", linewidth=0.6, label=label)
        for _, label in groups
    ]
    kinds = [k for k in look.kind_markers if any(d.get("kind") == k for _, d in G.nodes(data=True))]
    shapes = [
        Line2D(
            [],
            [],
            marker=look.kind_markers[k],
            linestyle="none",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor="black",
            markeredgewidth=2.0 if k in look.coordination_kinds else 0.8,
            label=look.kind_labels.get(k, k),
        )
        for k in kinds
    ]
    lines = [
        Line2D([], [], color="#3A3A3A", lw=1.2, label="regular flow"),
        Line2D([], [], color="#3A3A3A", lw=1.2, linestyle="--", label="ad hoc flows only"),
        Line2D([], [], color="#3A3A3A", lw=2.5, label="thicker: more flows"),
    ][: 2 if public else 3]
    if highlight:
        lines.append(Line2D([], [], color=HIGHLIGHT, lw=2.6, linestyle=(0, (3, 1.6)), label=highlight_label))
    common = {
        "frameon": False,
        "fontsize": 8,
        "title_fontsize": 8.5,
        "alignment": "left",
        "handlelength": 2.2,
        "loc": "upper left",
        "borderaxespad": 0.0,
        "columnspacing": 1.0,
        "labelspacing": 0.35,
    }
    for handles, title, x, ncol in (
        (sectors, "Sector", 0.0, 2),
        (shapes, "Kind of actor", 0.56, 1),
        (lines, "Link", 0.79, 1),
    ):
        ax.add_artist(ax.legend(handles=handles, title=title, bbox_to_anchor=(x, 1.0), ncol=ncol, **common))
