"""De-identify a study for publication: no free text, pseudonyms, years, k-anonymous interviews.

The people in the study are children at risk and the professionals who spoke in confidence;
with about seven interviews per country, a respondent's country, sector and level can single
out one official. :func:`deidentify` turns a study into the tables of a public export
(:mod:`impt_analysis.privacy.publish` writes them):

- free text is removed: interview notes and coded excerpts are dropped; actor names and item
  labels are replaced by text generated from their controlled values (an actor becomes
  "Police (National, Organisation)"); the respondent's organisation (``interviews.actor_id``)
  is dropped, since it would give the respondent's exact sector and level; columns outside the
  schema are dropped;
- identifiers (interview, actor, item, flow, segment, coder) become keyed pseudonyms
  (HMAC-SHA256 under a secret key, :func:`pseudonym`): stable within one export, not
  reversible without the key, which is never written into the package;
- dates become years;
- interviews are made *k*-anonymous over their quasi-identifiers (country, year, sector,
  level) by :func:`k_anonymise`; what depends on a suppressed interview goes with it;
- rows reported in an interview (knowledge, flows, barriers, codings) name the interview's
  *group* (``interview_group``: the keyed pseudonym of its class of at least k interviews
  sharing country, year, published sector and level), never the interview: the actors the rows
  of one interview touch would otherwise point at the respondent (their own organisation turns
  up in them) more precisely than the generalised ``interviews.csv``. Knowledge and barriers
  hold distinct rows within a group. What triangulation needs per item is published as counts
  (``items.n_interviews``, ``n_organisations``, ``n_sectors``), counted on the confidential study;
- a country none of whose interviews is published leaves no trace (its actors, items, case
  counts and the rows that point at them are left out), and an actor that no published row
  refers to (e.g. only some respondent's organisation) is not published;
- case counts (and assessments, where a study has them) of 1 to ``suppress_below - 1``
  children are suppressed, with secondary
  suppression (:func:`~impt_analysis.privacy.suppression.suppress_small_cells`), and a table of
  barrier counts per country is added, suppressed the same way; a ``suppression`` column says
  why a count is empty (primary or secondary).

What cannot be protected is refused (:class:`ExportRefused`): no interview reaches k, or a
published table would be wholly suppressed.

Rows are sorted by pseudonym within each country, so their order tells nothing either.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.privacy.deidentify import deidentify
>>> public = deidentify(load_study(), k=5, key=b"0123456789abcdef")
>>> public.study.public, "notes" in public.study.interviews, public.record.k_reached >= 5
(True, False, True)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field, replace

import pandas as pd

from ..codebook import codes as codebook_codes
from ..codebook import label_map
from ..interop.package_docs import licence_entry
from ..schema import BARRIER_COUNTS, PUBLIC_TABLES, ROW_TABLES, TABLE_ORDER
from ..study import Study, study_from_tables
from . import SUPPRESS_BELOW, K
from .record import (
    DisclosureRecord,
    FrameCodes,
    GeneralisedCountry,
    GeneratedColumns,
    InterviewCounts,
    SuppressedCells,
    Withheld,
    shown_count,
)
from .suppression import hidden_cell_bounds, suppress_small_cells

__all__ = [
    "Deidentified",
    "KAnonymous",
    "ExportRefused",
    "deidentify",
    "k_anonymise",
    "pseudonym",
    "generalise",
    "generated_text",
    "shown_count",
    "stated_licences",
    "SECTOR_GROUPS",
    "LEVEL_GROUPS",
    "QUASI_IDENTIFIERS",
    "BARRIER_COUNTS",
    "CASE_COUNT_MARGINS",
]

log = logging.getLogger(__name__)

# Generalisation hierarchies: code -> (label, members). A code outside every group goes to the
# last group of its hierarchy; the root ("any_...") hides the attribute altogether.
SECTOR_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "state_authority": (
        "State authority or public service",
        (
            "police",
            "prosecution",
            "judiciary",
            "child_protection",
            "social_services",
            "asylum_migration",
            "health",
            "education",
            "government",
        ),
    ),
    "civil_society": ("Civil society", ("ngo", "faith_based")),
    "other_sectors": ("Other sectors", ("labour_organisation", "business", "research", "media", "igo")),
}
LEVEL_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "local_regional": ("Local or regional", ("local", "regional")),
    "national_international": ("National or international", ("national", "international")),
}
ANY = {"sector": ("any_sector", "Any sector"), "level": ("any_level", "Any level")}
HIERARCHIES = {"sector": SECTOR_GROUPS, "level": LEVEL_GROUPS}
STEPS = ("exact", "group", "any")
QUASI_IDENTIFIERS = ("country", "year", "sector", "level")

# column -> namespace of its pseudonyms (a namespace is shared by every column that refers to it).
# The rows of ROW_TABLES name the interview's group ("group"), made from its class, not from an id.
IDENTIFIERS: dict[tuple[str, str], str] = {
    ("actors", "actor_id"): "actor",
    ("interviews", "interview_id"): "interview",
    ("items", "item_id"): "item",
    ("knowledge", "actor_id"): "actor",
    ("knowledge", "item_id"): "item",
    ("flows", "flow_id"): "flow",
    ("flows", "source_actor"): "actor",
    ("flows", "target_actor"): "actor",
    ("flows", "item_id"): "item",
    ("barriers", "source_actor"): "actor",
    ("barriers", "target_actor"): "actor",
    ("codings", "segment_id"): "segment",
    ("codings", "coder"): "coder",
    ("case_counts", "source_actor"): "actor",
    ("assessments", "source_actor"): "actor",
}
PREFIX = {
    "actor": "A",
    "interview": "I",
    "item": "T",
    "flow": "F",
    "segment": "S",
    "coder": "C",
    "group": "G",
}
# The actor and item columns of each table (rows pointing at a withheld actor or item go, or lose the link).
_ACTOR_COLUMNS = {
    "knowledge": ("actor_id",),
    "flows": ("source_actor", "target_actor"),
    "barriers": ("source_actor", "target_actor"),
    "case_counts": ("source_actor",),
    "assessments": ("source_actor",),
}
_ITEM_COLUMNS = {"knowledge": ("item_id",), "flows": ("item_id",)}

# The two-way table of case counts whose totals may be published: a country's total per tier
# (rows) and the region's total per child group (columns), within each year.
CASE_COUNT_MARGINS = {"rows": ["country", "year", "tier"], "columns": ["year", "tier", "child_group"]}
# Likewise for assessments: a country's young people assessed in a domain (rows), and the region's
# per level of the domain (columns), within each year.
ASSESSMENT_MARGINS = {"rows": ["country", "year", "domain"], "columns": ["year", "domain", "level"]}
# The tables of counts of children suppressed the same way, with the totals that may be published.
COUNT_MARGINS = {"case_counts": CASE_COUNT_MARGINS, "assessments": ASSESSMENT_MARGINS}
_SORT = {
    "actors": ["country", "actor_id"],
    "interviews": ["country", "interview_id"],
    "items": ["country", "item_id"],
    "knowledge": ["interview_group", "actor_id", "item_id", "verification", "source_type"],
    "flows": ["interview_group", "flow_id"],
    "barriers": ["interview_group", "barrier", "source_actor", "target_actor", "severity"],
    "codings": ["interview_group", "segment_id", "code", "coder"],
    "case_counts": ["country", "year", "tier", "child_group", "source_actor"],
    "assessments": ["country", "year", "domain", "level", "source_actor"],
}
# Plausible values of a package's version (anything else is free text and is not copied).
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")


class ExportRefused(ValueError):
    """The export cannot protect what it would publish; nothing is written. The message says what to change."""


@dataclass(frozen=True)
class KAnonymous:
    """The result of :func:`k_anonymise`.

    Attributes
    ----------
    interviews : pandas.DataFrame
        Every interview (same rows, same order), ``sector`` and ``level`` generalised as
        chosen for its country.
    kept : pandas.Series
        False for the interviews suppressed: in a class smaller than k even when sector and
        level are hidden altogether (a country with fewer than k interviews in a year).
    plan : pandas.DataFrame
        Per country: interviews, the step chosen for sector and for level (exact, group or
        any), interviews suppressed, and the smallest class kept (``k``).
    """

    interviews: pd.DataFrame
    kept: pd.Series
    plan: pd.DataFrame

    @property
    def groups(self) -> pd.Series:
        """Per interview, the text of its published class (country, year, sector, level); empty if suppressed."""
        text = self.interviews[list(QUASI_IDENTIFIERS)].astype(str).agg("\x1f".join, axis=1)
        return text.where(self.kept, "")

    @property
    def k_reached(self) -> int | None:
        """The size of the smallest class of published interviews (None if none is published)."""
        return _smallest_class(self.interviews[self.kept])


@dataclass(frozen=True)
class Deidentified:
    """What :func:`deidentify` returns: the public study, extra aggregate tables, and the record.

    ``record`` (:class:`~impt_analysis.privacy.record.DisclosureRecord`) says what was removed,
    generalised and suppressed, with counts; it goes into ``DISCLOSURE.md`` and, as
    :meth:`~impt_analysis.privacy.record.DisclosureRecord.to_json`, into ``datapackage.json``
    (``impt:disclosure``, written by :func:`~impt_analysis.privacy.publish.write_public_package`
    with the linkage attack once measured), so it holds nothing of a withheld country and no
    count of suppressed interviews from 1 to ``suppress_below - 1`` (such a count is the text
    ``"<5"``).
    """

    study: Study
    aggregates: dict[str, pd.DataFrame]
    record: DisclosureRecord
    suppression: dict[str, dict] = field(default_factory=dict)
    """Per suppressed table (``case_counts``, ``barrier_counts``), its ``impt:suppression`` rule for
    ``datapackage.json``: the count column, the lines whose totals a reader may know, and the
    totals withheld (:attr:`~impt_analysis.privacy.suppression.Suppression.withheld`), which must be
    published nowhere."""


def pseudonym(value: str, namespace: str, key: bytes) -> str:
    """A keyed pseudonym: the namespace's letter and 16 hex digits of HMAC-SHA256(key, namespace, value).

    The same key gives the same pseudonym; without the key it cannot be recomputed from a
    guessed identifier (unlike a plain hash).

    Examples
    --------
    >>> pseudonym("DK-I01", "interview", b"0123456789abcdef")
    'I-d3a82addc4ae6b15'
    """
    digest = hmac.new(key, f"{namespace}\x1f{value}".encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX[namespace]}-{digest[:16]}"


def generalise(codes: pd.Series, attribute: str, step: str) -> pd.Series:
    """Codes of ``attribute`` ("sector" or "level") at a step of its hierarchy: exact, group or any.

    Examples
    --------
    >>> generalise(pd.Series(["police", "ngo", "igo"]), "sector", "group").tolist()
    ['state_authority', 'civil_society', 'other_sectors']
    """
    codes = codes.astype(str)
    if step == "exact":
        return codes
    if step == "any":
        return pd.Series(ANY[attribute][0], index=codes.index)
    groups = HIERARCHIES[attribute]
    member = {code: group for group, (_, members) in groups.items() for code in members}
    return codes.map(lambda c: member.get(c, list(groups)[-1]))


def k_anonymise(interviews: pd.DataFrame, k: int = K) -> KAnonymous:
    """Generalise sector and level per country until every (country, year, sector, level) occurs k times.

    For each country the nine combinations of steps (sector and level each exact, group or
    any) are tried; the one that suppresses the fewest interviews wins, and among those the
    least generalised (then the one keeping most distinct classes, then the one keeping the
    exact level). Generalising a whole country at once keeps its classes disjoint. Countries are
    never generalised: they are the unit of the analysis. Interviews still in a class smaller
    than ``k`` are suppressed.

    Parameters
    ----------
    interviews : pandas.DataFrame
        Columns country, year, sector, level (and any others, kept as they are).
    k : int
        The smallest class size allowed.

    Returns
    -------
    KAnonymous

    Examples
    --------
    Denmark's six interviews are 3-anonymous only with sectors grouped and levels hidden;
    Sweden's two can never be:

    >>> iv = pd.DataFrame({"country": ["DK"] * 6 + ["SE"] * 2, "year": 2010,
    ...     "sector": ["police", "police", "government", "ngo", "ngo", "faith_based", "police", "ngo"],
    ...     "level": ["national", "local", "national", "local", "local", "regional", "local", "local"]})
    >>> r = k_anonymise(iv, k=3)
    >>> r.interviews["sector"].tolist()[:6]
    ['state_authority', 'state_authority', 'state_authority', 'civil_society', 'civil_society', 'civil_society']
    >>> r.kept.tolist()[6:], r.plan[["country", "sector", "level", "suppressed"]].to_numpy().tolist()
    ([False, False], [['DK', 'group', 'any', 0], ['SE', 'exact', 'exact', 2]])
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    out = interviews.copy()
    for col in ("sector", "level"):
        out[col] = out[col].astype(str)
    kept = pd.Series(True, index=out.index)
    plan = []
    for country, group in out.groupby("country", sort=True, observed=True):
        best = None
        for s in STEPS:
            for lv in STEPS:
                trial = group.assign(
                    sector=generalise(group["sector"], "sector", s),
                    level=generalise(group["level"], "level", lv),
                )
                sizes = trial.groupby(list(QUASI_IDENTIFIERS), observed=True, dropna=False).transform("size")
                ok = sizes >= k
                classes = len(trial[ok].drop_duplicates(list(QUASI_IDENTIFIERS)))
                rank = (int((~ok).sum()), STEPS.index(s) + STEPS.index(lv), -classes, STEPS.index(lv))
                if best is None or rank < best[0]:
                    best = (rank, s, lv, trial, ok)
        (suppressed, *_), s, lv, trial, ok = best
        out.loc[trial.index, ["sector", "level"]] = trial[["sector", "level"]]
        kept.loc[trial.index] = ok
        plan.append(
            {
                "country": str(country),
                "interviews": len(group),
                "sector": s,
                "level": lv,
                "suppressed": suppressed,
                "k": _smallest_class(trial[ok]),
            }
        )
    plan_frame = pd.DataFrame(plan, columns=["country", "interviews", "sector", "level", "suppressed", "k"])
    return KAnonymous(out, kept, plan_frame)


