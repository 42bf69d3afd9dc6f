"""The consultant's interactive explorer of a study, for JupyterLab, built on ipywidgets.

Choose one or several countries, a sector, a child group and a level of verification, search
the coded excerpts for a word, and see the matching interviews, information items, the
interactive network of who tells whom, code frequencies, excerpts and inter-coder agreement
update (``notebooks/explore.ipynb``). What a selection matches is defined, and tested, in
:mod:`impt_analysis.selection`; this module puts controls and panes over it. The controls can
be set from code and the panes hold plain values (HTML, PNG bytes), so the explorer is tested
without a browser (and in one, ``tests/reporting/test_browser.py``).

What a person reads is in words: every code by its label from the codebook, every column
header in words, countries by name, empty cells empty. Each dropdown offers only the values
that occur in the current selection (the other filters applied), each with its count, and
"all" is a value of its own (``""``), so that choosing "All sectors" again never leaves the
dropdown blank.

An update is quick because only the tab on screen is drawn: the others are drawn when the
reader opens them (:attr:`Explorer.stale` lists them), and the network of a selection is
kept once drawn. While the explorer works, the summary says "Updating…" and the panes are
greyed out. The static flow figure (matplotlib, for print) is drawn on request
(:meth:`Explorer.draw_static`).

Excerpts are free text about children at risk. The explorer shows them on the consultant's
own machine, as asked; it writes nothing anywhere. This module imports ipywidgets, and
matplotlib when it draws: :mod:`impt_analysis` does not import it.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.explore import Explorer
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

from ..codebook import codes as codebook_codes
from ..selection import (
    Selection,
    _country_name,
    check_selection,
    matching_excerpts,
    matching_interviews,
    matching_items,
    select,
)
from ..study import Study, interview_column

__all__ = [
    "Explorer",
    "Selection",
    "select",
    "check_selection",
    "matching_interviews",
    "matching_items",
    "matching_excerpts",
    "readable",
    "ALL",
]

log = logging.getLogger(__name__)

#: The value of "all" in every dropdown (ipywidgets shows a value of None as a blank dropdown).
ALL = ""

#: Column headers in words.
HEADERS = {
    "interview_id": "Interview",
    "interview_group": "Group of interviews",
    "country": "Country",
    "date": "Date",
    "year": "Year",
    "sector": "Sector",
    "level": "Level",
    "respondent": "Respondent",
    "knowledge": "Reports of who knows what",
    "flows": "Flows",
    "barriers": "Barriers",
    "codings": "Codings",
    "group_knowledge": "Group's rows of who knows what",
    "group_flows": "Group's flows",
    "group_barriers": "Group's barriers",
    "group_codings": "Group's codings",
    "item_id": "Item",
    "label": "Information item",
    "info_type": "Type of information",
    "child_group": "Child group",
    "theme": "Theme",
    "interviews": "Interviews",
    "official": "Official data",
    "maybe": "Maybe-information",
    "anecdotal": "Anecdotal evidence",
    "strongest": "Strongest verification",
    "code": "Code",
    "category": "Category",
    "parent": "Under",
    "segments": "Segments",
    "applications": "Times applied",
    "coders": "Coders",
    "segment_id": "Segment",
    "codes": "Codes",
    "excerpt": "Excerpt",
    "n_interviews": "Interviews",
    "n_organisations": "Organisations",
    "n_sectors": "Sectors",
    "n_flows": "Flows",
    "actor_id": "Actor",
    "name": "Name",
    "source_name": "From",
    "target_name": "To",
    "share": "Share",
    "path_length": "Steps to co-ordination",
    "reaches": "Reaches co-ordination",
    "must_pass": "Must pass through",
}
# Columns holding codes, and the codebook category that labels them.
_CODED = {
    "sector": "sector",
    "level": "level",
    "child_group": "child_group",
    "info_type": "info_type",
    "theme": "theme",
    "strongest": "verification",
    "parent": "code",
}
_IDS = ("interview_id", "interview_group", "item_id", "segment_id", "date")


# The agreement tab's columns in words.
_AGREEMENT = {
    "n_documents": "Interviews",
    "n_coders": "Coders",
    "n_units": "Coded characters",
    "n_coded": "Characters with the code",
    "percent_agreement": "Agreement",
    "cohen_kappa": "Kappa",
    "krippendorff_alpha": "Alpha",
    "alpha_low": "Alpha, 95% from",
    "alpha_high": "Alpha, 95% to",
    "reliability": "Reliability",
}
_DISAGREEMENTS = {
    "passage_start": "Passage from",
    "passage_end": "Passage to",
    "coder": "Coder",
    "applied": "Applied the code",
    "spans": "Its spans",
    "other_codes": "Its other codes there",
}


def _humane(code) -> str:
    """A code the codebook does not label (e.g. a public export's ``any_sector``), in words."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _published_groups(category: str) -> dict[str, str]:
    """The labels of a public export's generalised sectors and levels (``civil_society``, ``any_level``, ...)."""
    if category not in ("sector", "level"):
        return {}
    from ..privacy.deidentify import ANY, HIERARCHIES

    return {code: label for code, (label, _) in HIERARCHIES[category].items()} | dict([ANY[category]])


def readable(frame: pd.DataFrame, study: Study, headers: dict[str, str] | None = None) -> pd.DataFrame:
    """A table for a person: codes by their labels, countries by name, headers in words, no missing marks.

    Parameters
    ----------
    frame : pandas.DataFrame
        One of the explorer's tables (:func:`matching_interviews`, ...).
    study : Study
        Whose codebook labels the codes (anything with ``labels(category)``).
    headers : dict, optional
        Headers for some columns, over :data:`HEADERS`.

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order; text cells as strings ("" where nothing is known),
        counts as numbers.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> s = load_study()
    >>> readable(pd.DataFrame({"sector": ["child_protection"], "country": ["DK"]}), s).to_dict("records")
    [{'Sector': 'Child protection', 'Country': 'Denmark'}]
    """
    out = {}
    for col in frame.columns:
        s = frame[col]
        if col in _CODED:
            labels = {**_published_groups(_CODED[col]), **study.labels(_CODED[col])}
            s = s.astype(object).map(
                lambda v, labels=labels: (
                    "" if v is None or v == "" or pd.isna(v) else labels.get(v, _humane(v))
                )
            )
        elif col == "codes":
            labels = study.labels("code")
            s = s.astype(object).map(
                lambda v, labels=labels: (
                    ", ".join(labels.get(c.strip(), _humane(c)) for c in str(v).split(",") if c.strip())
                    if isinstance(v, str)
                    else ""
                )
            )
        elif col == "country":
            s = s.astype(object).map(lambda v: "" if v is None or pd.isna(v) else _country_name(v))
        elif not pd.api.types.is_numeric_dtype(s):
            s = s.astype(object).map(_cell)
        out[{**HEADERS, **(headers or {})}.get(col, _humane(col))] = s
    return pd.DataFrame(out, index=frame.index)


def _cell(value) -> str:
    """A text cell: a list as its items joined, nothing for a missing value."""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(map(str, value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _html_table(
    frame: pd.DataFrame,
    mark: str = "",
    max_rows: int = 500,
    caption: str = "",
    context: list[str] | None = None,
) -> str:
    """A readable frame as an escaped HTML table: text left, numbers right, IDs unbroken, the search word marked.

    ``context``: per row, HTML (already escaped) that opens under the row's excerpt when clicked.
    """
    shown = frame.head(max_rows)
    head = "".join(f'<th class="{_kind(shown[c])}">{html.escape(str(c))}</th>' for c in shown.columns)
    pattern = re.compile(re.escape(html.escape(mark)), re.IGNORECASE) if mark else None
    kinds = [_kind(shown[c]) for c in shown.columns]
    rows = []
    for n, values in enumerate(shown.itertuples(index=False, name=None)):
        cells = []
        for value, kind, col in zip(values, kinds, shown.columns):
            text = (
                ""
                if value is None or (not isinstance(value, str) and pd.isna(value))
                else html.escape(str(value))
            )
            if pattern is not None and col == "Excerpt":
                text = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text)
            if context is not None and col == "Excerpt" and context[n]:
                text = f'<details><summary>{text}</summary><div class="impt-context">{context[n]}</div></details>'
            cells.append(f'<td class="{kind}">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = f'<table class="impt-explorer">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    more = (
        f"<p><i>The first {max_rows} of {len(frame)} rows are shown.</i></p>" if len(frame) > max_rows else ""
    )
    return f'<div class="impt-scroll">{table}</div>{more}'


def _kind(column: pd.Series) -> str:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return "num"
    return "id" if column.name in {HEADERS[c] for c in _IDS} else "text"


# Tables inside widgets do not get the notebook's table style: a light one of their own.
_STYLE = """<style>
.impt-scroll {max-height: 28em; overflow: auto; max-width: 100%;}
table.impt-explorer {border-collapse: collapse; font-size: 12px; margin: 4px 0;}
table.impt-explorer caption {text-align: left; font-weight: bold; padding: 2px 0 4px;}
table.impt-explorer th {text-align: left; border-bottom: 1px solid #888; padding: 3px 8px; background: #f4f4f4;
  position: sticky; top: 0;}
table.impt-explorer td {text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #e4e4e4;}
table.impt-explorer .num {text-align: right; font-variant-numeric: tabular-nums;}
table.impt-explorer .id {white-space: nowrap;}
table.impt-explorer mark {background: #ffe08a;}
table.impt-explorer summary {cursor: pointer;}
.impt-context {background: #f7f7f7; padding: 2px 8px; margin: 4px 0; font-size: 12px;}
.impt-context li.here {font-weight: bold; background: #fff3c4;}
.impt-stale {opacity: 0.45; pointer-events: none; transition: opacity 0.1s;}
.impt-busy-note {color: #8a5a00; font-weight: bold;}
</style>"""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _message(text: str) -> str:
    return f"<p><i>{html.escape(text)}</i></p>"


class _Tables(dict):
    """The frames behind the panes, each computed when first asked for."""

    def __init__(self, factories=None):
        super().__init__()
        self._factories = dict(factories or {})

    def __missing__(self, key):
        if key not in self._factories:
            raise KeyError(key)
        value = self[key] = self._factories[key]()
        return value


class Explorer:
    """Interactive explorer of a study for JupyterLab, built on ipywidgets.

    The controls are the attributes ``country`` (a multiple selection: none chosen means
    every country), ``sector``, ``child_group``, ``verification`` (Dropdowns whose "all"
    value is :data:`ALL`, ``""``) and ``search`` (a Text box, applied on Enter). Setting
    them from code goes through :meth:`set` (``explorer.set(country="DK")``, or
    ``country=("DK", "SE")``); a click in the browser does the same. Each change recomputes
    the selection (:func:`select`), the dropdowns' options (the values occurring in the
    selection with the other filters applied, each with its count: interviews for country and
    sector, information items for child group, reports for verification) and the tab on
    screen; the other tabs are drawn when opened (:meth:`open_tab`; :attr:`stale` names them).

    ``summary``
        What is selected, in words, and how many interviews, items, flows and codings match;
        ``status`` says "Updating…" while the explorer works (the tabs are greyed out).
    ``interviews_pane``, ``items_pane``, ``codes_pane``, ``excerpts_pane`` (in ``panes``)
        HTML tables, in words (:func:`readable`): :func:`matching_interviews`,
        :func:`matching_items`, the code frequencies
        (:func:`impt_analysis.codings.code_frequencies`) and :func:`matching_excerpts` with the
        search word marked. An empty result says why in words.
    ``agreement_pane``
        Inter-coder agreement (:func:`impt_analysis.agreement.agreement`, by coded character)
        on the selection's interviews that two or more coders coded: all codes pooled, then per
        code; then the passages where they disagree (:func:`impt_analysis.agreement.disagreements`),
        with each coder's spans and excerpts.
    ``network_pane``, ``flow_caption``
        The interactive network of one chosen country
        (:func:`impt_analysis.reporting.network_view.network_iframe` on the selection, with the passages
        behind each flow unless the study is a public export), with a caption; without
        exactly one country the caption asks for one. With a child group chosen, the links
        carrying information on it are highlighted (``highlighted``).
    ``flow_image``
        The static figure (:func:`impt_analysis.reporting.plots.draw_flows`) as PNG bytes, drawn by
        :meth:`draw_static` (the button under the network), for print.

    The frames behind the panes are in ``tables`` (each computed when first asked for) and
    the selected part of the study in ``view``. A selection the study does not allow
    (searching a public export, which has no excerpts) is explained in ``summary``; an error
    while updating after a click is shown there too (and logged), while :meth:`set` and
    :meth:`refresh` called from code raise it. Excerpts are shown on screen only; the explorer
    writes nothing.

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
    >>> len(ex.set(country="DK").tables["interviews"])
    7
    >>> ex.sector.value = ALL
    >>> ex.sector.label
    'All sectors'
    """

    TABS = ("Interviews", "Items", "Network", "Codes", "Excerpts", "Agreement")
    KEYS = ("interviews", "items", "network", "codes", "excerpts", "agreement")
    _ALL_LABELS = {
        "sector": "All sectors",
        "child_group": "All child groups",
        "verification": "Any verification",
    }

    def __init__(self, study: Study, selection: Selection | None = None):
        import ipywidgets as w

        self.study = study
        self._holding = False
        self.view: Study = study
        self.tables: dict[str, pd.DataFrame] = _Tables()
        self.highlighted: list[tuple[str, str]] = []
        self.stale: set[str] = set()
        self._networks: dict[Selection, str] = {}
        self._empty: dict[str, str] = {}
        self._mark = ""

        self.country = w.SelectMultiple(
            options=[],
            description="Countries",
            rows=min(6, max(2, len(study.countries))),
            tooltip="None chosen: every country. Ctrl-click or Shift-click for several.",
        )
        self.sector = w.Dropdown(
            options=[(self._ALL_LABELS["sector"], ALL)],
            description="Sector",
            tooltip="The interviewed organisation's sector; counts are interviews",
        )
        self.child_group = w.Dropdown(
            options=[(self._ALL_LABELS["child_group"], ALL)],
            description="Child group",
            tooltip="Counts are information items",
        )
        self.verification = w.Dropdown(
            options=[(self._ALL_LABELS["verification"], ALL)],
            description="Verification",
            tooltip="Counts are reports of who knows what",
        )
        self.search = w.Text(
            value="",
            placeholder="a word in the excerpts, then Enter",
            description="Search",
            continuous_update=False,
        )
        self.status = w.HTML()
        self.summary = w.HTML()
        self.interviews_pane, self.items_pane, self.codes_pane = w.HTML(), w.HTML(), w.HTML()
        self.excerpts_pane, self.agreement_pane = w.HTML(), w.HTML()
        self.network_pane, self.flow_caption = w.HTML(), w.HTML()
        self.flow_image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.static_button = w.Button(
            description="Draw the static figure (for print)", icon="image", layout=w.Layout(width="auto")
        )
        self.static_button.on_click(lambda _: self._clicked(self.draw_static))
        self.panes = {
            "interviews": self.interviews_pane,
            "items": self.items_pane,
            "codes": self.codes_pane,
            "excerpts": self.excerpts_pane,
            "agreement": self.agreement_pane,
        }
        self.sorters = {
            key: w.Dropdown(
                options=[("the study's order", ALL)],
                value=ALL,
                description="Sort by",
                tooltip="Numbers largest first, text from A to Z",
            )
            for key in ("interviews", "items", "codes", "excerpts")
        }
        for key, sorter in self.sorters.items():
            sorter.observe(
                lambda change, key=key: None if self._holding else self._clicked(lambda: self._render(key)),
                names="value",
            )
        network_tab = w.VBox([self.flow_caption, self.network_pane, self.static_button, self.flow_image])
        sortable = {key: w.VBox([self.sorters[key], self.panes[key]]) for key in self.sorters}
        self.tabs = w.Tab(
            children=[
                sortable["interviews"],
                sortable["items"],
                network_tab,
                sortable["codes"],
                sortable["excerpts"],
                self.agreement_pane,
            ],
            titles=self.TABS,
        )
        self.tabs.selected_index = 0
        controls = w.HBox(
            [
                self.country,
                w.VBox([w.HBox([self.sector, self.child_group]), w.HBox([self.verification, self.search])]),
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        banner = w.HTML(
            _STYLE
            + (
                "<b>Synthetic demonstration data</b>: not the confidential 2010 interviews."
                if study.synthetic
                else ""
            )
        )
        self.widget = w.VBox([banner, controls, self.status, self.summary, self.tabs])

        self._apply(selection or Selection())
        for control in self.controls:
            control.observe(self._changed, names="value")
        self.tabs.observe(self._tab_changed, names="selected_index")
        self.refresh()

    @property
    def controls(self):
        """The five controls, in the order of :class:`Selection`'s fields."""
        return (self.country, self.sector, self.child_group, self.verification, self.search)

    @property
    def selection(self) -> Selection:
        """The selection the controls hold now."""
        return Selection(
            country=tuple(self.country.value) or None,
            sector=self.sector.value or None,
            child_group=self.child_group.value or None,
            verification=self.verification.value or None,
            search=self.search.value or "",
        )

    def set(self, **values) -> Explorer:
        """Set several controls at once and refresh once (``ex.set(country="DK", search="school")``).

        ``None`` means "all" (or no search); ``country`` takes a code or a tuple of codes.

        Raises
        ------
        TypeError
            For a control the explorer does not have.
        ValueError
            For a value the study does not know (:func:`check_selection`).
        """
        unknown = set(values) - set(asdict(Selection()))
        if unknown:
            raise TypeError(f"no such control: {', '.join(sorted(unknown))}")
        wanted = {**asdict(self.selection), **values}
        if wanted.get("search") is None:
            wanted["search"] = ""
        selection = Selection(**wanted)
        check_selection(self.study, selection)
        self._apply(selection)
        self.refresh()
        return self

    def open_tab(self, name: str) -> Explorer:
        """Show a tab by its title ("Network", "Agreement", ...), drawing it if it is out of date."""
        if name not in self.TABS:
            raise ValueError(f"no tab {name!r}: the tabs are {', '.join(self.TABS)}")
        index = self.TABS.index(name)
        if self.tabs.selected_index == index:
            self._render(self.KEYS[index])
        else:
            self.tabs.selected_index = index  # the observer draws it
        return self

    def _apply(self, selection: Selection) -> None:
        """Put a selection in the controls: options (with counts) first, so that every value is offered."""
        self._holding = True
        try:
            self._update_options(selection)
            self.country.value = selection.countries
            self.sector.value = selection.sector or ALL
            self.child_group.value = selection.child_group or ALL
            self.verification.value = selection.verification or ALL
            self.search.value = selection.search or ""
        finally:
            self._holding = False

    def _update_options(self, selection: Selection, view: Study | None = None) -> None:
        """Each dropdown's options: the values occurring with the other filters applied, with counts."""
        study = self.study
        for name, control in (
            ("country", self.country),
            ("sector", self.sector),
            ("child_group", self.child_group),
            ("verification", self.verification),
        ):
            chosen = getattr(selection, name)
            try:
                facet = (
                    view
                    if (view is not None and chosen is None)
                    else select(study, dataclasses.replace(selection, **{name: None}))
                )
            except ValueError:
                facet = None
            options = self._options(name, facet, selection)
            if list(control.options) != options:
                old = control.value
                control.options = options
                if old in (v for _, v in options) or name == "country":
                    control.value = (
                        tuple(v for v in old if v in {o for _, o in options}) if name == "country" else old
                    )

    def _options(self, name: str, facet: Study | None, selection: Selection) -> list[tuple[str, str]]:
        study = self.study
        if name == "country":
            counts = facet.interviews["country"].astype(object).value_counts() if facet is not None else {}
            keep = [c for c in study.countries if counts.get(c, 0) or c in selection.countries]
            return [(f"{_country_name(c)} ({int(counts.get(c, 0))})", c) for c in keep]
        if name == "verification":
            counts = (
                facet.knowledge["verification"].astype(object).value_counts() if facet is not None else {}
            )
            order = codebook_codes(study.codebook, "verification")
        else:
            table = None if facet is None else facet.interviews if name == "sector" else facet.items
            counts = table[name].astype(object).value_counts() if table is not None else {}
            order = codebook_codes(study.codebook, name)
            order += sorted(set(map(str, getattr(counts, "index", []))) - set(order))
        chosen = getattr(selection, name)
        labels = study.labels(name)
        keep = [c for c in order if counts.get(c, 0) or c == chosen]
        return [(self._ALL_LABELS[name], ALL)] + [
            (f"{labels.get(c, _humane(c))} ({int(counts.get(c, 0))})", c) for c in keep
        ]

    def _changed(self, change) -> None:
        if self._holding:
            return
        self._clicked(self.refresh)

    def _clicked(self, action) -> None:
        try:
            action()
        except Exception as err:  # noqa: BLE001 - an observer's error would only reach JupyterLab's log console
            log.exception("the explorer could not update")
            self.summary.value = (
                f"<p><b>The explorer could not update ({html.escape(type(err).__name__)}: "
                f"{html.escape(str(err))}).</b> Details are in the log.</p>"
            )

    def _tab_changed(self, change) -> None:
        index = change["new"]
        if index is not None and self.KEYS[index] in self.stale:
            self._clicked(lambda: self._busy(lambda: self._render(self.KEYS[index])))

    def _busy(self, work) -> None:
        """Run ``work`` with the busy state on screen: a note, and the tabs greyed out."""
        self.status.value = '<p class="impt-busy-note">Updating…</p>'
        self.tabs.add_class("impt-stale")
        try:
            work()
        finally:
            self.tabs.remove_class("impt-stale")
            self.status.value = ""

    def refresh(self) -> None:
        """Recompute the selection, the dropdowns' options and the tab on screen (the others when opened)."""
        self._busy(self._refresh)

    def _refresh(self) -> None:
        selection = self.selection
        try:
            self.view = select(self.study, selection)
        except ValueError as err:
            self.summary.value = f"<p><b>{html.escape(str(err))}</b></p>"
            self.tables = _Tables()
            for pane in (*self.panes.values(), self.flow_caption, self.network_pane):
                pane.value = ""
            self.flow_image.value, self.highlighted, self.stale = b"", [], set()
            return
        view = self.view
        self.tables = _Tables(
            {
                "interviews": lambda: matching_interviews(view),
                "items": lambda: matching_items(view),
                "codes": lambda: self._code_frequencies(view),
                "excerpts": lambda: matching_excerpts(view),
                "agreement": lambda: self._agreement(view),
            }
        )
        self._holding = True
        try:
            self._update_options(selection, view)
            for control in (self.sector, self.child_group, self.verification):
                if control.value is None:  # None set from code means "all": never a blank dropdown
                    control.value = ALL
        finally:
            self._holding = False
        self.summary.value = self._summary(selection)
        log.debug("explorer: %s: %d interviews", selection, len(view.interviews))
        what = selection.describe(self.study)
        if len(view.interviews) == 0:
            if selection.word:
                unsearched = dataclasses.replace(selection, search="").describe(self.study)
                what = (
                    f'No matching excerpts: no coded excerpt contains "{selection.search.strip()}" '
                    f"in {unsearched}."
                )
            else:
                what = f"No interviews match {what}."
            self._empty = dict.fromkeys(self.panes, what)
        else:
            self._empty = {
                "interviews": "",
                "items": f"No information items match {what}.",
                "codes": f"No coded segments in {what}.",
                "excerpts": f"No coded excerpts in {what}.",
                "agreement": f"No interview in {what} was coded by two or more coders: "
                "there is no agreement to measure.",
            }
        self._mark = selection.search.strip()
        self._flow_caption(selection)
        self.flow_image.value = b""
        self.stale = set(self.KEYS)
        self._render(self.KEYS[self.tabs.selected_index or 0])

    def _render(self, key: str) -> None:
        """Draw one tab from the current selection."""
        if key == "network":
            self._draw_network(self.selection)
        else:
            frame = self.tables[key]
            pane = self.panes[key]
            if len(frame) == 0:
                pane.value = _message(self._empty.get(key, ""))
            elif key == "agreement":
                pane.value = (
                    self._agreement_caption()
                    + _html_table(readable(frame.rename(columns=_AGREEMENT), self.study))
                    + self._disagreements_html(self.view)
                )
            else:
                shown = self._sort(key, readable(self._shown(key, frame), self.study))
                context = self._contexts(frame.loc[shown.index]) if key == "excerpts" else None
                pane.value = _html_table(shown, mark=self._mark, context=context)
        self.stale.discard(key)

    def _sort(self, key: str, shown: pd.DataFrame) -> pd.DataFrame:
        """A readable table in the order its "Sort by" dropdown asks: numbers largest first, text A to Z."""
        sorter = self.sorters[key]
        options = [("the study's order", ALL)] + [(c, c) for c in shown.columns if c != "Excerpt"]
        if list(sorter.options) != options:
            self._holding = True
            try:
                old = sorter.value
                sorter.options = options
                sorter.value = old if old in shown.columns else ALL
            finally:
                self._holding = False
        column = sorter.value
        if not column:
            return shown
        numeric = pd.api.types.is_numeric_dtype(shown[column])
        keys = shown[column] if numeric else shown[column].astype(str).str.casefold()
        order = keys.sort_values(ascending=not numeric, kind="stable", na_position="last").index
        return shown.loc[order]

    def _contexts(self, excerpts: pd.DataFrame) -> list[str]:
        """For each excerpt row, its interview's coded passages in the order of the text, this one marked (HTML)."""
        c = self.study.codings
        key = interview_column(c)
        if "excerpt" not in c.columns or len(excerpts) == 0:
            return [""] * len(excerpts)
        order = ["start", "segment_id"] if "start" in c.columns else ["segment_id"]
        passages = c.drop_duplicates("segment_id").sort_values(order, kind="stable")
        by_interview = {
            k: list(zip(g["segment_id"].astype(str), g["excerpt"].astype(object)))
            for k, g in passages.groupby(key, sort=False)
        }
        out = []
        for segment, interview in zip(excerpts["segment_id"].astype(str), excerpts[key]):
            rows = by_interview.get(interview, [])
            at = next((i for i, (s, _) in enumerate(rows) if s == segment), 0)
            near = rows[max(0, at - 3) : at + 4]
            here = ' class="here"'
            items = "".join(
                f"<li{here if s == segment else ''}>{html.escape('' if pd.isna(text) else str(text))}</li>"
                for s, text in near
            )
            part = f" (the nearest {len(near)} of {len(rows)})" if len(near) < len(rows) else ""
            out.append(
                f"<p>Interview {html.escape(str(interview))}, its coded passages in the order of the "
                f"text{part}:</p><ol>{items}</ol>"
            )
        return out

    @staticmethod
    def _shown(key: str, frame: pd.DataFrame) -> pd.DataFrame:
        """The columns a person reads (the code frequencies by label, not by code and category)."""
        if key == "codes":
            return frame.drop(columns=[c for c in ("code", "category") if c in frame.columns]).rename(
                columns={"label": "code"}
            )
        return frame

    def _summary(self, selection: Selection) -> str:
        v, s = self.view, self.study
        mix = v.knowledge["verification"].astype(object).value_counts()
        labels = s.labels("verification")
        verification = ", ".join(
            f"{labels.get(level, level).lower()} {int(mix.get(level, 0))}"
            for level in codebook_codes(s.codebook, "verification")
        )
        what = selection.describe(s)
        found = "" if len(v.interviews) or not selection.word else " No coded excerpt contains the word."
        grouped = interview_column(v.knowledge) != "interview_id"
        # A public export's rows name groups of interviews, each distinct row once: rows, not reports.
        reports = (
            (
                "row (of groups of interviews) of who knows what",
                "rows (of groups of interviews) of who knows what",
            )
            if grouped
            else ("report of who knows what", "reports of who knows what")
        )
        by_group = (
            " The export's rows name groups of interviews: a selection keeps an interview with its "
            "whole group."
            if grouped
            else ""
        )
        n_k = len(v.knowledge)
        segments = v.codings["segment_id"].nunique()
        return (
            f"<p><b>{html.escape(what[:1].upper() + what[1:])}</b>: "
            f"{len(v.interviews)} of {_plural(len(s.interviews), 'interview')}, "
            f"{_plural(len(v.items), 'information item')}, "
            f"{n_k} {reports[n_k != 1]} ({html.escape(verification)}), {_plural(len(v.flows), 'flow')}, "
            f"{_plural(len(v.codings), 'coding')} in {_plural(segments, 'segment')}.{found}{by_group}</p>"
        )

    @staticmethod
    def _code_frequencies(view: Study) -> pd.DataFrame:
        from ..codings import code_frequencies

        return code_frequencies(view)

    def _agreement(self, view: Study) -> pd.DataFrame:
        """Agreement per code on the selection's interviews two or more coders coded, all codes pooled first.

        Coded characters are the units (:func:`impt_analysis.agreement.agreement`). A public
        export names no interviews, so it cannot say where coders' passages overlap: the pane
        says so.
        """
        from ..agreement import agreement

        self._agreement_note = ""
        try:
            per_code = agreement(view, by="code")
        except ValueError as err:
            self._empty["agreement"] = f"{str(err)[:1].upper()}{str(err)[1:]}."
            return pd.DataFrame()
        if len(per_code) == 0:
            return per_code
        self._agreement_note = per_code.attrs["note"]
        pooled = agreement(view, by=None).rename(columns={"group": "code"}).assign(code="(all codes, pooled)")
        return pd.concat([pooled, per_code], ignore_index=True).round(3)

    def _agreement_caption(self) -> str:
        table = self.tables["agreement"]
        n, characters = int(table["n_documents"].iat[0]), int(table["n_units"].iat[0])
        return (
            f"<p>Inter-coder agreement on the {_plural(n, 'interview')} of the selection that two or more coders "
            f"coded ({_plural(characters, 'coded character')}): for each code and character, whether each coder "
            "of the interview applied it (a coder counts for an interview when it coded anything in it, and "
            "&ldquo;not coded&rdquo; is a value). Percent agreement (0 to 1), Cohen's kappa (two coders) and "
            "Krippendorff's alpha with its 95% bootstrap interval, against .800 (reliable) and .667 "
            "(tentative); blank where chance explains everything (every decision the same). "
            f"{html.escape(self._agreement_note)}</p>"
        )

    def _disagreements_html(self, view: Study) -> str:
        """Where the coders differ: each passage and code some coders of the interview applied and others not."""
        from ..agreement import disagreements

        frame = disagreements(view)
        if len(frame) == 0:
            return _message(
                "No passage where the coders differ: they applied the same codes to every passage."
            )
        n = len(frame.drop_duplicates(["code", "interview_id", "passage"]))
        frame = frame.assign(applied=frame["applied"].map({True: "yes", False: "no"}))
        return (
            f"<p><b>Where they disagree</b>: {_plural(n, 'passage')} (codings joined where they share half of "
            "their characters) on which some coders of the interview applied a code and others did not, with "
            "each coder's spans and what it applied there instead.</p>"
            + _html_table(readable(frame.rename(columns=_DISAGREEMENTS), self.study))
        )

    def _flow_caption(self, selection: Selection) -> None:
        """The network tab's caption, and the links carrying the chosen child group."""
        self.highlighted = []
        view = self.view
        if len(selection.countries) != 1:
            self.flow_caption.value = _message(
                "Choose one country to see who tells whom there."
                if selection.countries
                else "Choose a country to see who tells whom."
            )
            return
        country = selection.countries[0]
        if len(view.flows) == 0:
            self.flow_caption.value = _message(f"No flows were reported in {selection.describe(self.study)}.")
            return
        if selection.child_group is not None:
            # The links that carry information on the chosen group, highlighted on the network.
            about = view.flows[view.flows["item_id"].notna()]
            self.highlighted = list(dict.fromkeys(zip(about["source_actor"], about["target_actor"])))
        carried = (
            f" Magenta: {_plural(len(self.highlighted), 'link')} carrying information on this child group."
            if self.highlighted
            else ""
        )
        self.flow_caption.value = (
            f"<p>Who tells whom in {html.escape(_country_name(country))}: "
            f"{_plural(len(view.flows), 'flow')} reported in "
            f"{_plural(len(view.interviews), 'selected interview')} "
            f"({html.escape(selection.describe(self.study))}).{carried} Hover an actor or a "
            "link; click one for what it knows, whom it tells and the flows.</p>"
        )

    def _label(self, category: str, code: str) -> str:
        return self.study.labels(category).get(code, code)

    def _draw_network(self, selection: Selection) -> None:
        if len(selection.countries) != 1 or len(self.view.flows) == 0:
            self.network_pane.value = ""
            return
        if selection not in self._networks:
            from .network_view import network_iframe

            label = None
            if selection.child_group is not None:
                label = f"carries information on {self._label('child_group', selection.child_group).lower()}"
            if len(self._networks) >= 32:
                self._networks.pop(next(iter(self._networks)))
            self._networks[selection] = network_iframe(
                self.view,
                selection.countries[0],
                passages=not self.study.public,
                highlight=self.highlighted,
                highlight_label=label,
            )
        self.network_pane.value = self._networks[selection]

    def draw_static(self) -> bytes:
        """Draw the selection's static flow figure (for print) into ``flow_image``; the PNG bytes."""
        selection = self.selection
        self.flow_image.value = b""
        if len(selection.countries) != 1 or len(self.view.flows) == 0:
            return b""
        from .plots import draw_flows

        label = "highlighted link"
        if selection.child_group is not None:
            label = f"carries information on {self._label('child_group', selection.child_group).lower()}"
        fig = draw_flows(
            self.view,
            selection.countries[0],
            highlight=self.highlighted,
            highlight_label=label,
            public=bool(self.study.public),
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        self.flow_image.value = buffer.getvalue()
        return bytes(self.flow_image.value)

    def show(self) -> None:
        """Display the explorer in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
