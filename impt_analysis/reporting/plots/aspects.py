"""The three aspects per country as a table figure (:func:`draw_three_aspects`).

Shows the verdicts the library derives from the flows beside the table the 2010 report
published, so a reader sees at once where the data and the report agree.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.plots import draw_three_aspects
>>> fig = draw_three_aspects(load_study())
>>> "27 of 27 cells agree" in fig.texts[1].get_text()
True
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ...coordination import NOT_KNOWN
from ...privacy import SUPPRESS_BELOW
from ...reference import ABSENT, ASPECTS, PARTLY, PRESENT, reference_table
from ...study import Study
from .style import (
    INK,
    MUTED,
    OKABE_ITO,
    VERDICT_STYLE,
    counted,
    country_name,
    finish,
    new_figure,
    plural,
    public_note,
    synthetic_note,
    wrap,
)

__all__ = ["draw_three_aspects"]


_ASPECT_TITLES = {
    "coordination": "National co-ordination",
    "networks": "Professional networks",
    "local_input": "Local/regional input",
}


def _aspect_frame(frame_or_study, reference: bool, rules):
    """(derived and published verdicts per country, interviews per country or None, the study or None)."""
    if isinstance(frame_or_study, Study):
        from ...coordination import compare_with_reference, three_aspects

        study = frame_or_study
        frame = compare_with_reference(study, rules) if reference else three_aspects(study, rules)
        counts = study.interviews.groupby("country", observed=True)["interview_id"].nunique()
        return frame, counts, study
    frame = pd.DataFrame(frame_or_study)
    missing = [a for a in ASPECTS if a not in frame.columns]
    if missing:
        raise ValueError(
            f"draw_three_aspects: the table has no column {', '.join(missing)} "
            "(give a study, or the frame three_aspects or compare_with_reference returns)"
        )
    if reference and not all(f"{a}_published" in frame.columns for a in ASPECTS):
        published = reference_table(with_notes=True).reindex(frame.index)
        frame = frame.assign(**{f"{a}_published": published[a] for a in ASPECTS}, note=published["note"])
    return frame, None, None


def draw_three_aspects(
    frame_or_study,
    reference: bool = True,
    *,
    rules=None,
    public: bool = False,
    suppress_below: int = SUPPRESS_BELOW,
) -> Figure:
    """The three aspects per country as a table figure, the derived verdicts beside the published ones.

    For each country and aspect (national co-ordination, professional networks, local and
    regional input) the verdict derived from the flows (``X`` present, ``(X)`` partly or
    weak, ``-`` absent) is drawn beside the 2010 report's verdict; a cell pair where they
    differ is outlined in vermillion and marked ≠. A dagger marks the countries where the
    report's prose disagrees with its own table.

    Parameters
    ----------
    frame_or_study : Study or pandas.DataFrame
        A study (the verdicts are derived with :func:`~impt_analysis.three_aspects`), or a frame
        indexed by country with the columns ``coordination``, ``networks``, ``local_input``
        (what ``three_aspects`` or ``compare_with_reference`` returns).
    reference : bool
        Show the published 2010 verdicts beside the derived ones.
    rules : AspectRules, optional
        The rules to derive the verdicts with, when a study is given.
    public : bool
        A figure for a public page: a country's number of interviews from 1 to
        ``suppress_below - 1`` is shown as "<5" (and the caption says so).
    suppress_below : int
        The public threshold.

    Returns
    -------
    matplotlib.figure.Figure
        Verdict cells have the gid ``cell:<country>:<aspect>:derived`` or ``...:published``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> fig = draw_three_aspects(load_study())
    >>> fig.texts[0].get_text()
    'The three aspects of national information management, by country'
    """
    frame, counts, study = _aspect_frame(frame_or_study, reference, rules)
    countries = list(frame.index)
    sub = ("derived", "published") if reference else ("derived",)
    fig = new_figure(0.42 * len(countries) + 3.2)
    ax = fig.add_subplot()
    pair_w, gap = len(sub) * 1.0, 0.45
    agree = total = 0
    for j, aspect in enumerate(ASPECTS):
        x0 = j * (pair_w + gap)
        ax.text(
            x0 + pair_w / 2,
            -1.05,
            _ASPECT_TITLES[aspect],
            ha="center",
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color=INK,
        )
        for k, which in enumerate(sub):
            ax.text(
                x0 + k + 0.5,
                -0.12,
                "from the data" if which == "derived" else "2010 report",
                ha="center",
                va="bottom",
                fontsize=8,
                color=MUTED,
            )
        for i, c in enumerate(countries):
            values = [frame.at[c, aspect]] + ([frame.at[c, f"{aspect}_published"]] if reference else [])
            for k, (which, value) in enumerate(zip(sub, values)):
                _verdict_cell(ax, x0 + k, i, value, f"cell:{c}:{aspect}:{which}")
            if reference and isinstance(values[1], str):
                total += 1
                if values[0] == values[1]:
                    agree += 1
                else:
                    ax.add_patch(
                        Rectangle(
                            (x0 + 0.02, i + 0.02),
                            pair_w - 0.04,
                            0.96,
                            fill=False,
                            lw=2.6,
                            edgecolor=OKABE_ITO["vermillion"],
                            zorder=4,
                            gid=f"disagree:{c}:{aspect}",
                        )
                    )
                    ax.text(
                        x0 + pair_w + 0.05,
                        i + 0.5,
                        "≠",
                        ha="left",
                        va="center",
                        fontsize=13,
                        fontweight="bold",
                        color=OKABE_ITO["vermillion"],
                    )
    notes = frame["note"].dropna() if reference and "note" in frame.columns else pd.Series(dtype=object)
    for i, c in enumerate(countries):
        n = (
            f" · {counted(int(counts.get(c, 0)), 'interview', public, suppress_below)}"
            if counts is not None
            else ""
        )
        dagger = " †" if c in notes.index else ""
        ax.text(
            -0.15,
            i + 0.5,
            f"{country_name(c)} ({c}){n}{dagger}",
            ha="right",
            va="center",
            fontsize=9.5,
            color=INK,
        )
    width = len(ASPECTS) * (pair_w + gap) - gap
    ax.set_xlim(-3.3, width + 0.45)
    ax.set_ylim(len(countries) + 0.1, -1.2)
    ax.axis("off")
    shown = [(PRESENT, "present"), (PARTLY, "partly or weak"), (ABSENT, "absent")]
    if (frame[list(ASPECTS)] == NOT_KNOWN).any().any():
        shown.append((NOT_KNOWN, "no flows coded"))
    handles = [
        Patch(facecolor=VERDICT_STYLE.get(v, ("white",))[0], edgecolor="#999999", label=f"{v}  {meaning}")
        for v, meaning in shown
    ]
    if reference:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=OKABE_ITO["vermillion"],
                lw=2.4,
                label="≠  data and report disagree",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        ncol=len(handles),
        frameon=False,
        fontsize=8.5,
        handlelength=1.6,
        columnspacing=1.6,
    )
    footnote = ""
    if len(notes):
        footnote = "† " + wrap(
            "The report's prose disagrees with its table: "
            + " ".join(f"{c}: {t.rstrip('.')}." for c, t in notes.items()),
            180,
            4,
        )
    if study is not None:
        basis = (
            f"Derived from {counted(len(study.interviews), 'interview', public, suppress_below)} in "
            f"{plural(len(countries), 'country').replace('countrys', 'countries')} by the rules of docs/methods.md"
        )
    else:
        basis = f"Verdicts for {len(countries)} countries as given"
    if reference:
        basis += f", beside the table published in 2010 · {agree} of {total} cells agree"
        if study is not None and study.synthetic:
            basis += (
                " (by construction: the synthetic study was generated to follow the table; not a validation)"
            )
    title = "The three aspects of national information management, by country"
    lines = footnote.count("\n") + 1
    finish(
        fig,
        title,
        basis + public_note(public, suppress_below) + synthetic_note(study),
        bottom=0.2 + 0.16 * lines if footnote else 0.0,
    )
    if footnote:  # after the title band, so that fig.texts holds the title and subtitle first
        fig.text(
            0.012,
            (0.08 + 0.16 * lines) / fig.get_figheight(),
            footnote,
            ha="left",
            va="top",
            fontsize=7.5,
            color=MUTED,
            gid="footnote",
        )
    return fig


def _verdict_cell(ax, x, y, value, gid):
    value = value if isinstance(value, str) else None
    fill, ink = VERDICT_STYLE.get(value, ("white", MUTED))
    ax.add_patch(
        Rectangle((x + 0.04, y + 0.06), 0.92, 0.88, facecolor=fill, edgecolor="white", zorder=2, gid=gid)
    )
    ax.text(
        x + 0.5,
        y + 0.5,
        value or "n/a",
        ha="center",
        va="center",
        fontsize=12 if value and len(value) < 4 else 8,
        fontweight="bold" if value else "normal",
        color=ink,
        zorder=3,
    )
