"""What part of a study a reader's selection matches: the core of the interactive explorer.

The 2010 consultant read about 60 interviews to answer *who holds information on which
children, how well verified, and where it goes*. A reader of a study does the same by narrowing
it down: a country, a sector, a child group, a level of verification, a word in the coded
excerpts. :func:`select` returns the matching part of the study as a
:class:`~impt_analysis.study.Study`, so that every analysis of the workbench runs on it
unchanged, and :func:`matching_interviews`, :func:`matching_items` and
:func:`matching_excerpts` are the tables a reader looks at. The widgets over them are in
:mod:`impt_analysis.reporting.explore`.

What a selection matches
------------------------
Every filter is optional; an empty :class:`Selection` matches the whole study, and each filter
only ever narrows. Step by step:

1. **Interviews** are those in the ``country`` and ``sector`` (the interview's own, as
   published: in a public export perhaps a group such as ``civil_society``, or ``any_sector``),
   and, when a ``search`` word is given, with at least one coded excerpt containing it
   (case-insensitive, a literal substring: "police" also finds "policeman").
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
6. **Case counts** are those of the ``country`` and ``child_group`` (assessments, of the
   ``country``). The **actors** and the
   **codebook** are kept whole: they are the frame of reference the flows point into.

The result is referentially whole: every row it keeps points only to rows it keeps.

In a public export the rows of steps 2 and 5 name a group of interviews (``interview_group``:
interviews of one country, year, published sector and level), not an interview, so a
selection works by group: an interview is kept with its whole group, and a group's rows
with it. Every filter keeps or drops whole groups (a group shares its country and sector),
except that one group's rows may match a child group or a verification without saying which of
its interviews reported them: the group is kept. The counts the export publishes per item
(``n_interviews``, ``n_organisations``, ``n_sectors``) stay when the selection keeps every
group that reports the item, with any verification; otherwise they are missing (``<NA>``),
since the selection cannot know them. The barrier counts per country
(``study.barrier_counts``) stay when the selection keeps every interview of its countries,
and are None otherwise.

Excerpts are free text about children at risk: :func:`matching_excerpts` is for the reader's
own screen; nothing in this module writes anything.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.selection import Selection, select
>>> view = select(load_study(), Selection(country="DK", sector="police"))
>>> view.interviews["interview_id"].tolist()
['DK-I02']
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import pandas as pd

from .codebook import codes as codebook_codes
from .study import Study, interview_column

__all__ = [
    "Selection",
    "select",
    "check_selection",
    "matching_interviews",
    "matching_items",
    "matching_excerpts",
]

log = logging.getLogger(__name__)


def _country_name(code: str) -> str:
    """A country's common name (pycountry), or its code when pycountry does not know it."""
    import pycountry

    found = pycountry.countries.get(alpha_2=str(code))
    return getattr(found, "common_name", None) or (found.name if found else str(code))


