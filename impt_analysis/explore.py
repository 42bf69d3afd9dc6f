"""The consultant's interactive explorer of a study, for JupyterLab, built on ipywidgets.

Choose a country, a sector, a child group and a level of verification, search the coded
excerpts for a word, and see the matching interviews, information items, flow graph, code
frequencies, excerpts and inter-coder agreement update (``notebooks/explore.ipynb``). What a
selection matches is defined, and tested, in :mod:`impt_analysis.selection`; this module
puts controls and panes over it. The controls can be set from code and the panes hold plain
values (HTML, PNG bytes), so the explorer is tested without a browser.

Excerpts are free text about children at risk. The explorer shows them on the consultant's
own machine, as asked; it writes nothing anywhere. This module imports ipywidgets, and
matplotlib when it draws: :mod:`impt_analysis` does not import it.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.explore import Explorer
>>> ex = Explorer(load_study())
>>> ex.set(country="DK", sector="police").tables["interviews"]["interview_id"].tolist()
['DK-I02']
"""

from __future__ import annotations

import dataclasses
import html
import io
import logging
import re
from dataclasses import asdict

import pandas as pd

from .selection import (VERIFICATION_LEVELS, Selection, check_selection, matching_excerpts, matching_interviews,
                        matching_items, select)
from .codebook import label_map
from .study import Study, interview_column

__all__ = ["Explorer", "Selection", "select", "check_selection", "matching_interviews", "matching_items",
           "matching_excerpts"]

log = logging.getLogger(__name__)

def _html_table(frame: pd.DataFrame, mark: str = "", max_rows: int = 500) -> str:
    """A frame as an escaped HTML table; ``mark`` highlights a search word in the excerpts."""
    shown = frame.head(max_rows).astype(object).where(frame.head(max_rows).notna(), "")
    shown = shown.apply(lambda col: col.map(lambda v: html.escape(str(v))))
    if mark and "excerpt" in shown.columns:
        pattern = re.compile(re.escape(html.escape(mark)), re.IGNORECASE)
        shown["excerpt"] = shown["excerpt"].map(lambda text: pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text))
    table = shown.to_html(index=False, escape=False, border=0, classes="impt-explorer")
    more = f"<p><i>The first {max_rows} of {len(frame)} rows are shown.</i></p>" if len(frame) > max_rows else ""
    return f'<div style="max-height:28em;overflow:auto">{table}</div>{more}'


# Tables inside widgets do not get the notebook's table style: a light one of their own.
_STYLE = """<style>
table.impt-explorer {border-collapse: collapse; font-size: 12px; margin: 4px 0;}
table.impt-explorer th {text-align: left; border-bottom: 1px solid #888; padding: 3px 8px; background: #f4f4f4;
  position: sticky; top: 0;}
table.impt-explorer td {text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #e4e4e4;}
table.impt-explorer mark {background: #ffe08a;}
</style>"""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _message(text: str) -> str:
    return f"<p><i>{html.escape(text)}</i></p>"


