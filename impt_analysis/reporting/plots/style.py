"""The house style of the report figures: palette, marker shapes, and the title band.

Sectors are coloured by the eight colours of Okabe and Ito (2008), one per group of related
sectors (:data:`SECTOR_COLOUR_GROUPS`): sixteen sectors cannot all get colours that every reader
tells apart, and the figures name the organisations. Ordered values (verification, verdicts)
use single-hue blue scales that also read in greyscale. Every figure is 10 inches wide, with
a title and a subtitle stating its basis in a band at the top (:func:`finish`).

The vocabularies come from the study's codebook and the coordination kinds from the rules
(:func:`figure_look`): a sector the colour groups do not list gets a group of its own, named by
its codebook label and coloured from :data:`EXTRA_COLOURS`; an actor kind the markers do not
list gets a marker of its own; verification levels are shaded in the codebook's order.

Examples
--------
>>> from impt_analysis.reporting.plots.style import sector_colour
>>> sector_colour("police")
'#0072B2'
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ...codebook import codes, default_codebook, label_map, verification_order
from ...coordination import NOT_KNOWN
from ...privacy import SUPPRESS_BELOW
from ...reference import ABSENT, PARTLY, PRESENT
from ...rules import AspectRules, rules_or_default
from ...study import Study

# Labels, names and titles are study text (untrusted): "$\\undefinedmacro$" in an item label must be
# drawn as typed, never parsed as mathtext (which fails the page) nor handed to LaTeX.
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False

__all__ = [
    "OKABE_ITO",
    "SECTOR_COLOUR_GROUPS",
    "EXTRA_COLOURS",
    "LEVELS",
    "KIND_MARKERS",
    "sector_colour",
    "FigureLook",
    "figure_look",
]

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

#: Groups of sectors sharing a colour in the figures: (legend label, colour, sectors). (Not the
#: anonymity hierarchy of :data:`impt_analysis.privacy.deidentify.SECTOR_GROUPS`.)
SECTOR_COLOUR_GROUPS = (
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
#: Colours of the sectors a study's codebook adds (Paul Tol's muted scheme, none in Okabe-Ito), in turn.
EXTRA_COLOURS = ("#332288", "#44AA99", "#882255", "#999933", "#AA4499", "#88CCEE", "#117733", "#DDCC77")

#: Levels from the bottom layer of a flow figure to the top.
LEVELS = ("local", "regional", "national", "international")

#: Marker per actor kind; coordination actors also get a thick black outline.
KIND_MARKERS = {
    "organisation": "o",
    "professional_network": "s",
    "national_coordinator": "D",
    "contact_point": "p",
}
# The defaults, for code with no study or rules at hand: derived from the default rules and
# codebook, never a copy of them (a figure of a study uses :func:`figure_look`).
COORDINATION_KINDS = AspectRules().coordination_kinds
KIND_LABELS = {code: label for (c, code), label in label_map(default_codebook()).items() if c == "kind"}
#: Markers of the kinds a study's codebook adds, in turn.
EXTRA_MARKERS = ("^", "v", "h", "*", "P", "X", "<", ">")

# Verdict fills (Paul Tol's high-contrast blue, light blue, pale grey) with their text colour.
VERDICT_STYLE = {
    PRESENT: ("#004488", "white"),
    PARTLY: ("#99BBDD", "black"),
    ABSENT: ("#EEEEEE", "black"),
    NOT_KNOWN: ("#FFFFFF", "#555555"),
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
    for _, colour, sectors in SECTOR_COLOUR_GROUPS:
        if sector in sectors:
            return colour
    return OTHER_SECTOR[1]


def sector_group(sector) -> tuple[int, str]:
    """(place in the legend, legend label) of a sector's default colour group (no study at hand)."""
    for i, (label, _, sectors) in enumerate(SECTOR_COLOUR_GROUPS):
        if sector in sectors:
            return i, label
    return len(SECTOR_COLOUR_GROUPS), OTHER_SECTOR[0]