def generated_text(table: str, row: dict, labels: dict[tuple[str, str], str]) -> str:
    """The text a public export puts in place of an actor's name or an item's label.

    Examples
    --------
    >>> generated_text("actors", {"sector": "police", "level": "national", "kind": "organisation"},
    ...                {("sector", "police"): "Police", ("level", "national"): "National",
    ...                 ("kind", "organisation"): "Organisation"})
    'Police (National, Organisation)'
    """

    def label(category: str) -> str:
        return labels.get((category, str(row[category])), str(row[category]))

    if table == "actors":
        return f"{label('sector')} ({label('level')}, {label('kind')})"
    if table == "items":
        return f"{label('info_type')}: {label('child_group')} ({label('theme')})"
    raise ValueError(f"no generated text for table {table!r}")


def deidentify(
    study: Study,
    k: int = K,
    suppress_below: int = SUPPRESS_BELOW,
    key: bytes | str | None = None,
    *,
    pool_rows: bool = True,
    keep_title: bool = False,
    licence: str | None = None,
) -> Deidentified:
    """The tables of a public export of ``study``, and the record of what was done.

    Parameters
    ----------
    study : Study
    k : int
        Every published (country, year, sector, level) of an interview occurs at least k times.
    suppress_below : int
        Case counts and barrier counts from 1 to ``suppress_below - 1`` are suppressed.
    key : bytes or str, optional
        The secret key of the pseudonyms (at least 16 bytes). A new random key if not given.
    pool_rows : bool
        True (the default): the rows of knowledge, flows, barriers and codings name the group of
        at least k interviews they were reported in. False switches that protection off (each
        interview is its own group), for tests of the linkage attack only.
    keep_title : bool
        Keep the study's own title, name, description, keywords and sources (free text the
        export cannot vouch for); by default they are replaced by text generated from the data.
    licence : str, optional
        An SPDX licence identifier, for a study whose package states no licence (a study that
        states one keeps it; a different one is refused).

    Returns
    -------
    Deidentified

    Raises
    ------
    ExportRefused
        No interview can be published at this k, or a published table would be wholly suppressed.
    ValueError
        A bad key or licence, or a study that is already a public export.

    Examples
    --------
    The rows reported in an interview name its group of at least five interviews:

    >>> from impt_analysis import load_study
    >>> d = deidentify(load_study(), k=5, key=b"0123456789abcdef")
    >>> "interview_id" in d.study.flows, bool(d.study.flows["interview_group"].isin(
    ...     d.study.interviews["interview_group"]).all())
    (False, True)
    >>> int(d.study.interviews.groupby("interview_group").size().min()) >= 5
    True
    """
    if study.public:
        raise ValueError("this study is already a public export: export the original study instead")
    key = _as_key(key)
    licences = _licences(study, licence)
    codebook = _public_codebook(study.codebook)
    labels = label_map(codebook)
    tables = {name: frame.copy() for name, frame in study.tables().items()}
    iv = tables["interviews"]
    iv["year"] = iv["date"].dt.year.astype("Int64") if "date" in iv else iv["year"]
    anon = k_anonymise(iv, k)
    if not anon.kept.any():
        raise ExportRefused(_no_interview_message(iv, k))
    truth = iv[anon.kept].copy()  # the published interviews with their true sector, level and organisation
    ids = truth["interview_id"].astype(str)
    if pool_rows:
        group_of = dict(zip(ids, anon.groups[anon.kept].map(lambda g: pseudonym(g, "group", key))))
    else:
        group_of = {i: pseudonym(i, "group", key) for i in ids}
    kept_ids = set(ids)
    tables["interviews"] = anon.interviews[anon.kept].assign(interview_group=ids.map(group_of).to_numpy())
    rows_removed = {}
    for name in ROW_TABLES:
        gone = ~tables[name]["interview_id"].astype(str).isin(kept_ids)
        tables[name] = tables[name][~gone].copy()
        rows_removed[name] = int(gone.sum())
    published = sorted(set(truth["country"].astype(str)))
    # counted on the confidential rows of the published interviews
    barrier_counts, barrier_supp = _barrier_counts(
        tables["barriers"], truth, published, codebook, suppress_below
    )
    support = _item_support(tables["knowledge"], truth)
    withheld = _withhold(tables, published)
    for name in ROW_TABLES:
        frame = tables[name]
        frame.insert(0, "interview_group", frame.pop("interview_id").astype(str).map(group_of))
    removed_columns = _drop_columns(tables)
    tables["items"] = tables["items"].merge(support, how="left", left_on="item_id", right_index=True)
    for col in support.columns:
        tables["items"][col] = tables["items"][col].fillna(0).astype(int)

    for name, column in (("actors", "name"), ("items", "label")):
        frame = tables[name]
        frame[column] = [generated_text(name, row, labels) for row in frame.to_dict("records")]
    generated = GeneratedColumns(actor_names=len(tables["actors"]), item_labels=len(tables["items"]))

    suppressed = {}  # the tables of counts of children: case counts, and assessments where the study has them
    for name, margins in COUNT_MARGINS.items():
        if name != "case_counts" and tables[name].empty:
            continue
        suppressed[name] = _suppress(tables[name], suppress_below, f"{name}.csv", value="count", **margins)
        if name == "assessments":
            suppressed[name] = _one_cohort(suppressed[name], tables[name], suppress_below)
        tables[name] = suppressed[name].table.assign(suppression=suppressed[name].status.to_numpy())
    for name, table, result in (
        *((f"{n}.csv", tables[n], result) for n, result in suppressed.items()),
        ("barrier_counts.csv", barrier_counts, barrier_supp),
    ):
        if len(table) and result.suppressed.all():
            raise ExportRefused(
                f"every count of {name} would be suppressed ({len(table)} cells, {result.n_primary} of them from 1 "
                f"to {suppress_below - 1}), so the table would publish nothing: give a lower --suppress-below "
                "(suppress_below), or publish these counts at a coarser level in the study itself"
            )
    codebook, frame_codes = _public_frame_codes(codebook, tables, key)
    pseudonyms = {**_pseudonymise(tables, key), "group": len(set(group_of.values()))}
    merged = {}
    for name in ("knowledge", "barriers"):
        before = len(tables[name])
        tables[name] = tables[name].drop_duplicates()
        merged[name] = before - len(tables[name])
    for name, order in _SORT.items():
        fields = [f.name for f in PUBLIC_TABLES[name].fields]
        frame = tables[name][[c for c in fields if c in tables[name].columns]]
        tables[name] = frame.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)
    tables["codebook"] = codebook
    public = study_from_tables(tables, _public_meta(study, k, suppress_below, tables, keep_title, licences))
    rules = {
        **{name: _rule("count", COUNT_MARGINS[name], result) for name, result in suppressed.items()},
        "barrier_counts": _rule("interviews", {"rows": ["country"], "columns": ["barrier"]}, barrier_supp),
    }
    record = DisclosureRecord(
        k=k,
        suppress_below=suppress_below,
        quasi_identifiers=QUASI_IDENTIFIERS,
        rows_pooled=bool(pool_rows),
        interviews=InterviewCounts.shown(len(truth), len(iv), suppress_below),
        rows_removed_with_suppressed_interviews=rows_removed,
        generalisation=_generalisation(anon.plan, published, suppress_below),
        k_reached=anon.k_reached,
        withheld=withheld,
        removed_columns=removed_columns,
        generated_columns=generated,
        frame_codes=frame_codes,
        pseudonyms=pseudonyms,
        rows_merged_in_groups=merged,
        suppressed_cells={
            **{name: _cell_record(result, len(getattr(public, name))) for name, result in suppressed.items()},
            "barrier_counts": _cell_record(barrier_supp, len(barrier_counts)),
        },
        withheld_totals={name: len(rule["withheld"]) for name, rule in rules.items()},
    )
    log.info(
        "de-identified %s: %d of %d interviews published, k reached %s",
        study.name,
        len(truth),
        len(iv),
        record.k_reached,
    )
    return Deidentified(public, {"barrier_counts": barrier_counts}, record, rules)