class Explorer:
    """Interactive explorer of a study for JupyterLab, built on ipywidgets.

    The controls are the attributes ``country``, ``sector``, ``child_group``, ``verification``
    (Dropdowns, ``None`` for "all") and ``search`` (a Text box, applied on Enter). Setting any
    of them, by hand or from code (``explorer.country.value = "DK"``), recomputes the
    selection (:func:`select`) and every pane:

    ``summary``
        What is selected and how many interviews, items, flows and codings match.
    ``interviews_pane``, ``items_pane``, ``codes_pane``, ``excerpts_pane`` (in ``panes``)
        HTML tables: :func:`matching_interviews`, :func:`matching_items`, the code frequencies
        (:func:`impt_analysis.codings.code_frequencies`) and :func:`matching_excerpts` with the
        search word marked. An empty result says why in words.
    ``agreement_pane``
        Inter-coder agreement (:func:`impt_analysis.agreement.agreement`) on the selection's
        segments that two or more coders coded: all codes pooled, then per code.
    ``flow_image``, ``flow_caption``
        The country's flow graph (:func:`impt_analysis.plots.draw_flows` on the selection) as
        PNG bytes, with a caption; without a country the caption asks for one. With a child
        group chosen, the links carrying information on it are highlighted (``highlighted``).

    The frames behind the panes are in ``tables`` and the selected part of the study in
    ``view``. A selection the study does not allow (searching a public export, which has no
    excerpts) is explained in ``summary``; an error while updating after a click is shown
    there too (and logged), while :meth:`set` and :meth:`refresh` called from code raise it.
    Excerpts are shown on screen only; the explorer writes nothing.

    Parameters
    ----------
    study : Study
        A loaded study.
    selection : Selection, optional
        The initial selection (default: everything).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> ex = Explorer(load_study())
    >>> ex.country.value = "DK"
    >>> len(ex.tables["interviews"])
    7
    """

    TABS = ("Interviews", "Items", "Flow graph", "Codes", "Excerpts", "Agreement")

    def __init__(self, study: Study, selection: Selection | None = None):
        import ipywidgets as w

        self.study = study
        self._holding = False
        self.view: Study = study
        self.tables: dict[str, pd.DataFrame] = {}
        self.highlighted: list[tuple[str, str]] = []
        labels = label_map(study.codebook)

        def options(category, present, everything):
            present = set(map(str, present.dropna().astype(object)))
            codes = [c for c in study.codebook.loc[study.codebook["category"] == category, "code"] if c in present]
            return [(everything, None)] + [(labels.get((category, c), c), c) for c in dict.fromkeys(codes)]

        self.country = w.Dropdown(options=[("All countries", None)] + [(c, c) for c in study.countries],
                                  description="Country")
        self.sector = w.Dropdown(options=options("sector", study.interviews["sector"], "All sectors"),
                                 description="Sector")
        self.child_group = w.Dropdown(options=options("child_group", study.items["child_group"], "All child groups"),
                                      description="Child group")
        self.verification = w.Dropdown(
            options=[("Any verification", None)] + [(labels.get(("verification", v), v), v) for v in VERIFICATION_LEVELS],
            description="Verification")
        self.search = w.Text(value="", placeholder="a word in the excerpts, then Enter", description="Search",
                             continuous_update=False)
        self.summary = w.HTML()
        self.interviews_pane, self.items_pane, self.codes_pane = w.HTML(), w.HTML(), w.HTML()
        self.excerpts_pane, self.agreement_pane = w.HTML(), w.HTML()
        self.flow_caption = w.HTML()
        self.flow_image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.panes = {"interviews": self.interviews_pane, "items": self.items_pane, "codes": self.codes_pane,
                      "excerpts": self.excerpts_pane, "agreement": self.agreement_pane}
        self.tabs = w.Tab(children=[self.interviews_pane, self.items_pane, w.VBox([self.flow_caption, self.flow_image]),
                                    self.codes_pane, self.excerpts_pane, self.agreement_pane],
                          titles=self.TABS)
        controls = w.VBox([w.HBox([self.country, self.sector, self.child_group]),
                           w.HBox([self.verification, self.search])])
        banner = w.HTML(_STYLE + ("<b>Synthetic demonstration data</b>: not the confidential 2010 interviews."
                                  if study.synthetic else ""))
        self.widget = w.VBox([banner, controls, self.summary, self.tabs])

        if selection is not None:
            self.set(**{k: v for k, v in asdict(selection).items()})
        for control in self.controls:
            control.observe(self._changed, names="value")
        self.refresh()

    @property
    def controls(self):
        """The five controls, in the order of :class:`Selection`'s fields."""
        return (self.country, self.sector, self.child_group, self.verification, self.search)

    @property
    def selection(self) -> Selection:
        """The selection the controls hold now."""
        return Selection(country=self.country.value, sector=self.sector.value, child_group=self.child_group.value,
                         verification=self.verification.value, search=self.search.value)

    def set(self, **values) -> "Explorer":
        """Set several controls at once and refresh once (``ex.set(country="DK", search="school")``)."""
        unknown = set(values) - set(asdict(Selection()))
        if unknown:
            raise TypeError(f"no such control: {', '.join(sorted(unknown))}")
        self._holding = True
        try:
            for name, value in values.items():
                getattr(self, name).value = "" if name == "search" and value is None else value
        finally:
            self._holding = False
        self.refresh()
        return self

    def _changed(self, change) -> None:
        if self._holding:
            return
        try:
            self.refresh()
        except Exception as err:  # noqa: BLE001 - an observer's error would only reach JupyterLab's log console
            log.exception("the explorer could not update")
            self.summary.value = (f"<p><b>The explorer could not update ({html.escape(type(err).__name__)}: "
                                  f"{html.escape(str(err))}).</b> Details are in the log.</p>")

    def refresh(self) -> None:
        """Recompute the selection and every pane from the controls."""
        selection = self.selection
        try:
            self.view = select(self.study, selection)
        except ValueError as err:
            self.summary.value = f"<p><b>{html.escape(str(err))}</b></p>"
            self.tables = {}
            for pane in (*self.panes.values(), self.flow_caption):
                pane.value = ""
            self.flow_image.value, self.highlighted = b"", []
            return
        view = self.view
        self.tables = {"interviews": matching_interviews(view), "items": matching_items(view),
                       "codes": self._code_frequencies(view), "excerpts": matching_excerpts(view),
                       "agreement": self._agreement(view)}
        self.summary.value = self._summary(selection)
        log.debug("explorer: %s: %d interviews", selection, len(view.interviews))
        what = selection.describe()
        if len(view.interviews) == 0:
            if selection.word:
                unsearched = dataclasses.replace(selection, search="").describe()
                what = (f'No matching excerpts: no coded excerpt contains "{selection.search.strip()}" '
                        f"in {unsearched}.")
            else:
                what = f"No interviews match {what}."
            empty = dict.fromkeys(self.panes, what)
        else:
            empty = {"interviews": "", "items": f"No information items match {what}.",
                     "codes": f"No coded segments in {what}.", "excerpts": f"No coded excerpts in {what}.",
                     "agreement": f"No segment in {what} was coded by two or more coders: "
                                  "there is no agreement to measure."}
        mark = selection.search.strip()
        for key, pane in self.panes.items():
            frame = self.tables[key]
            pane.value = _html_table(frame, mark=mark) if len(frame) else _message(empty[key])
        if len(self.tables["agreement"]):
            self.agreement_pane.value = self._agreement_caption() + self.agreement_pane.value
        self._draw_flows(selection)

    def _summary(self, selection: Selection) -> str:
        v, s = self.view, self.study
        mix = v.knowledge["verification"].astype(object).value_counts()
        verification = ", ".join(f"{level} {int(mix.get(level, 0))}" for level in VERIFICATION_LEVELS)
        what = selection.describe()
        found = "" if len(v.interviews) or not selection.word else " No coded excerpt contains the word."
        grouped = interview_column(v.knowledge) != "interview_id"
        # A public export's rows name groups of interviews, each distinct row once: rows, not reports.
        reports = "rows (of groups of interviews) of who knows what" if grouped else "reports of who knows what"
        by_group = (" The export's rows name groups of interviews: a selection keeps an interview with its "
                    "whole group." if grouped else "")
        return (f"<p><b>{html.escape(what[:1].upper() + what[1:])}</b>: "
                f"{len(v.interviews)} of {len(s.interviews)} interviews, {len(v.items)} information items, "
                f"{len(v.knowledge)} {reports} ({verification}), {len(v.flows)} flows, "
                f"{len(v.codings)} codings in {v.codings['segment_id'].nunique()} segments.{found}{by_group}</p>")

    @staticmethod
    def _code_frequencies(view: Study) -> pd.DataFrame:
        from .codings import code_frequencies

        return code_frequencies(view)

    @staticmethod
    def _agreement(view: Study) -> pd.DataFrame:
        """Agreement per code on the selection's double-coded segments, all codes pooled first."""
        from .agreement import agreement

        per_code = agreement(view, by="code")
        if len(per_code) == 0:
            return per_code
        pooled = agreement(view, by=None).rename(columns={"group": "code"}).assign(code="(all codes, pooled)")
        return pd.concat([pooled, per_code], ignore_index=True).round(3)

    def _agreement_caption(self) -> str:
        n = int(self.tables["agreement"]["n_segments"].iat[0])
        return (f"<p>Inter-coder agreement on the {_plural(n, 'segment')} of the selection that two or more coders "
                "coded: for each code, whether each coder applied it. Percent agreement (0 to 1), Cohen's kappa "
                "(two coders) and Krippendorff's alpha (nominal); blank where chance explains everything "
                "(every decision the same).</p>")

    def _draw_flows(self, selection: Selection) -> None:
        self.flow_image.value, self.highlighted = b"", []
        if selection.country is None:
            self.flow_caption.value = _message("Choose a country to draw its flow graph.")
            return
        view = self.view
        if len(view.flows) == 0:
            self.flow_caption.value = _message(f"No flows were reported in {selection.describe()}.")
            return
        from .plots import draw_flows

        label = "highlighted link"
        if selection.child_group is not None:
            # The links that carry information on the chosen group, drawn over the flow graph.
            about = view.flows[view.flows["item_id"].notna()]
            self.highlighted = list(dict.fromkeys(zip(about["source_actor"], about["target_actor"])))
            label = f"carries information on {self._label('child_group', selection.child_group).lower()}"
        fig = draw_flows(view, selection.country, highlight=self.highlighted, highlight_label=label)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        self.flow_image.value = buffer.getvalue()
        carried = (f" Magenta: {_plural(len(self.highlighted), 'link')} carrying information on this child group."
                   if self.highlighted else "")
        self.flow_caption.value = (f"<p>Who tells whom in {html.escape(selection.country)}: "
                                   f"{_plural(len(view.flows), 'flow')} reported in "
                                   f"{_plural(len(view.interviews), 'selected interview')} "
                                   f"({html.escape(selection.describe())}).{carried}</p>")

    def _label(self, category: str, code: str) -> str:
        return self.study.labels(category).get(code, code)

    def show(self) -> None:
        """Display the explorer in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
