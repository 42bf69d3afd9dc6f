"""The house style of the report figures: palette, marker shapes, and the title band.

Sectors are coloured by the eight colours of Okabe and Ito (2008), one per group of related
sectors (:data:`SECTOR_GROUPS`): sixteen sectors cannot all get colours that every reader
tells apart, and the figures name the organisations. Ordered values (verification, verdicts)
use single-hue blue scales that also read in greyscale. Every figure is 10 inches wide, with
a title and a subtitle stating its basis in a band at the top (:func:`finish`).

Examples
--------
>>> from impt_analysis.reporting.plots.style import sector_colour
>>> sector_colour("police")
'#0072B2'
"""

from __future__ import annotations

import re
import textwrap

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ...study import Study

# Labels, names and titles are study text (untrusted): "$\\undefinedmacro$" in an item label must be
# drawn as typed, never parsed as mathtext (which fails the page) nor handed to LaTeX.
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False

__all__ = ["OKABE_ITO", "SECTOR_GROUPS", "LEVELS", "KIND_MARKERS", "COORDINATION_KINDS", "sector_colour"]

#: The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), black replaced by grey.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "yellow": "#F0E442",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: Groups of sectors sharing a colour: (legend label, colour, sectors).
SECTOR_GROUPS = (
    ("Police and justice", OKABE_ITO["blue"], ("police", "prosecution", "judiciary")),
    ("Child protection and social services", OKABE_ITO["orange"], ("child_protection", "social_services")),
    ("Asylum and migration", OKABE_ITO["sky_blue"], ("asylum_migration",)),
    ("Health and education", OKABE_ITO["bluish_green"], ("health", "education")),
    (
        "NGOs, faith, labour, business",
        OKABE_ITO["vermillion"],
        ("ngo", "faith_based", "labour_organisation", "business"),
    ),
    ("Government", OKABE_ITO["yellow"], ("government",)),
    ("Research and media", OKABE_ITO["reddish_purple"], ("research", "media")),
    ("International organisations", OKABE_ITO["grey"], ("igo",)),
)
OTHER_SECTOR = ("Other sectors", "#FFFFFF")

#: Levels from the bottom layer of a flow figure to the top.
LEVELS = ("local", "regional", "national", "international")

#: Marker per actor kind; coordination actors also get a thick black outline.
KIND_MARKERS = {
    "organisation": "o",
    "professional_network": "s",
    "national_coordinator": "D",
    "contact_point": "p",
}
COORDINATION_KINDS = ("national_coordinator", "contact_point")
KIND_LABELS = {
    "organisation": "Organisation",
    "professional_network": "Professional network",
    "national_coordinator": "National co-ordination",
    "contact_point": "National Contact Point",
}

# Verdict fills (Paul Tol's high-contrast blue, light blue, pale grey) with their text colour.
VERDICT_STYLE = {
    "X": ("#004488", "white"),
    "(X)": ("#99BBDD", "black"),
    "-": ("#EEEEEE", "black"),
    "not known": ("#FFFFFF", "#555555"),
}  # no flows coded: no finding, drawn blank
# Verification fills, weakest first (ColorBrewer Blues, a single-hue sequential scale).
VERIFICATION_COLOURS = {"anecdotal": "#C6DBEF", "maybe": "#6BAED6", "official": "#08519C"}
HIGHLIGHT = "#EE3377"  # Paul Tol's magenta: used for no node colour
INK, MUTED = "#222222", "#555555"
WIDTH = 10.0  # inches: a report page


def sector_colour(sector) -> str:
    """The colour of a sector's group (white for a sector outside the default codebook).

    Examples
    --------
    >>> sector_colour("police")
    '#0072B2'
    """
    for _, colour, sectors in SECTOR_GROUPS:
        if sector in sectors:
            return colour
    return OTHER_SECTOR[1]


def sector_group(sector) -> tuple[int, str]:
    for i, (label, _, sectors) in enumerate(SECTOR_GROUPS):
        if sector in sectors:
            return i, label
    return len(SECTOR_GROUPS), OTHER_SECTOR[0]


def country_name(code: str | None) -> str:
    if code is None:
        return "the Baltic Sea region"
    import pycountry

    found = pycountry.countries.get(alpha_2=str(code))
    return getattr(found, "common_name", None) or (found.name if found else str(code))


def interviews_of(study: Study, country: str | None) -> pd.DataFrame:
    if country is None:
        return study.interviews
    return study.interviews[study.interviews["country"].astype(object) == country]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def counted(n: int, word: str, public: bool = False, suppress_below: int = 5) -> str:
    """``plural(n, word)``, or ``"<5 words"`` on a public figure when ``n`` is from 1 to ``suppress_below - 1``.

    Examples
    --------
    >>> counted(3, "interview"), counted(3, "interview", public=True), counted(1, "flow", True, 3)
    ('3 interviews', '<5 interviews', '<3 flows')
    """
    n = int(n)
    if public and 0 < n < suppress_below:
        return f"<{suppress_below} {word}s"
    return plural(n, word)


def public_note(public: bool, suppress_below: int = 5) -> str:
    """The caption's word on a public figure: what it does not show."""
    if not public:
        return ""
    return f" · public: counts below {suppress_below} shown as <{suppress_below}"


def synthetic_note(study: Study | None) -> str:
    return " · synthetic demonstration data" if study is not None and study.synthetic else ""


def short_name(name: str) -> str:
    """A role description without its parenthetical (the local-language name)."""
    return re.sub(r"\s*\([^)]*\)", "", str(name)).strip()


def wrap(text: str, width: int, lines: int = 3) -> str:
    return "\n".join(
        textwrap.wrap(
            text,
            width=width,
            max_lines=lines,
            placeholder="…",
            break_on_hyphens=False,
            break_long_words=False,
        )
    )


def new_figure(height: float, width: float = WIDTH) -> Figure:
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def finish(fig: Figure, title: str, subtitle: str, bottom: float = 0.0) -> Figure:
    """Put the title and subtitle in a band at the top and lay the axes out below them."""
    height = fig.get_figheight()
    title = wrap(title, 78, lines=2)
    wrapped = wrap(subtitle, 135, lines=3)
    extra = 0.25 * title.count("\n")
    band = 0.62 + extra + 0.17 * wrapped.count("\n")
    fig.text(
        0.012,
        1 - 0.12 / height,
        title,
        ha="left",
        va="top",
        fontsize=14,
        fontweight="bold",
        color=INK,
        linespacing=1.15,
        gid="title",
    )
    fig.text(
        0.012,
        1 - (0.42 + extra) / height,
        wrapped,
        ha="left",
        va="top",
        fontsize=9,
        color=MUTED,
        linespacing=1.3,
        gid="subtitle",
    )
    fig.tight_layout(rect=(0.0, bottom / height, 1.0, 1 - (band + 0.08) / height), pad=0.6)
    return fig
