"""The consultant's interactive explorer: narrow the study down and see what it holds.

The 2010 consultant read about 60 interviews to answer *who holds information on which
children, how well verified, and where it goes*. This module lets a reader do the same on a
study: choose a country, a sector, a child group and a level of verification, search the coded
excerpts for a word, and see the matching interviews, information items, flow graph, code
frequencies and excerpts.

It has two layers:

- a pure core, :class:`Selection` and :func:`select`, which returns the part of a
  :class:`~impt_analysis.study.Study` that matches, as a Study (so every analysis of the
  workbench runs on it unchanged), and the display tables built from it
  (:func:`interview_table`, :func:`item_table`, :func:`excerpt_table`);
- :class:`Explorer`, ipywidgets controls and panes over that core, for JupyterLab
  (``notebooks/explore.ipynb``). Its controls can be set from code and its panes hold plain
  values (HTML, PNG bytes), so it is tested without a browser.

What a selection matches
------------------------
Every filter is optional; an empty :class:`Selection` matches the whole study, and each filter
only ever narrows. Step by step:

1. **Interviews** are those in the ``country`` and ``sector`` (the interview's own), and, when a
   ``search`` word is given, with at least one coded excerpt containing it (case-insensitive,
   a literal substring: "police" also finds "policeman").
2. **Knowledge** rows are those reported in these interviews about an item of the ``country``
   (the item's country) and ``child_group``, with the chosen ``verification``.
3. When a ``child_group`` or a ``verification`` is chosen, the interviews are narrowed to those
   that reported such knowledge.
4. **Items** are those of the ``country`` and ``child_group``; once a ``sector``,
   ``verification`` or ``search`` is chosen, only those some knowledge row of step 2 reports
   (with only country and child group chosen, an item no interview reports is still listed).
5. **Flows**, **barriers** and **codings** are those reported in the interviews of step 3; a flow
   about a particular item is kept only when that item is selected (flows about no particular
   item stay), and with a ``search`` word only the codings whose excerpt contains it.
6. **Case counts** are those of the ``country`` and ``child_group``. The **actors** and the
   **codebook** are kept whole: they are the frame of reference the flows point into.

The result is referentially whole: every row it keeps points only to rows it keeps.

Privacy: excerpts are free text about children at risk. The explorer shows them on the
consultant's own machine, as asked; nothing in this module writes them anywhere.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.explore import Selection, select
>>> view = select(load_study(), Selection(country="DK", sector="police"))
>>> view.interviews["interview_id"].tolist()
['DK-I02']
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import asdict, dataclass, replace

import pandas as pd

from .study import Study

__all__ = ["Selection", "select", "check_selection", "interview_table", "item_table", "excerpt_table",
           "Explorer", "VERIFICATION_LEVELS"]

log = logging.getLogger(__name__)

#: Strongest first, as the report lists them.
VERIFICATION_LEVELS = ("official", "maybe", "anecdotal")


@dataclass(frozen=True)
class Selection:
    """What the reader chose. ``None`` (or an empty search) means "any".

    Parameters
    ----------
    country : str, optional
        A country code of the study.
    sector : str, optional
        A sector code (the interview's sector).
    child_group : str, optional
        A child-group code (the item's group).
    verification : str, optional
        ``"official"``, ``"maybe"`` or ``"anecdotal"`` (of a knowledge row).
    search : str
        A word or phrase to find in the coded excerpts, case-insensitive; leading and
        trailing spaces are ignored.

    Examples
    --------
    >>> Selection(country="DK", search="  School ").word
    'school'
    """

    country: str | None = None
    sector: str | None = None
    child_group: str | None = None
    verification: str | None = None
    search: str = ""

    @property
    def word(self) -> str:
        """The search word, stripped and case-folded ("" when there is none)."""
        return (self.search or "").strip().casefold()

    def describe(self) -> str:
        """The selection in words, for a heading ("all interviews" when nothing is chosen)."""
        parts = [f"{name.replace('_', ' ')} {value}" for name, value in asdict(self).items()
                 if name != "search" and value]
        if self.word:
            parts.append(f'excerpts containing "{self.search.strip()}"')
        return ", ".join(parts) if parts else "all interviews"


def check_selection(study: Study, selection: Selection) -> None:
    """Raise a clear error when a selection names a value the study does not know.

    Raises
    ------
    ValueError
        Naming the field, the value and the values allowed.
    TypeError
        When the search is not a string.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> check_selection(load_study(), Selection(country="XX"))
    Traceback (most recent call last):
    ...
    ValueError: unknown country 'XX': the study has DE, DK, EE, FI, LT, LV, NO, PL, SE
    """
    if not isinstance(selection.search, str):
        raise TypeError(f"the search must be a string, not {type(selection.search).__name__}")
    codes = study.codebook.groupby("category")["code"].agg(list).to_dict()
    allowed = {
        "country": study.countries,
        "sector": codes.get("sector", []),
        "child_group": codes.get("child_group", []),
        "verification": codes.get("verification", list(VERIFICATION_LEVELS)),
    }
    for name, values in allowed.items():
        value = getattr(selection, name)
        if value is not None and value not in values:
            raise ValueError(f"unknown {name.replace('_', ' ')} {value!r}: the study has {', '.join(map(str, values))}")


def _is(column: pd.Series, value) -> pd.Series:
    """Rows whose value equals ``value``; every row when ``value`` is None."""
    if value is None:
        return pd.Series(True, index=column.index)
    return column.astype(object) == value


def _contains(excerpts: pd.Series, word: str) -> pd.Series:
    return excerpts.astype(object).fillna("").astype(str).str.casefold().str.contains(word, regex=False)


def select(study: Study, selection: Selection) -> Study:
    """The part of a study that matches a selection, as a Study.

    Parameters
    ----------
    study : Study
        A loaded study.
    selection : Selection
        The filters; see the module docstring for exactly what matches.

    Returns
    -------
    Study
        The matching rows of every table, in their original order (the actors and codebook
        whole). ``meta`` is the study's, plus ``"impt:selection"``, the selection as a dict.

    Raises
    ------
    ValueError
        If the selection names a value the study does not know, or searches the excerpts of a
        study without excerpts (a public export).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> view = select(load_study(), Selection(country="DK", child_group="au_pairs"))
    >>> view.items["item_id"].tolist()
    ['DK-T001']
    """
    check_selection(study, selection)
    s, word = selection, selection.word
    codings = study.codings
    if word and "excerpt" not in codings.columns:
        raise ValueError("this study has no excerpts (a public export): there is nothing to search")

    interviews = study.interviews
    keep = _is(interviews["country"], s.country) & _is(interviews["sector"], s.sector)
    if word:
        found = codings.loc[_contains(codings["excerpt"], word), "interview_id"]
        keep &= interviews["interview_id"].isin(found)
    interview_ids = interviews.loc[keep, "interview_id"]

    items = study.items
    pool = items.loc[_is(items["country"], s.country) & _is(items["child_group"], s.child_group), "item_id"]
    k = study.knowledge
    knowledge = k[k["interview_id"].isin(interview_ids) & k["item_id"].isin(pool) & _is(k["verification"], s.verification)]

    if s.child_group is not None or s.verification is not None:
        interview_ids = interview_ids[interview_ids.isin(knowledge["interview_id"])]
    if s.sector is not None or s.verification is not None or word:
        pool = pool[pool.isin(knowledge["item_id"])]

    f = study.flows
    flows = f[f["interview_id"].isin(interview_ids) & (f["item_id"].isna() | f["item_id"].isin(pool))]
    in_interviews = codings["interview_id"].isin(interview_ids)
    if word:
        in_interviews &= _contains(codings["excerpt"], word)
    cc = study.case_counts
    tables = {
        "codebook": study.codebook,
        "actors": study.actors,
        "interviews": interviews[interviews["interview_id"].isin(interview_ids)],
        "items": items[items["item_id"].isin(pool)],
        "knowledge": knowledge,
        "flows": flows,
        "barriers": study.barriers[study.barriers["interview_id"].isin(interview_ids)],
        "codings": codings[in_interviews],
        "case_counts": cc[_is(cc["country"], s.country) & _is(cc["child_group"], s.child_group)],
    }
    tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
    meta = {**study.meta, "impt:selection": asdict(selection)}
    log.debug("select(%s): %d interviews, %d items", selection, len(tables["interviews"]), len(tables["items"]))
    return Study(**tables, meta=meta, path=study.path)


def interview_table(view: Study) -> pd.DataFrame:
    """The selected interviews, one row each, with what they reported inside the selection.

    Returns
    -------
    pandas.DataFrame
        ``interview_id``, ``country``, ``date``, ``sector``, ``level``, ``respondent`` (the
        interviewed actor's role description, when the study has names), and the number of the
        selection's ``knowledge`` rows, ``flows``, ``barriers`` and ``codings`` it reported.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> interview_table(select(load_study(), Selection(country="DK", sector="police")))["flows"].tolist()
    [10]
    """
    i = view.interviews
    out = pd.DataFrame({
        "interview_id": i["interview_id"].astype(str),
        "country": i["country"].astype(str),
        "date": i["date"].dt.strftime("%Y-%m-%d"),
        "sector": i["sector"].astype(str),
        "level": i["level"].astype(str),
    })
    if "name" in view.actors.columns:
        out["respondent"] = i["actor_id"].map(view.actors.set_index("actor_id")["name"]).astype(object)
    for name in ("knowledge", "flows", "barriers", "codings"):
        counts = getattr(view, name)["interview_id"].value_counts()
        out[name] = out["interview_id"].map(counts).fillna(0).astype(int)
    return out.reset_index(drop=True)


def item_table(view: Study) -> pd.DataFrame:
    """The selected information items, with how often and how well the selection reports them.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``country``, ``label`` (when the study has labels), ``info_type``,
        ``child_group``, ``theme``; ``interviews``, the number of selected interviews reporting
        the item; ``official``, ``maybe``, ``anecdotal``, the number of the selection's
        knowledge rows at each level; and ``strongest``, the strongest of them ("" when none).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> t = item_table(select(load_study(), Selection(country="DK", child_group="au_pairs")))
    >>> t[["item_id", "interviews", "strongest"]].to_dict("records")
    [{'item_id': 'DK-T001', 'interviews': 2, 'strongest': 'anecdotal'}]
    """
    items, k = view.items, view.knowledge
    columns = ["item_id", "country", "label", "info_type", "child_group", "theme"]
    out = pd.DataFrame({c: items[c].astype(object) for c in columns if c in items.columns})
    reporting = k.groupby("item_id")["interview_id"].nunique()
    out["interviews"] = out["item_id"].map(reporting).fillna(0).astype(int)
    mix = pd.crosstab(k["item_id"], k["verification"].astype(object)) if len(k) else pd.DataFrame()
    strongest = pd.Series("", index=out.index, dtype=object)
    for level in reversed(VERIFICATION_LEVELS):
        n = out["item_id"].map(mix[level]).fillna(0).astype(int) if level in mix else pd.Series(0, index=out.index)
        out[level] = n
        strongest = strongest.where(n == 0, level)
    out = out[[c for c in out.columns if c not in VERIFICATION_LEVELS] + list(VERIFICATION_LEVELS)]
    out["strongest"] = strongest
    return out.reset_index(drop=True)


def excerpt_table(view: Study) -> pd.DataFrame:
    """The selection's coded excerpts, one row per segment, with every code and coder on it.

    Free text: for the reader's own screen, never for a public page.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``interview_id``, ``codes`` and ``coders`` (comma-separated, in the
        order they were coded), and ``excerpt`` ("" when the study has no excerpts), in the
        order of ``codings.csv``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> t = excerpt_table(select(load_study(), Selection(country="DK", search="quarter")))
    >>> t.loc[0, ["segment_id", "codes"]].tolist()
    ['S000003', 'professional_networks']
    """
    c = view.codings
    columns = ["segment_id", "interview_id", "codes", "coders", "excerpt"]
    if len(c) == 0:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "segment_id": c["segment_id"].astype(str),
        "interview_id": c["interview_id"].astype(str),
        "code": c["code"].astype(str),
        "coder": c["coder"].astype(str),
        "excerpt": c["excerpt"].astype(object).fillna("") if "excerpt" in c.columns else "",
    })
    joined = lambda s: ", ".join(dict.fromkeys(s))  # noqa: E731 - unique, in first-seen order
    out = (frame.groupby(["segment_id", "interview_id"], sort=False)
           .agg(codes=("code", joined), coders=("coder", joined), excerpt=("excerpt", "first"))
           .reset_index())
    return out[columns]


def _html_table(frame: pd.DataFrame, mark: str = "", max_rows: int = 500) -> str:
    """A frame as an escaped HTML table; ``mark`` highlights a search word in the excerpts."""
    shown = frame.head(max_rows).astype(object).where(frame.head(max_rows).notna(), "")
    shown = shown.apply(lambda col: col.map(lambda v: html.escape(str(v))))
    if mark and "excerpt" in shown.columns:
        pattern = re.compile(re.escape(html.escape(mark)), re.IGNORECASE)
        shown["excerpt"] = shown["excerpt"].map(lambda text: pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text))
    table = shown.to_html(index=False, escape=False, border=0)
    more = f"<p><i>The first {max_rows} of {len(frame)} rows are shown.</i></p>" if len(frame) > max_rows else ""
    return f'<div style="max-height:28em;overflow:auto">{table}</div>{more}'


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
    ``interviews_pane``, ``items_pane``, ``codes_pane``, ``excerpts_pane``
        HTML tables: :func:`interview_table`, :func:`item_table`, the code frequencies
        (:func:`impt_analysis.codings.code_frequencies`) and :func:`excerpt_table` with the
        search word marked. An empty result says why in words.
    ``flow_image``, ``flow_caption``
        The country's flow graph (:func:`impt_analysis.plots.draw_flows` on the selection) as
        PNG bytes, with a caption; without a country the caption asks for one.

    The frames behind the panes are in ``tables`` and the selected part of the study in
    ``view``. Excerpts are shown on screen only; the explorer writes nothing.

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

    TABS = ("Interviews", "Items", "Flow graph", "Codes", "Excerpts")

    def __init__(self, study: Study, selection: Selection | None = None):
        import ipywidgets as w

        self.study = study
        self._holding = False
        self.view: Study = study
        self.tables: dict[str, pd.DataFrame] = {}
        labels = study.codebook.drop_duplicates(["category", "code"]).set_index(["category", "code"])["label"]

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
        self.interviews_pane, self.items_pane = w.HTML(), w.HTML()
        self.codes_pane, self.excerpts_pane = w.HTML(), w.HTML()
        self.flow_caption = w.HTML()
        self.flow_image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.tabs = w.Tab(children=[self.interviews_pane, self.items_pane,
                                    w.VBox([self.flow_caption, self.flow_image]), self.codes_pane, self.excerpts_pane],
                          titles=self.TABS)
        controls = w.VBox([w.HBox([self.country, self.sector, self.child_group]),
                           w.HBox([self.verification, self.search])])
        banner = (w.HTML("<b>Synthetic demonstration data</b>: not the confidential 2010 interviews.")
                  if study.synthetic else w.HTML(""))
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
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the selection and every pane from the controls."""
        selection = self.selection
        try:
            self.view = select(self.study, selection)
        except ValueError as err:
            self.summary.value = f"<p><b>{html.escape(str(err))}</b></p>"
            self.tables = {}
            for pane in (self.interviews_pane, self.items_pane, self.codes_pane, self.excerpts_pane, self.flow_caption):
                pane.value = ""
            self.flow_image.value = b""
            return
        view = self.view
        self.tables = {"interviews": interview_table(view), "items": item_table(view),
                       "codes": self._code_frequencies(view), "excerpts": excerpt_table(view)}
        self.summary.value = self._summary(selection)
        none = f"No interviews match {selection.describe()}."
        if selection.word and len(view.codings) == 0:
            none = f'No matching excerpts: no coded excerpt contains "{selection.search.strip()}" ' \
                   f"({Selection(**{**asdict(selection), 'search': ''}).describe()})."
        for key, pane, empty in (("interviews", self.interviews_pane, none),
                                 ("items", self.items_pane, f"No information items match {selection.describe()}."),
                                 ("codes", self.codes_pane, f"No coded segments in {selection.describe()}."),
                                 ("excerpts", self.excerpts_pane, none if selection.word else
                                  f"No coded excerpts in {selection.describe()}.")):
            frame = self.tables[key]
            pane.value = _html_table(frame, mark=selection.search.strip()) if len(frame) else _message(empty)
        self._draw_flows(selection)

    def _summary(self, selection: Selection) -> str:
        v, s = self.view, self.study
        mix = v.knowledge["verification"].astype(object).value_counts()
        verification = ", ".join(f"{level} {int(mix.get(level, 0))}" for level in VERIFICATION_LEVELS)
        return (f"<p><b>{html.escape(selection.describe().capitalize())}</b>: "
                f"{len(v.interviews)} of {len(s.interviews)} interviews, {len(v.items)} information items, "
                f"{len(v.knowledge)} reports of who knows what ({verification}), {len(v.flows)} flows, "
                f"{len(v.codings)} codings in {v.codings['segment_id'].nunique()} segments.</p>")

    @staticmethod
    def _code_frequencies(view: Study) -> pd.DataFrame:
        from .codings import code_frequencies

        return code_frequencies(view)

    def _draw_flows(self, selection: Selection) -> None:
        self.flow_image.value = b""
        if selection.country is None:
            self.flow_caption.value = _message("Choose a country to draw its flow graph.")
            return
        view = self.view
        if len(view.flows) == 0:
            self.flow_caption.value = _message(f"No flows were reported in {selection.describe()}.")
            return
        import io

        import matplotlib.pyplot as plt

        from .plots import draw_flows

        fig = draw_flows(view, selection.country)
        try:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        finally:
            plt.close(fig)
        self.flow_image.value = buffer.getvalue()
        self.flow_caption.value = (f"<p>Who tells whom in {html.escape(selection.country)}: the {len(view.flows)} flows "
                                   f"reported in the {len(view.interviews)} selected interviews "
                                   f"({html.escape(selection.describe())}).</p>")

    def show(self) -> None:
        """Display the explorer in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
