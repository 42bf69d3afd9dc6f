"""Every figure: small counts as marks on a public caption, no pyplot figure left open, matplotlib imported lazily."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt

from impt_analysis.reporting import plots
from tests.reporting.plots.figures import text


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