@dataclass(frozen=True)
class FigureLook:
    """How a figure draws a study's vocabularies: built by :func:`figure_look` from its codebook and rules.

    Attributes
    ----------
    groups : dict
        Sector -> (place in the legend, legend label, colour).
    kind_markers, kind_labels : dict
        Actor kind -> matplotlib marker, and -> the codebook's label.
    coordination_kinds : tuple of str
        The kinds drawn with a thick outline: ``rules.coordination_kinds``.
    verification : tuple of str
        The verification levels, weakest first (the codebook's order).
    verification_colours, verification_labels : dict
        Level -> fill, and -> the codebook's label.
    """

    groups: dict
    kind_markers: dict
    kind_labels: dict
    coordination_kinds: tuple
    verification: tuple
    verification_colours: dict
    verification_labels: dict

    def sector_group(self, sector) -> tuple[int, str]:
        """(place in the legend, legend label) of a sector's colour group."""
        place, label, _ = self.groups.get(sector, (len(self.groups) + 99, OTHER_SECTOR[0], OTHER_SECTOR[1]))
        return place, label

    def sector_colour(self, sector) -> str:
        return self.groups.get(sector, (0, "", OTHER_SECTOR[1]))[2]

    def group_colours(self) -> dict[str, str]:
        """Legend label -> colour."""
        return {label: colour for _, label, colour in self.groups.values()} | {
            OTHER_SECTOR[0]: OTHER_SECTOR[1]
        }


def figure_look(study: Study, rules: AspectRules | None = None) -> FigureLook:
    """The figure look of a study: its codebook's sectors, kinds and verification levels, the rules' coordination kinds.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> look = figure_look(load_study())
    >>> look.sector_colour("police"), look.kind_markers["contact_point"], look.verification[0]
    ('#0072B2', 'p', 'anecdotal')
    """
    return codebook_look(study.codebook, rules)


def codebook_look(codebook, rules: AspectRules | None = None) -> FigureLook:
    """:func:`figure_look` from a codebook (the default codebook and rules when none is at hand)."""
    rules = rules_or_default(rules)
    cb = default_codebook() if codebook is None else codebook
    labels = label_map(cb)
    groups: dict = {}
    for i, (label, colour, sectors) in enumerate(SECTOR_COLOUR_GROUPS):
        groups.update({sector: (i, label, colour) for sector in sectors})
    sector_labels = {code: label for (c, code), label in labels.items() if c == "sector"}
    extra = [s for s in codes(cb, "sector") if s not in groups]
    for j, sector in enumerate(extra):
        colour = EXTRA_COLOURS[j % len(EXTRA_COLOURS)]
        groups[sector] = (len(SECTOR_COLOUR_GROUPS) + j, sector_labels.get(sector, sector), colour)
    kinds = codes(cb, "kind")
    markers = {k: m for k, m in KIND_MARKERS.items()}
    for j, kind in enumerate(k for k in kinds if k not in KIND_MARKERS):
        markers[kind] = EXTRA_MARKERS[j % len(EXTRA_MARKERS)]
    order = verification_order(cb)
    if set(order) <= set(VERIFICATION_COLOURS) and list(order) == [
        v for v in VERIFICATION_COLOURS if v in order
    ]:
        colours = {v: VERIFICATION_COLOURS[v] for v in order}
    else:  # shades of the same single-hue scale, lightest for the weakest
        blues = matplotlib.colormaps["Blues"]
        n = max(1, len(order) - 1)
        colours = {v: matplotlib.colors.to_hex(blues(0.25 + 0.65 * i / n)) for i, v in enumerate(order)}
    return FigureLook(
        groups=groups,
        kind_markers=markers,
        kind_labels={code: label for (c, code), label in labels.items() if c == "kind"},
        coordination_kinds=tuple(rules.coordination_kinds),
        verification=order,
        verification_colours=colours,
        verification_labels={code: label for (c, code), label in labels.items() if c == "verification"},
    )


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


def counted(n: int, word: str, public: bool = False, suppress_below: int = SUPPRESS_BELOW) -> str:
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


def public_note(public: bool, suppress_below: int = SUPPRESS_BELOW) -> str:
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
