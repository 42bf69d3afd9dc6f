"""What changed between two waves of a study, as a figure (:func:`draw_change`).

Examples
--------
>>> from impt_analysis import compare_studies, load_study
>>> from impt_analysis.demo import generate_study
>>> from impt_analysis.reporting.plots import draw_change
>>> later = generate_study(wave=2)
>>> fig = draw_change(compare_studies(load_study(), later), before=load_study(), after=later)
>>> fig.texts[0].get_text()
'What changed between the two waves'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ...reference import ASPECTS
from ...study import Study
from .style import INK, MUTED, OKABE_ITO, finish, new_figure, plural, synthetic_note

__all__ = ["draw_change"]

_PANELS = (
    ("share_reaching", "Reaching co-ordination\n(local and regional actors)", "share", True),
    ("side_items", "Side information\n(items never reaching it)", "items", False),
    ("triangulated_items", "Triangulated\n(items)", "items", True),
)


def draw_change(change: pd.DataFrame, before: Study | None = None, after: Study | None = None) -> Figure:
    """Each country's indicators before and after, as arrows from the earlier to the later value.

    Parameters
    ----------
    change : pandas.DataFrame
        The frame :func:`~impt_analysis.compare_studies` returns.
    before, after : Study, optional
        The two waves, for the basis in the subtitle (number of interviews).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels (share of local and regional actors reaching co-ordination,
        side-information items, triangulated items); an arrow per country from the earlier
        value (hollow) to the later one (filled), green where it improved, vermillion where it
        got worse; the aspects whose verdict changed are written beside the country. A value
        missing in either wave (a public export that cannot settle triangulation) is not
        drawn: "not known" is written in its place.
    """
    needed = [f"{name}_{when}" for name, *_ in _PANELS for when in ("before", "after")]
    missing = [c for c in needed if c not in change.columns]
    if missing:
        raise ValueError(
            f"draw_change: expected the frame compare_studies returns; missing {', '.join(missing)}"
        )
    countries = list(change.index)
    fig = new_figure(1.6 + 0.42 * len(countries))
    axes = fig.subplots(1, len(_PANELS), sharey=True)
    for ax, (name, title, unit, higher_is_better) in zip(axes, _PANELS):
        for y, country in enumerate(countries):
            old, new = (
                float(change.loc[country, f"{name}_before"]),
                float(change.loc[country, f"{name}_after"]),
            )
            if np.isnan(old) or np.isnan(new):
                ax.text(
                    0.02,
                    y,
                    "not known",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize=8,
                    color=MUTED,
                    style="italic",
                    gid=f"unknown:{name}:{country}",
                )
                continue
            better = (new > old) if higher_is_better else (new < old)
            colour = MUTED if new == old else OKABE_ITO["bluish_green"] if better else OKABE_ITO["vermillion"]
            if new != old:
                ax.annotate(
                    "",
                    xy=(new, y),
                    xytext=(old, y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.8, "shrinkA": 4, "shrinkB": 4},
                )
            ax.plot([old], [y], "o", mfc="white", mec=colour, ms=7, zorder=3)
            ax.plot([new], [y], "o", color=colour, ms=7, zorder=3)
        ax.set_title(title, fontsize=9.5, color=INK, loc="left")
        ax.set_xlabel("share of actors" if unit == "share" else "number of items", fontsize=9, color=MUTED)
        if unit == "share":
            ax.set_xlim(-0.05, 1.05)
        ax.grid(axis="x", color="#DDDDDD", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
    labels = []
    for country in countries:
        moved = [
            a.replace("_", " ") + f" {change.loc[country, f'{a}_before']}→{change.loc[country, f'{a}_after']}"
            for a in ASPECTS
            if f"{a}_change" in change.columns and change.loc[country, f"{a}_change"] != "same"
        ]
        labels.append(country + ("\n" + "; ".join(moved) if moved else ""))
    axes[0].set_yticks(range(len(countries)), labels, fontsize=8.5)
    axes[0].invert_yaxis()
    basis = "hollow: earlier wave, filled: later wave; green improved, vermillion worse"
    if before is not None and after is not None:
        basis = (
            f"{plural(len(before.interviews), 'interview')} in the earlier wave, "
            f"{plural(len(after.interviews), 'interview')} in the later; " + basis + synthetic_note(after)
        )
    return finish(fig, "What changed between the two waves", basis)