def _generalisation(plan: pd.DataFrame, published: list[str], suppress_below: int) -> tuple:
    """The record's row per published country of the plan of :func:`k_anonymise`, its interviews counted as published."""
    return tuple(
        GeneralisedCountry(
            country=g["country"],
            interviews=int(g["interviews"] - g["suppressed"]),
            sector=g["sector"],
            level=g["level"],
            suppressed=shown_count(g["suppressed"], suppress_below),
            k=int(g["k"]),
        )
        for g in plan.to_dict("records")
        if g["country"] in published
    )


def _rule(value: str, margins: dict, result) -> dict:
    """A suppressed table's ``impt:suppression`` rule, its withheld totals as plain JSON values."""
    withheld = [{key: _plain(v) for key, v in entry.items()} for entry in getattr(result, "withheld", ())]
    return {"value": value, **margins, "withheld": withheld}


def _plain(value):
    """A JSON-ready scalar (numpy integers and strings become Python ones)."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)


def _no_interview_message(interviews: pd.DataFrame, k: int) -> str:
    largest = (
        int(interviews.groupby(["country", "year"], observed=True).size().max()) if len(interviews) else 0
    )
    if largest < 2:
        return (
            f"no interview can be published with k={k}: no country has two interviews in the same year, so "
            "no interview can hide among others; there is nothing this study can publish"
        )
    return (
        f"no interview can be published with k={k}: no country has {k} interviews in the same year (the most "
        f"is {largest}), so none can hide among {k}; give a lower --k (at most {largest})"
    )


def _withhold(tables: dict[str, pd.DataFrame], published: list[str]) -> Withheld:
    """Leave out every trace of the countries with no published interview, and actors no row refers to.

    Knowledge and flows rows that point at a withheld actor or item, and case counts from a
    withheld actor, go; a barrier's blocked link or a flow's item that points at one is emptied.
    Returns what was left out, with counts (:class:`~impt_analysis.privacy.record.Withheld`; no country is named).
    """

    def withheld(frame: pd.DataFrame) -> pd.Series:
        country = frame["country"].astype("string")
        return country.notna() & (country != "") & ~country.isin(published)

    rows_removed = {}
    optional = [name for name in COUNT_MARGINS if name != "case_counts" and tables[name].empty]
    for name in COUNT_MARGINS:  # counts of children from a withheld country
        gone = withheld(tables[name])
        tables[name] = tables[name][~gone].copy()
        rows_removed[name] = int(gone.sum())
    gone_actors = set(tables["actors"].loc[withheld(tables["actors"]), "actor_id"].astype(str))
    gone_items = set(tables["items"].loc[withheld(tables["items"]), "item_id"].astype(str))
    links_emptied = 0
    for name in ("knowledge", "flows", "barriers", *COUNT_MARGINS):
        frame = tables[name]
        hits = {
            col: frame[col].astype("string").isin(gone_actors | gone_items).fillna(False)
            for col in (*_ACTOR_COLUMNS.get(name, ()), *_ITEM_COLUMNS.get(name, ()))
        }
        drop = pd.Series(False, index=frame.index)
        if name == "barriers":  # the barrier stands; the link it blocks is not published
            link = hits["source_actor"] | hits["target_actor"]
            frame.loc[link, ["source_actor", "target_actor"]] = None
            links_emptied += int(link.sum())
        for col, hit in hits.items():
            if name == "barriers":
                continue
            if (name, col) == ("flows", "item_id"):  # the flow stands; the item it passes is not published
                frame[col] = frame[col].astype(object).where(~hit, None)
                links_emptied += int(hit.sum())
            else:
                drop |= hit
        tables[name] = frame[~drop].copy()
        rows_removed[name] = rows_removed.get(name, 0) + int(drop.sum())
    for name in optional:  # a table the study does not have is not recorded
        rows_removed.pop(name, None)
    used_actors = set()
    for name, columns in _ACTOR_COLUMNS.items():
        for col in columns:
            used_actors |= set(tables[name][col].dropna().astype(str)) - {""}
    used_items = set()
    for name, columns in _ITEM_COLUMNS.items():
        for col in columns:
            used_items |= set(tables[name][col].dropna().astype(str)) - {""}
    actors, items = tables["actors"], tables["items"]
    keep_actor = actors["actor_id"].astype(str).isin(used_actors)
    keep_item = items["item_id"].astype(str).isin(used_items)
    tables["actors"], tables["items"] = actors[keep_actor].copy(), items[keep_item].copy()
    return Withheld(
        rows_removed_pointing_at_withheld_countries=rows_removed,
        links_emptied_pointing_at_withheld_countries=links_emptied,
        actors=int((~keep_actor).sum()),
        items=int((~keep_item).sum()),
    )


def _item_support(knowledge: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per item, the published interviews reporting it, their distinct organisations and exact sectors."""
    rows = (
        knowledge[["interview_id", "item_id"]]
        .astype(str)
        .merge(truth[["interview_id", "actor_id", "sector"]].astype(str), on="interview_id")
    )
    return rows.groupby("item_id").agg(
        n_interviews=("interview_id", "nunique"),
        n_organisations=("actor_id", "nunique"),
        n_sectors=("sector", "nunique"),
    )