@dataclass(frozen=True)
class Selection:
    """What the reader chose. ``None`` (or an empty search) means "any".

    Parameters
    ----------
    country : str or tuple of str, optional
        A country code of the study, or several (a tuple: any of them).
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

    country: str | tuple[str, ...] | None = None
    sector: str | None = None
    child_group: str | None = None
    verification: str | None = None
    search: str = ""

    def __post_init__(self):
        if isinstance(self.country, list):
            object.__setattr__(self, "country", tuple(self.country))
        if isinstance(self.country, tuple):
            if not self.country:
                object.__setattr__(self, "country", None)
            elif len(self.country) == 1:
                object.__setattr__(self, "country", self.country[0])

    @property
    def countries(self) -> tuple[str, ...]:
        """The chosen countries (``()`` for all of them).

        Examples
        --------
        >>> Selection(country=("DK", "SE")).countries, Selection(country=["DK"]).country
        (('DK', 'SE'), 'DK')
        """
        if self.country is None:
            return ()
        return self.country if isinstance(self.country, tuple) else (self.country,)

    @property
    def word(self) -> str:
        """The search word, stripped and case-folded ("" when there is none)."""
        return (self.search or "").strip().casefold()

    def describe(self, study: Study | None = None) -> str:
        """The selection in words, for a heading ("all interviews" when nothing is chosen).

        With a study, codes are given by their codebook labels and countries by their names.

        Examples
        --------
        >>> from impt_analysis import load_study
        >>> Selection(country=("DK", "SE"), sector="child_protection").describe(load_study())
        'Denmark and Sweden, sector Child protection'
        """
        parts = []
        if self.countries:
            names = [_country_name(c) if study is not None else c for c in self.countries]
            if study is None:
                parts.append(f"{'country' if len(names) == 1 else 'countries'} {', '.join(names)}")
            else:
                parts.append(names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
        for name in ("sector", "child_group", "verification"):
            value = getattr(self, name)
            if value:
                label = study.labels(name).get(value, value) if study is not None else value
                parts.append(f"{name.replace('_', ' ')} {label}")
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
    allowed = {
        "country": study.countries,
        "sector": codebook_codes(study.codebook, "sector"),
        "child_group": codebook_codes(study.codebook, "child_group"),
        "verification": codebook_codes(study.codebook, "verification"),  # strongest first
    }
    for name, values in allowed.items():
        for value in selection.countries if name == "country" else (getattr(selection, name),):
            if value is not None and value not in values:
                raise ValueError(
                    f"unknown {name.replace('_', ' ')} {value!r}: the study has {', '.join(map(str, values))}"
                )


def _is(column: pd.Series, value) -> pd.Series:
    """Rows whose value equals ``value``; every row when ``value`` is None."""
    if value is None:
        return pd.Series(True, index=column.index)
    if isinstance(value, tuple):
        return column.astype(object).isin(value)
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
    key = interview_column(study.knowledge)  # interview_id; interview_group in a public export
    keep = _is(interviews["country"], s.country) & _is(interviews["sector"], s.sector)
    if word:
        found = codings.loc[_contains(codings["excerpt"], word), key]
        keep &= interviews[key].isin(found)
    chosen = interviews.loc[keep, key]

    items = study.items
    pool = items.loc[_is(items["country"], s.country) & _is(items["child_group"], s.child_group), "item_id"]
    k = study.knowledge
    knowledge = k[k[key].isin(chosen) & k["item_id"].isin(pool) & _is(k["verification"], s.verification)]

    if s.child_group is not None or s.verification is not None:
        chosen = chosen[chosen.isin(knowledge[key])]
    if s.sector is not None or s.verification is not None or word:
        pool = pool[pool.isin(knowledge["item_id"])]

    f = study.flows
    about = f["item_id"] if "item_id" in f.columns else pd.Series(None, index=f.index, dtype=object)
    flows = f[f[key].isin(chosen) & (about.isna() | about.isin(pool))]
    in_interviews = codings[key].isin(chosen)
    if word:
        in_interviews &= _contains(codings["excerpt"], word)
    cc = study.case_counts
    kept_interviews = interviews[interviews[key].isin(chosen)]
    tables = {
        "codebook": study.codebook,
        "actors": study.actors,
        "interviews": kept_interviews,
        "items": items[items["item_id"].isin(pool)]
        if key == "interview_id"
        else _public_support(study, items[items["item_id"].isin(pool)], chosen, s),
        "knowledge": knowledge,
        "flows": flows,
        "barriers": study.barriers[study.barriers[key].isin(chosen)],
        "codings": codings[in_interviews],
        "case_counts": cc[_is(cc["country"], s.country) & _is(cc["child_group"], s.child_group)],
        "assessments": study.assessments[_is(study.assessments["country"], s.country)],  # of the country
    }
    tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
    meta = {**study.meta, "impt:selection": asdict(selection)}
    log.debug(
        "select(%s): %d interviews, %d items", selection, len(tables["interviews"]), len(tables["items"])
    )
    return Study(**tables, meta=meta, path=study.path, barrier_counts=_barrier_counts(study, kept_interviews))


def _public_support(
    study: Study, items: pd.DataFrame, groups: pd.Series, selection: Selection
) -> pd.DataFrame:
    """A public export's per-item counts, kept where the selection keeps every group reporting the item."""
    k = study.knowledge
    reporting = k[k["item_id"].isin(items["item_id"])].groupby("item_id")["interview_group"].agg(set)
    chosen = set(groups)
    whole = items["item_id"].map(lambda item: reporting.get(item, set()) <= chosen) & (
        selection.verification is None
    )
    out = items.copy()
    for col in ("n_interviews", "n_organisations", "n_sectors"):
        out[col] = out[col].astype("Int64").where(whole.to_numpy(dtype=bool), pd.NA)
    return out


def _barrier_counts(study: Study, kept: pd.DataFrame) -> pd.DataFrame | None:
    """The barrier counts of the countries whose every interview the selection keeps (None if it splits one)."""
    counts = study.barrier_counts
    if counts is None:
        return None
    countries = set(kept["country"].astype(str))
    every = study.interviews[study.interviews["country"].astype(str).isin(countries)]
    if len(every) != len(kept):
        return None
    return counts[counts["country"].astype(str).isin(countries)].reset_index(drop=True)


