"""Figures for the report: who tells whom, who knows what, the three aspects, the barriers.

Each function answers one of the study's questions as a figure fit for a report page (10
inches wide): a title saying what it shows and a subtitle stating its basis (the number of
interviews, and what was counted), as the 2010 report asks that every figure say what it is
based on. Each returns a :class:`matplotlib.figure.Figure` that is not registered with
pyplot, so nothing is shown or kept open behind the caller's back: in Jupyter it displays as
the value of a cell; elsewhere call ``fig.savefig("flows.png", dpi=150)``.

Colours are colour-blind safe. Sectors are coloured by the eight colours of Okabe and Ito
(2008), one per group of related sectors (:data:`SECTOR_COLOUR_GROUPS`): sixteen sectors cannot all
get colours that every reader tells apart, and the node labels name the organisation.
Coordination actors and professional networks are told apart by shape as well as colour;
regular flows are solid lines, ad hoc flows dashed.

The figures live in one module each (:mod:`.flows`, :mod:`.knowledge`, :mod:`.aspects`,
:mod:`.barriers`) and share the palette and title band of :mod:`.style`. This package
imports matplotlib; ``import impt_analysis`` does not import it.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting import plots
>>> fig = plots.draw_flows(load_study(), "DK")
>>> fig.savefig("/tmp/dk_flows.png", dpi=150)
"""

from .aspects import draw_three_aspects
from .barriers import draw_barriers
from .flows import draw_flows
from .knowledge import draw_who_knows_what
from .style import KIND_MARKERS, LEVELS, OKABE_ITO, SECTOR_COLOUR_GROUPS, figure_look, sector_colour
from .waves import draw_change

__all__ = [
    "draw_flows",
    "draw_who_knows_what",
    "draw_three_aspects",
    "draw_barriers",
    "draw_change",
    "OKABE_ITO",
    "SECTOR_COLOUR_GROUPS",
    "sector_colour",
    "LEVELS",
    "KIND_MARKERS",
    "figure_look",
]
