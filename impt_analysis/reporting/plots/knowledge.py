"""Who knows what: the actors x items heat map of a country (:func:`draw_who_knows_what`).

Answers the study's first question, who holds information on children at risk, and how
well verified it is, for one country at a glance.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.plots import draw_who_knows_what
>>> fig = draw_who_knows_what(load_study(), "DK")
>>> fig.texts[0].get_text()
'Who knows what in Denmark'
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...codebook import codes as codebook_codes
from ...graph import who_knows_what
from ...privacy import SUPPRESS_BELOW
from ...study import Study
from .style import (
    LEVELS,
    MUTED,
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

__all__ = ["draw_who_knows_what"]


def draw_who_knows_what(
    study: Study, country: str, *, public: bool = False, suppress_below: int = SUPPRESS_BELOW, rules=None
) -> Figure:
    """Who knows what in a country: actors x items, coloured by the strongest verification reported.

    A cell is dark blue when an interview reported the actor to know the item from official
    data, mid blue for maybe-information, light blue for anecdotal evidence, and empty when
    no interview reported it (:func:`~impt_analysis.graph.who_knows_what`). Rows are the
    country's actors by level (international at the top, local at the bottom) plus any actor
    from outside the country that knows one of its items; columns are the country's items by
    type (trends, emerging issues, incidents).

    Parameters
    ----------
    study : Study
    country : str
        A country code.
    public : bool
        A figure for a public page: the caption shows counts of interviews and reports from
        1 to ``suppress_below - 1`` as "<5" (and says so).
    suppress_below : int
        The public threshold.
    rules : AspectRules, optional
        Whose actors are coordination actors (drawn in bold): ``coordination_kinds``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> fig = draw_who_knows_what(load_study(), "FI")
    >>> fig.texts[0].get_text()
    'Who knows what in Finland'
    """
    if country is None:
        raise ValueError(
            "draw_who_knows_what needs a country: the region has too many actors and items for one figure"
        )
    wkw = who_knows_what(study, country)
    look = figure_look(study, rules)
    order = list(look.verification)
    actors = study.actors.set_index("actor_id").loc[wkw.index]
    items = study.items.set_index("item_id").loc[list(wkw.columns)]
    home = actors["country"].astype(object) == country
    keep = home | wkw.notna().any(axis=1)
    level_rank = {lv: i for i, lv in enumerate(reversed(LEVELS))}
    rows = sorted(
        actors.index[keep],
        key=lambda a: (
            level_rank.get(actors.at[a, "level"], len(LEVELS)),
            look.sector_group(actors.at[a, "sector"])[0],
            actors.at[a, "name"],
        ),
    )
    types = codebook_codes(study.codebook, "info_type")
    cols = sorted(
        items.index,
        key=lambda i: (
            types.index(items.at[i, "info_type"]) if items.at[i, "info_type"] in types else len(types),
            str(items.at[i, "label"]),
        ),
    )
    codes = np.array(
        [[order.index(v) if isinstance(v, str) else -1 for v in wkw.loc[r, cols]] for r in rows],
        dtype=int,
    ).reshape(len(rows), len(cols))

    height = 0.27 * len(rows) + 4.6
    fig = new_figure(height)
    ax = fig.add_subplot()
    cmap = mpl.colors.ListedColormap([look.verification_colours[v] for v in order])
    masked = np.ma.masked_less(codes, 0)
    ax.pcolormesh(
        np.arange(len(cols) + 1),
        np.arange(len(rows) + 1),
        masked,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(order) - 0.5,
        edgecolors="white",
        linewidth=1.5,
        gid="cells",
    )
    ax.set_facecolor("#FAFAFA")
    ax.set_xlim(0, len(cols))
    ax.set_ylim(len(rows), 0)
    ax.set_yticks(np.arange(len(rows)) + 0.5)
    ax.set_yticklabels(
        [
            ("" if home[a] else f"{actors.at[a, 'country'] or 'Intl.'}: ")
            + wrap(short_name(actors.at[a, "name"]), 52, lines=1)
            for a in rows
        ],
        fontsize=8,
    )
    ax.set_xticks(np.arange(len(cols)) + 0.5)
    ax.set_xticklabels(
        [wrap(str(items.at[i, "label"]), 34, lines=3) for i in cols],
        fontsize=7.5,
        rotation=90,
        linespacing=1.0,
    )
    ax.tick_params(length=0)
    # the item labels hang below the grid: the figure is made as tall as they are deep, so that none is clipped
    depth = max(
        (t.get_window_extent(fig.canvas.get_renderer()).height for t in ax.get_xticklabels()), default=0
    )
    fig.set_figheight(0.27 * len(rows) + 3.0 + depth / fig.dpi)
    for tick, a in zip(ax.get_yticklabels(), rows):
        if actors.at[a, "kind"] in look.coordination_kinds:
            tick.set_fontweight("bold")
    for side in ax.spines.values():
        side.set_visible(False)
    _group_rules(ax, [actors.at[a, "level"] for a in rows], axis="y", labels=lambda lv: str(lv).capitalize())
    type_label = study.labels("info_type")
    verification_label = look.verification_labels
    short = {"trend": "Trends", "emerging_issue": "Emerging issues", "incident": "Incidents"}
    _group_rules(
        ax,
        [items.at[i, "info_type"] for i in cols],
        axis="x",
        labels=lambda t: short.get(t) or type_label.get(t, str(t)),
    )

    handles = [
        Patch(facecolor=look.verification_colours[v], label=verification_label.get(v, v))
        for v in reversed(order)
    ]
    handles.append(Patch(facecolor="#FAFAFA", edgecolor="#CCCCCC", label="not reported"))
    if any(actors.at[a, "kind"] in look.coordination_kinds for a in rows):
        handles.append(Patch(facecolor="none", edgecolor="none", label="bold: co-ordination actor"))
    ax.legend(
        handles=handles,
        title="Strongest verification",
        loc="upper left",
        bbox_to_anchor=(1.07, 1.0),
        frameon=False,
        fontsize=8,
        title_fontsize=8.5,
        alignment="left",
    )

    knowledge = study.knowledge[
        study.knowledge["item_id"].isin(cols) & study.knowledge["actor_id"].isin(rows)
    ]
    mix = knowledge["verification"].astype(str).value_counts()
    shown = (lambda n: f"<{suppress_below}" if 0 < n < suppress_below else str(n)) if public else str
    mix_text = ", ".join(
        f"{shown(int(mix.get(v, 0)))} {verification_label.get(v, v).lower()}" for v in reversed(order)
    )
    left_out = int((~keep).sum())
    subtitle = (
        f"{counted(len(interviews_of(study, country)), 'interview', public, suppress_below)} · "
        f"{counted(len(knowledge), 'report', public, suppress_below)} of an actor knowing an item ({mix_text}); "
        f"each cell the strongest verification reported · {len(rows)} actors, {len(cols)} items"
    )
    if left_out:
        subtitle += f" ({plural(left_out, 'outside actor')} with no knowledge of these items not shown)"
    return finish(
        fig,
        f"Who knows what in {country_name(country)}",
        subtitle + public_note(public, suppress_below) + synthetic_note(study),
    )


def _group_rules(ax, groups: list, axis: str, labels) -> None:
    """Lines between runs of equal group values along an axis, and the group's name beside the run."""
    start = 0
    for i in range(1, len(groups) + 1):
        if i < len(groups) and groups[i] == groups[start]:
            continue
        mid = (start + i) / 2
        if axis == "y":
            if i < len(groups):
                ax.axhline(i, color="#777777", lw=1.0)
            ax.text(
                1.01,
                mid,
                labels(groups[start]),
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=8.5,
                fontweight="bold",
                color=MUTED,
            )
        else:
            if i < len(groups):
                ax.axvline(i, color="#777777", lw=1.0)
            ax.text(
                mid,
                1.01,
                labels(groups[start]),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8.5,
                fontweight="bold",
                color=MUTED,
            )
        start = i