def matching_interviews(view: Study) -> pd.DataFrame:
    """The selected interviews, one row each, with what they reported inside the selection.

    Returns
    -------
    pandas.DataFrame
        ``interview_id``, ``country``, ``date``, ``sector``, ``level``, ``respondent`` (the
        interviewed actor's role description, when the study has names), and the number of the
        selection's ``knowledge`` rows, ``flows``, ``barriers`` and ``codings`` it reported.
        For a public export: ``year`` in place of ``date``, the sector and level as published
        (perhaps generalised, e.g. ``any_sector``), and no ``respondent`` (the export does not
        say whom the respondent speaks for); ``interview_group`` after ``interview_id``, and
        in place of the four counts ``group_knowledge``, ``group_flows``, ``group_barriers``
        and ``group_codings``: the selection's rows of the interview's group (the export does
        not say which interview of the group reported them).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> matching_interviews(select(load_study(), Selection(country="DK", sector="police")))["flows"].tolist()
    [4]
    """
    i = view.interviews
    out = pd.DataFrame(
        {
            "interview_id": i["interview_id"].astype(str),
            "country": i["country"].astype(str),
            **({"date": i["date"].dt.strftime("%Y-%m-%d")} if "date" in i.columns else {"year": i["year"]}),
            "sector": i["sector"].astype(str),
            "level": i["level"].astype(str),
        }
    )
    if "name" in view.actors.columns and "actor_id" in i.columns:
        out["respondent"] = i["actor_id"].map(view.actors.set_index("actor_id")["name"]).astype(object)
    key = interview_column(view.knowledge)
    prefix = ""
    if key != "interview_id":  # a public export: the rows name the interview's group
        out.insert(1, key, i[key].astype(str).to_numpy())
        prefix = "group_"
    for name in ("knowledge", "flows", "barriers", "codings"):
        counts = getattr(view, name)[key].value_counts()
        out[prefix + name] = out[key].map(counts).fillna(0).astype(int)
    return out.reset_index(drop=True)


def matching_items(view: Study) -> pd.DataFrame:
    """The selected information items, with how often and how well the selection reports them.

    Returns
    -------
    pandas.DataFrame
        ``item_id``, ``country``, ``label`` (when the study has labels), ``info_type``,
        ``child_group``, ``theme``; ``interviews``, the number of selected interviews reporting
        the item; ``official``, ``maybe``, ``anecdotal``, the number of the selection's
        knowledge rows at each level; and ``strongest``, the strongest of them ("" when none).
        In a public export ``interviews`` is the item's published ``n_interviews`` (``<NA>``
        where the selection cannot know it, see :func:`select`), and the rows counted per
        level are the export's distinct rows of groups of interviews, not reports.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> t = matching_items(select(load_study(), Selection(country="DK", child_group="au_pairs")))
    >>> t[["item_id", "interviews", "strongest"]].to_dict("records")
    [{'item_id': 'DK-T001', 'interviews': 2, 'strongest': 'maybe'}]
    """
    items, k = view.items, view.knowledge
    columns = ["item_id", "country", "label", "info_type", "child_group", "theme"]
    out = pd.DataFrame({c: items[c].astype(object) for c in columns if c in items.columns})
    if interview_column(k) != "interview_id":  # a public export: its published count, or unknown
        out["interviews"] = items["n_interviews"].astype("Int64").to_numpy()
    else:
        reporting = k.groupby("item_id")["interview_id"].nunique()
        out["interviews"] = out["item_id"].map(reporting).fillna(0).astype(int)
    mix = pd.crosstab(k["item_id"], k["verification"].astype(object)) if len(k) else pd.DataFrame()
    strongest = pd.Series("", index=out.index, dtype=object)
    levels = codebook_codes(view.codebook, "verification")  # strongest first, the codebook's order
    for level in reversed(levels):
        n = (
            out["item_id"].map(mix[level]).fillna(0).astype(int)
            if level in mix
            else pd.Series(0, index=out.index)
        )
        out[level] = n
        strongest = strongest.where(n == 0, level)
    out = out[[c for c in out.columns if c not in levels] + levels]
    out["strongest"] = strongest
    return out.reset_index(drop=True)


def matching_excerpts(view: Study) -> pd.DataFrame:
    """The selection's coded excerpts, one row per segment, with every code and coder on it.

    Free text: for the reader's own screen, never for a public page.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``interview_id`` (``interview_group`` in a public export), ``codes``
        and ``coders`` (comma-separated, in the order they were coded), and ``excerpt`` (""
        when the study has no excerpts), in the order of ``codings.csv``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> t = matching_excerpts(select(load_study(), Selection(country="DK", search="quarter")))
    >>> t.loc[0, ["segment_id", "codes"]].tolist()
    ['S000017', 'professional_networks']
    """
    c = view.codings
    key = interview_column(c)
    columns = ["segment_id", key, "codes", "coders", "excerpt"]
    if len(c) == 0:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "segment_id": c["segment_id"].astype(str),
            key: c[key].astype(str),
            "code": c["code"].astype(str),
            "coder": c["coder"].astype(str),
            "excerpt": c["excerpt"].astype(object).fillna("") if "excerpt" in c.columns else "",
        }
    )
    joined = lambda s: ", ".join(dict.fromkeys(s))  # noqa: E731 - unique, in first-seen order
    out = (
        frame.groupby(["segment_id", key], sort=False)
        .agg(codes=("code", joined), coders=("coder", joined), excerpt=("excerpt", "first"))
        .reset_index()
    )
    return out[columns]