def _as_key(key: bytes | str | None) -> bytes:
    if key is None:
        return secrets.token_bytes(32)
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
        raise ValueError(
            "the pseudonym key must be at least 16 bytes (e.g. the output of: openssl rand -hex 32)"
        )
    return bytes(key)


def _smallest_class(interviews: pd.DataFrame) -> int | None:
    if interviews.empty:
        return None
    return int(interviews.groupby(list(QUASI_IDENTIFIERS), observed=True).size().min())


def _drop_columns(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Drop free text, full dates, the respondent's organisation and unknown columns; count what went."""
    removed = {}
    for name in TABLE_ORDER:
        frame = tables[name]
        keep = [
            f.name
            for f in PUBLIC_TABLES[name].fields
            if f.name in frame.columns and not f.free_text and (name, f.name) not in _WITHHELD
        ]
        for col in frame.columns:
            if col not in keep:
                removed[f"{name}.{col}"] = int(
                    frame[col].map(lambda v: not (pd.isna(v) or str(v) == "")).sum()
                )
        tables[name] = frame[keep].copy()
    return removed


_WITHHELD = {("interviews", "date"), ("interviews", "actor_id")}


def _pseudonymise(tables: dict[str, pd.DataFrame], key: bytes) -> dict[str, int]:
    """Replace every identifier by its pseudonym; return the number of distinct values per namespace."""
    values: dict[str, set[str]] = {}
    for (name, column), namespace in IDENTIFIERS.items():
        values.setdefault(namespace, set()).update(tables[name][column].dropna().astype(str))
    mapping = {}
    for namespace, found in values.items():
        mapping[namespace] = {v: pseudonym(v, namespace, key) for v in found}
        if len(set(mapping[namespace].values())) < len(found):  # 64 bits: practically never
            raise ValueError(f"two {namespace} identifiers got the same pseudonym: use another key")
    for (name, column), namespace in IDENTIFIERS.items():
        s = tables[name][column]
        tables[name][column] = s.map(lambda v, m=mapping[namespace]: None if pd.isna(v) else m[str(v)])
    return {namespace: len(found) for namespace, found in sorted(values.items())}


def _public_codebook(codebook: pd.DataFrame) -> pd.DataFrame:
    """The study's codebook plus the generalised sector and level codes, with their members."""
    columns = [f.name for f in PUBLIC_TABLES["codebook"].fields if f.name in codebook.columns]
    rows = []
    for attribute, groups in HIERARCHIES.items():
        codes = codebook_codes(codebook, attribute)
        listed = {c for _, members in groups.values() for c in members}
        for i, (group, (label, members)) in enumerate(groups.items()):
            inside = [c for c in codes if c in members or (i == len(groups) - 1 and c not in listed)]
            rows.append(
                {
                    "code": group,
                    "category": attribute,
                    "label": label,
                    "parent": "",
                    "description": f"Generalised in a public export: any of {', '.join(inside) or 'none'}.",
                }
            )
        code, label = ANY[attribute]
        rows.append(
            {
                "code": code,
                "category": attribute,
                "label": label,
                "parent": "",
                "description": f"Generalised in a public export: the {attribute} is not published.",
            }
        )
    added = pd.DataFrame(rows)
    clash = added.merge(codebook, on=["code", "category"])
    if len(clash):
        raise ValueError(
            f"codebook.csv already has the {clash['category'].iat[0]} code {clash['code'].iat[0]!r}, "
            "which a public export uses for generalised values: rename it"
        )
    return pd.concat([codebook[columns], added.reindex(columns=columns)], ignore_index=True)


def _public_frame_codes(codebook: pd.DataFrame, tables: dict[str, pd.DataFrame], key: bytes):
    """Codes of the coding frame that stand for one actor or item get that actor's or item's pseudonym.

    A study imported with the coding frame (:mod:`impt_analysis.interop.refi_qda.frame`) has a code
    ``actor:<actor_id>`` per actor and ``item:<item_id>`` per item, whose ids are made from the
    names the consultant typed: free text. They become ``actor:<pseudonym>`` with the actor's
    generated text as label; the codes of actors and items that are not published go, with the
    codings that apply them. ``tables`` must still hold the original ids, names already generated.
    Returns the codebook and the codes pseudonymised and dropped (:class:`~impt_analysis.privacy.record.FrameCodes`).
    """
    from ..interop.refi_qda.codes import FRAME_CATEGORIES

    spec = {
        FRAME_CATEGORIES["actor"]: ("actor", "actors", "actor_id", "name"),
        FRAME_CATEGORIES["item"]: ("item", "items", "item_id", "label"),
    }
    frame = codebook["category"].isin(list(spec))
    if not frame.any():
        return codebook, FrameCodes()
    renamed: dict[str, tuple[str, str]] = {}
    for category, (namespace, table, column, text) in spec.items():
        generated = dict(zip(tables[table][column].astype(str), tables[table][text].astype(str)))
        for code in codebook_codes(codebook, category):
            prefix, _, ident = code.partition(":")
            if ident in generated:
                renamed[code] = (f"{prefix}:{pseudonym(ident, namespace, key)}", generated[ident])
    codes = codebook["code"].astype(str)
    keep = ~frame | codes.isin(list(renamed))
    out = codebook[keep].copy()
    moved = frame[keep]
    out.loc[moved, "label"] = [renamed[c][1] for c in out.loc[moved, "code"].astype(str)]
    out.loc[moved, "code"] = [renamed[c][0] for c in out.loc[moved, "code"].astype(str)]
    dropped = set(codes[~keep])
    codings = tables["codings"]
    codings = codings[~codings["code"].astype(str).isin(dropped)].copy()
    codings["code"] = codings["code"].astype(str).map(lambda c: renamed.get(c, (c,))[0])
    tables["codings"] = codings
    return out.reset_index(drop=True), FrameCodes(pseudonymised=len(renamed), dropped=len(dropped))


def _barrier_counts(
    barriers: pd.DataFrame,
    truth: pd.DataFrame,
    countries: list[str],
    codebook: pd.DataFrame,
    suppress_below: int,
):
    """Published interviews naming each barrier, per published country, suppressed; with a suppression column.

    ``barriers.csv`` tells a reader which barriers a country's groups named, so a zero is known
    wherever it is: zeros are shown and never hidden to protect another cell (a hidden zero
    would be read back as 0 from ``barriers.csv``, and the cell it protects with it).
    """
    codes = codebook_codes(codebook, "barrier")
    named = (
        barriers.assign(
            barrier=barriers["barrier"].astype(str), interview_id=barriers["interview_id"].astype(str)
        )
        .drop_duplicates(["interview_id", "barrier"])
        .merge(truth[["interview_id", "country"]].astype(str), on="interview_id")
        .groupby(["country", "barrier"])
        .size()
    )
    index = pd.MultiIndex.from_product([countries, codes], names=["country", "barrier"])
    table = named.reindex(index, fill_value=0).rename("interviews").reset_index()
    table["country"] = table["country"].astype(str)
    nonzero = table["interviews"] > 0
    result = _suppress(
        table[nonzero],
        suppress_below,
        "barrier_counts.csv",
        value="interviews",
        rows=["country"],
        columns=["barrier"],
    )
    status = pd.Series("", index=table.index, dtype=object)
    status[nonzero] = result.status.to_numpy()
    out = table.assign(interviews=table["interviews"].astype("Int64").mask(status.ne("")), suppression=status)
    return out, _Cells(status, getattr(result, "withheld", ()))


@dataclass(frozen=True)
class _Cells:
    """The status of every cell of a suppressed table (what the record and the refusal need)."""

    status: pd.Series
    withheld: tuple = ()

    @property
    def suppressed(self) -> pd.Series:
        return self.status.ne("")

    @property
    def n_primary(self) -> int:
        return int(self.status.eq("primary").sum())

    @property
    def n_secondary(self) -> int:
        return int(self.status.eq("secondary").sum())


def _suppress(table: pd.DataFrame, suppress_below: int, name: str, **how):
    """:func:`suppress_small_cells`, a table it cannot protect refused with what to change."""
    try:
        return suppress_small_cells(table, suppress_below, **how)
    except ValueError as err:
        if "cannot be protected" not in str(err):
            raise
        raise ExportRefused(
            f"{name} cannot be protected: a small count would follow from the totals whatever else "
            f"is hidden ({err}); give a lower --suppress-below (suppress_below)"
        ) from None


def _one_cohort(result, table: pd.DataFrame, suppress_below: int):
    """Assessments: a domain's total cannot be withheld, since the same young people are assessed in every domain.

    :func:`suppress_small_cells` may protect a small count by withholding its line's total
    (a country's young people assessed in a domain, when no cycle of cells can be closed, e.g.
    for the only country assessed). But that total is, as a rule, every domain's total: another
    domain shown in full gives it, and the small count with it. So every other non-zero count
    of such a line is hidden too (secondary), the total is taken as known, the region's total of
    each of the line's hidden cells (its domain and level) is withheld instead (with one country
    it would be the cell itself), and the result is checked with the solver (:func:`~impt_analysis.privacy.suppression.hidden_cell_bounds`);
    a table this cannot protect is refused.
    """
    rows = ASSESSMENT_MARGINS["rows"]
    lines = [w for w in result.withheld if w.get("line") == "row" and w.get("reason") == "secondary"]
    if not lines:
        return result
    status = result.status.copy()
    counts = table["count"].astype("Int64")
    withheld = [w for w in result.withheld if w not in lines]
    columns = ASSESSMENT_MARGINS["columns"]
    for line in lines:
        on_line = pd.Series(True, index=table.index)
        for col in rows:
            on_line &= table[col].astype(str) == str(line[col])
        status[on_line & status.eq("") & counts.ne(0)] = "secondary"
        for cell in table.loc[on_line & status.ne(""), columns].to_dict("records"):
            known = [{k: w.get(k) for k in columns} for w in withheld if w.get("line") == "column"]
            if {k: cell[k] for k in columns} not in known:
                withheld.append({"line": "column", **cell, "reason": "secondary"})
    withheld = tuple(withheld)
    bounds = hidden_cell_bounds(
        table,
        status,
        value="count",
        values=counts.astype(float),
        rows=rows,
        columns=ASSESSMENT_MARGINS["columns"],
        suppress_below=suppress_below,
        withheld=withheld,
    )
    if bounds["disclosed"].any():
        raise ExportRefused(
            "assessments.csv cannot be protected: a small count follows from the young people assessed in "
            "another domain whatever else is hidden; give a lower --suppress-below (suppress_below)"
        )
    return replace(
        result, table=table.assign(count=counts.mask(status.ne(""))), status=status, withheld=withheld
    )


def _cell_record(result, cells: int) -> SuppressedCells:
    return SuppressedCells(cells, result.n_primary, result.n_secondary)


def stated_licences(meta: dict) -> list[dict]:
    """The licences a package's metadata states (Data Package ``licenses`` entries with a name or a path).

    Examples
    --------
    >>> stated_licences({"licenses": [{"name": "CC0-1.0"}, {"title": "no name, no path"}]})
    [{'name': 'CC0-1.0'}]
    """
    return [
        dict(lic)
        for lic in meta.get("licenses") or []
        if isinstance(lic, dict) and (lic.get("name") or lic.get("path"))
    ]


def _licences(study: Study, licence: str | None) -> list[dict]:
    """The export's licences: the source package's own; else the SPDX identifier given; else none (refused later)."""
    stated = stated_licences(study.meta)
    if licence is None:
        return stated
    entry = licence_entry(licence)
    if stated and entry["name"].casefold() not in {str(lic.get("name", "")).casefold() for lic in stated}:
        what = stated[0].get("name") or stated[0].get("path")
        raise ValueError(
            f"the study's datapackage.json states the licence {what}, which a public export "
            f"carries: leave out --licence {licence}, or change the licence in the study's own package"
        )
    return stated or [entry]


def _public_meta(
    study: Study,
    k: int,
    suppress_below: int,
    tables: dict[str, pd.DataFrame],
    keep_title: bool,
    licences: list[dict],
) -> dict:
    """The package metadata: generated from what the export controls; licence and contributors carried.

    The study's title, name, description, keywords and sources are free text (they may name
    people or places the export hides); they are kept only with ``keep_title``.
    """
    synthetic = study.synthetic
    version = study.version if _VERSION.fullmatch(study.version or "") else ""
    iv = tables["interviews"]
    countries = sorted(set(iv["country"].astype(str)))
    years = sorted({int(y) for y in iv["year"].dropna()})
    span = "" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    title = (
        f"De-identified public export: information flows on children at risk, {len(iv)} interviews in "
        f"{len(countries)} {'country' if len(countries) == 1 else 'countries'}{f', {span}' if span else ''}"
    )
    if synthetic:
        title = f"{title} (SYNTHETIC demonstration data)"
    if keep_title:
        title = f"{study.meta.get('title') or study.name} (de-identified public export)"
    description = (
        f"De-identified public export of a study of coded interviews{f' (version {version})' if version else ''}, "
        f"made by impt_analysis.privacy.publish.export_public: free text removed, identifiers replaced by keyed pseudonyms, "
        f"dates coarsened to the year, interviews {k}-anonymous over country, year, sector and level, rows "
        f"reported in an interview linked only to its group of at least {k} interviews, and counts from 1 "
        f"to {suppress_below - 1} suppressed. Countries covered: {', '.join(countries)}. DISCLOSURE.md says "
        "what was done and what risks remain."
    )
    if synthetic:
        description = (
            "SYNTHETIC DEMONSTRATION DATA: no row describes a real person, organisation or case. "
            + description
        )
    if keep_title and study.meta.get("description"):
        description += " The study's own description: " + " ".join(str(study.meta["description"]).split())
    meta = {
        "name": f"{study.name}-public" if keep_title else "impt-public-export",
        "title": title,
        "description": description,
        "version": version or "1.0.0",
        "impt:public": True,
    }
    if synthetic:
        meta["impt:synthetic"] = True
    meta["impt:source"] = {**({"name": study.name} if keep_title else {}), "version": version}
    meta["licenses"] = licences
    meta["contributors"] = [
        _contributor(c) for c in study.meta.get("contributors") or [] if isinstance(c, dict)
    ]
    keywords = ["children at risk", "trafficking", "information management", "de-identified", "public export"]
    if synthetic:
        keywords.insert(0, "synthetic")
    if keep_title:
        meta["sources"] = study.meta.get("sources", [])
        keywords = [str(w) for w in study.meta.get("keywords", [])] + keywords
    meta["keywords"] = list(dict.fromkeys(keywords))
    return meta


_CONTRIBUTOR_KEYS = ("title", "givenName", "familyName", "organization", "roles")


def _contributor(c: dict) -> dict:
    """A contributor as the source names them, without contact details (an e-mail, a telephone, a path)."""
    return {key: c[key] for key in _CONTRIBUTOR_KEYS if c.get(key)}
