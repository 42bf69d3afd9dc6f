"""What blocks information: barriers named, as horizontal bars (:func:`draw_barriers`).

Answers the study's third aim, to identify barriers to well-functioning information
management, for a country or the region, overall or by the interviewee's sector or level.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.plots import draw_barriers
>>> fig = draw_barriers(load_study(), by="level")
>>> [ax.get_title(loc="left") for ax in fig.axes]
['Local (18 interviews)', 'Regional (9 interviews)', 'National (33 interviews)']
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from ...barriers import barrier_table, rows_in_country
from ...privacy import SUPPRESS_BELOW
from ...study import Study
from .style import MUTED, OKABE_ITO, counted, country_name, finish, new_figure, plural, synthetic_note

__all__ = ["draw_barriers"]


def draw_barriers(
    study: Study,
    country: str | None = None,
    by: str | None = None,
    *,
    public: bool = False,
    suppress_below: int = SUPPRESS_BELOW,
) -> Figure:
    """What blocks information: the share of interviews naming each barrier, as horizontal bars.

    Parameters
    ----------
    study : Study
    country : str, optional
        Only the interviews of this country; the whole region by default.
    by : {None, "country", "sector", "level"}
        One panel per group of interviews (by the country, or the sector or level of the
        interviewee's organisation), each with the share of that group's interviews; one
        panel for all by default.
    public : bool
        A figure for a public page: no count at the end of the bars; a barrier named in 1 to
        ``suppress_below - 1`` interviews has no bar but the mark "<5", one whose count the
        public export hid to protect another the mark "suppressed"; the caption says so and
        gives no total of mentions (it would give the hidden counts back).
    suppress_below : int
        The public threshold.

    Returns
    -------
    matplotlib.figure.Figure
        Bars have the gid ``bar:<group>:<barrier>`` (group ``all`` without ``by``); on a
        public figure, a hidden bar's mark has the gid ``hidden:<group>:<barrier>``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> fig = draw_barriers(load_study(), "LT")
    >>> fig.texts[0].get_text()
    'Barriers to information management named in Lithuania'
    """
    n_all = len(rows_in_country(study, study.interviews, country, "draw_barriers"))
    mentions = len(rows_in_country(study, study.barriers, country, "draw_barriers"))
    table = barrier_table(study, by=by, country=country)
    if public:
        table = _hide_small(table, suppress_below)
    overall = (table if by is None else barrier_table(study, by=None, country=country)).set_index("barrier")
    order = overall.sort_values(["share", "interviews"], ascending=[True, True], kind="stable").index.tolist()
    labels = overall["label"].to_dict()
    if by is None:
        groups = [("all", table)]
    else:
        names = study.labels(by)
        groups = [(g, part) for g, part in table.groupby(by, observed=True, sort=True)]
        if by == "country":
            names = {g: country_name(g) for g, _ in groups}
    ncols = 1 if by is None else min(3, len(groups))
    nrows = -(-len(groups) // ncols)
    bar_h = 0.2 if by is None else 0.15
    panel = len(order) * bar_h + 0.75
    top = min(100.0, 10 * np.ceil(table["share"].fillna(0).max() * 10 + 0.5)) * 1.08 if len(table) else 100.0
    fig = new_figure(nrows * panel + 1.9 if order else 2.6)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    for k, (group, part) in enumerate(groups):
        ax = axes.flat[k]
        part = part.set_index("barrier").reindex(order)
        share = part["share"].fillna(0).to_numpy() * 100
        bars = ax.barh(np.arange(len(order)), share, height=0.7, color=OKABE_ITO["blue"])
        for bar, barrier in zip(bars, order):
            bar.set_gid(f"bar:{group}:{barrier}")
        n = (
            int(part["interviews_in_group"].max())
            if len(part) and part["interviews_in_group"].notna().any()
            else 0
        )
        if public:
            for y, (barrier, mark) in enumerate(zip(order, part["mark"].fillna(""))):
                if mark:
                    ax.text(
                        0.01,
                        y,
                        mark,
                        transform=ax.get_yaxis_transform(),
                        va="center",
                        fontsize=7 if by else 8,
                        color=MUTED,
                        style="italic",
                        gid=f"hidden:{group}:{barrier}",
                    )
        else:
            for y, (s, m) in enumerate(zip(share, part["interviews"].fillna(0).astype(int))):
                if m:
                    ax.text(s + 1.5, y, f"{m}", va="center", fontsize=7 if by else 8, color=MUTED)
        if by is not None:
            ax.set_title(
                f"{names.get(group, group)} ({counted(n, 'interview', public, suppress_below)})",
                fontsize=9,
                loc="left",
            )
        ax.set_xlim(0, top)
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter())
        ax.tick_params(labelsize=8 if by is None else 7, length=2)
        ax.grid(axis="x", color="#E5E5E5", lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(np.arange(len(order)))
    axes[0, 0].set_yticklabels([labels[b] for b in order])
    for ax in axes[:, 1:].flat:
        ax.tick_params(labelleft=False)
    for k, ax in enumerate(axes.flat[: len(groups)]):
        ax.xaxis.set_tick_params(labelbottom=True)
        if k + ncols >= len(groups):  # nothing below it
            ax.set_xlabel("share of interviews naming the barrier", fontsize=8)
    if not order:
        axes[0, 0].text(
            0.5, 0.5, "no barrier named", transform=axes[0, 0].transAxes, ha="center", color=MUTED
        )

    where = country_name(country)
    grouping = {
        None: "",
        "country": ", by country",
        "sector": ", by the interviewee's sector",
        "level": ", by the interviewee's level",
    }[by]
    if public:
        subtitle = (
            f"{counted(n_all, 'interview', public, suppress_below)} in {where}"
            f" · bar: share of the {'group' + chr(39) + 's ' if by else ''}interviews naming the barrier; "
            f"public: no bar for a barrier named in fewer than {suppress_below} interviews "
            f"(<{suppress_below}) or hidden to protect one (suppressed)"
        )
        return finish(
            fig,
            f"Barriers to information management named in {where}{grouping}",
            subtitle + synthetic_note(study),
        )
    subtitle = (
        f"{plural(n_all, 'interview')} in {where}, {plural(mentions, 'mention')} of a barrier"
        f" · bar: share of the {'group' + chr(39) + 's ' if by else ''}interviews naming the barrier, "
        f"number of interviews at its end; an interview counts once however many links it attaches a barrier to"
    )
    return finish(
        fig,
        f"Barriers to information management named in {where}{grouping}",
        subtitle + synthetic_note(study),
    )


def _hide_small(table, suppress_below: int):
    """The barrier table of a public figure: hidden counts get no share and a mark instead.

    A count from 1 to ``suppress_below - 1`` is primary ("<5"); a count the public export left
    empty keeps the mark of its ``suppression`` column ("<5" or "suppressed").
    """
    import pandas as pd

    interviews = pd.to_numeric(table["interviews"], errors="coerce").astype(float)
    reason = (
        table["suppression"].fillna("").astype(str)
        if "suppression" in table.columns
        else pd.Series("", index=table.index)
    )
    empty = interviews.isna().to_numpy(dtype=bool)
    small = interviews.between(1, suppress_below - 1).to_numpy(dtype=bool)
    primary = small | (empty & reason.eq("primary").to_numpy(dtype=bool))
    secondary = ~primary & (
        (empty & reason.ne("").to_numpy(dtype=bool)) | reason.eq("secondary").to_numpy(dtype=bool)
    )
    mark = pd.Series("", index=table.index, dtype=object)
    mark[primary] = f"<{suppress_below}"
    mark[secondary] = "suppressed"
    hidden = mark.ne("")
    out = table.copy()
    out["share"] = pd.to_numeric(out["share"], errors="coerce").astype(float).mask(hidden)
    out["interviews"] = interviews.mask(hidden)
    out["mark"] = mark
    return out
