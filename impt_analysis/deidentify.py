"""De-identify a study for publication: no free text, pseudonyms, years, k-anonymous interviews.

The people in the study are children at risk and the professionals who spoke in confidence;
with about seven interviews per country, a respondent's country, sector and level can single
out one official. :func:`deidentify` turns a study into the tables of a public export
(:mod:`impt_analysis.publish` writes them):

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
- case counts of 1 to ``suppress_below - 1`` children are suppressed, with secondary
  suppression (:func:`~impt_analysis.suppression.suppress_small_cells`), and a table of
  barrier counts per country is added, suppressed the same way.

Rows are sorted by pseudonym within each country, so their order tells nothing either.

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.deidentify import deidentify
>>> public = deidentify(load_study(), k=5, key=b"0123456789abcdef")
>>> public.study.public, "notes" in public.study.interviews, public.record["k_reached"] >= 5
(True, False, True)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import pandas as pd

from .codebook import label_map
from .schema import PUBLIC_TABLES, TABLE_ORDER, Field, Table
from .study import Study, study_from_tables
from .suppression import suppress_small_cells

__all__ = ["Deidentified", "KAnonymous", "deidentify", "k_anonymise", "pseudonym", "generalise",
           "generated_text", "SECTOR_GROUPS", "LEVEL_GROUPS", "QUASI_IDENTIFIERS", "BARRIER_COUNTS",
           "CASE_COUNT_MARGINS"]

log = logging.getLogger(__name__)

# Generalisation hierarchies: code -> (label, members). A code outside every group goes to the
# last group of its hierarchy; the root ("any_...") hides the attribute altogether.
SECTOR_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "state_authority": ("State authority or public service",
                        ("police", "prosecution", "judiciary", "child_protection", "social_services",
                         "asylum_migration", "health", "education", "government")),
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

# column -> namespace of its pseudonyms (a namespace is shared by every column that refers to it)
IDENTIFIERS: dict[tuple[str, str], str] = {
    ("actors", "actor_id"): "actor", ("interviews", "interview_id"): "interview", ("items", "item_id"): "item",
    ("knowledge", "interview_id"): "interview", ("knowledge", "actor_id"): "actor", ("knowledge", "item_id"): "item",
    ("flows", "flow_id"): "flow", ("flows", "interview_id"): "interview", ("flows", "source_actor"): "actor",
    ("flows", "target_actor"): "actor", ("flows", "item_id"): "item",
    ("barriers", "interview_id"): "interview", ("barriers", "source_actor"): "actor",
    ("barriers", "target_actor"): "actor",
    ("codings", "segment_id"): "segment", ("codings", "interview_id"): "interview", ("codings", "coder"): "coder",
    ("case_counts", "source_actor"): "actor",
}
PREFIX = {"actor": "A", "interview": "I", "item": "T", "flow": "F", "segment": "S", "coder": "C"}

# The two-way table of case counts whose totals may be published: a country's total per tier
# (rows) and the region's total per child group (columns), within each year.
CASE_COUNT_MARGINS = {"rows": ["country", "year", "tier"], "columns": ["year", "tier", "child_group"]}
BARRIER_COUNTS = Table(
    "barrier_counts",
    "Number of published interviews naming each barrier, per country; empty where suppressed.",
    (
        Field("country", description="ISO 3166-1 alpha-2 code.", pattern="^[A-Z]{2}$"),
        Field("barrier", category="barrier", description="The barrier (see the codebook)."),
        Field("interviews", type="integer", required=False, minimum=0,
              description="Interviews naming the barrier; empty where suppressed (a small count, or a cell hidden "
                          "so that a small count cannot be worked out from the country's or the barrier's total)."),
    ),
    primary_key=("country", "barrier"),
)
_SORT = {
    "actors": ["country", "actor_id"], "interviews": ["country", "interview_id"], "items": ["country", "item_id"],
    "knowledge": ["interview_id", "actor_id", "item_id"], "flows": ["interview_id", "flow_id"],
    "barriers": ["interview_id", "barrier", "source_actor", "target_actor", "severity"],
    "codings": ["interview_id", "start", "end", "segment_id", "code", "coder"],
    "case_counts": ["country", "year", "tier", "child_group", "source_actor"],
}


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
    def k_reached(self) -> int | None:
        """The size of the smallest class of published interviews (None if none is published)."""
        return _smallest_class(self.interviews[self.kept])


@dataclass(frozen=True)
class Deidentified:
    """What :func:`deidentify` returns: the public study, extra aggregate tables, and the record.

    ``record`` says what was removed, generalised and suppressed, with counts; it goes into
    ``DISCLOSURE.md`` and ``datapackage.json`` (``impt:disclosure``).
    """

    study: Study
    aggregates: dict[str, pd.DataFrame]
    record: dict


def pseudonym(value: str, namespace: str, key: bytes) -> str:
    """A keyed pseudonym: the namespace's letter and 16 hex digits of HMAC-SHA256(key, namespace, value).

    The same key gives the same pseudonym; without the key it cannot be recomputed from a
    guessed identifier (unlike a plain hash).

    Examples
    --------
    >>> pseudonym("DK-I01", "interview", b"0123456789abcdef")
    'I-d3a82addc4ae6b15'
    """
    digest = hmac.new(key, f"{namespace}\x1f{value}".encode("utf-8"), hashlib.sha256).hexdigest()
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


def k_anonymise(interviews: pd.DataFrame, k: int = 5) -> KAnonymous:
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
                trial = group.assign(sector=generalise(group["sector"], "sector", s),
                                     level=generalise(group["level"], "level", lv))
                sizes = trial.groupby(list(QUASI_IDENTIFIERS), observed=True, dropna=False).transform("size")
                ok = sizes >= k
                classes = len(trial[ok].drop_duplicates(list(QUASI_IDENTIFIERS)))
                rank = (int((~ok).sum()), STEPS.index(s) + STEPS.index(lv), -classes, STEPS.index(lv))
                if best is None or rank < best[0]:
                    best = (rank, s, lv, trial, ok)
        (suppressed, *_), s, lv, trial, ok = best
        out.loc[trial.index, ["sector", "level"]] = trial[["sector", "level"]]
        kept.loc[trial.index] = ok
        plan.append({"country": str(country), "interviews": len(group), "sector": s, "level": lv,
                     "suppressed": suppressed, "k": _smallest_class(trial[ok])})
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


def deidentify(study: Study, k: int = 5, suppress_below: int = 5, key: bytes | str | None = None) -> Deidentified:
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

    Returns
    -------
    Deidentified
    """
    if study.public:
        raise ValueError("this study is already a public export: export the original study instead")
    key = _as_key(key)
    codebook = _public_codebook(study.codebook)
    labels = label_map(codebook)
    record: dict = {"k": k, "suppress_below": suppress_below, "quasi_identifiers": list(QUASI_IDENTIFIERS)}
    tables = {name: frame.copy() for name, frame in study.tables().items()}
    record["removed_columns"] = _drop_columns(tables)

    interviews = tables["interviews"]
    anon = k_anonymise(interviews, k)
    tables["interviews"] = anon.interviews[anon.kept].copy()
    dropped = set(interviews.loc[~anon.kept, "interview_id"].astype(str))
    record["interviews"] = {"in_study": len(interviews), "published": int(anon.kept.sum()), "suppressed": len(dropped)}
    record["rows_removed_with_suppressed_interviews"] = {}
    for name in ("knowledge", "flows", "barriers", "codings"):
        gone = tables[name]["interview_id"].astype(str).isin(dropped)
        tables[name] = tables[name][~gone].copy()
        record["rows_removed_with_suppressed_interviews"][name] = int(gone.sum())
    record["generalisation"] = anon.plan.to_dict("records")
    record["k_reached"] = anon.k_reached

    for name, column in (("actors", "name"), ("items", "label")):
        frame = tables[name]
        frame[column] = [generated_text(name, row, labels) for row in frame.to_dict("records")]
    record["generated_columns"] = {"actors.name": len(tables["actors"]), "items.label": len(tables["items"])}

    counts = suppress_small_cells(tables["case_counts"], suppress_below, value="count", **CASE_COUNT_MARGINS)
    tables["case_counts"] = counts.table
    record["pseudonyms"] = _pseudonymise(tables, key)
    for name, order in _SORT.items():
        tables[name] = tables[name].sort_values(order, na_position="last", kind="stable").reset_index(drop=True)
    tables["codebook"] = codebook
    public = study_from_tables(tables, _public_meta(study, record))
    barrier_counts, barrier_supp = _barrier_counts(public, suppress_below)
    record["suppressed_cells"] = {
        "case_counts": _cell_record(counts, len(public.case_counts)),
        "barrier_counts": _cell_record(barrier_supp, len(barrier_counts)),
    }
    public.meta["impt:disclosure"] = record
    log.info("de-identified %s: %d of %d interviews published, k reached %s", study.name,
             record["interviews"]["published"], len(interviews), record["k_reached"])
    return Deidentified(public, {"barrier_counts": barrier_counts}, record)


def _as_key(key: bytes | str | None) -> bytes:
    if key is None:
        return secrets.token_bytes(32)
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
        raise ValueError("the pseudonym key must be at least 16 bytes (e.g. the output of: openssl rand -hex 32)")
    return bytes(key)


def _smallest_class(interviews: pd.DataFrame) -> int | None:
    if interviews.empty:
        return None
    return int(interviews.groupby(list(QUASI_IDENTIFIERS), observed=True).size().min())


def _drop_columns(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Drop free text, full dates, the respondent's organisation and unknown columns; count what went."""
    removed = {}
    iv = tables["interviews"]
    iv["year"] = iv["date"].dt.year.astype("Int64") if "date" in iv else iv["year"]
    for name in TABLE_ORDER:
        frame = tables[name]
        keep = [f.name for f in PUBLIC_TABLES[name].fields
                if f.name in frame.columns and not f.free_text and (name, f.name) not in _WITHHELD]
        for col in frame.columns:
            if col not in keep:
                removed[f"{name}.{col}"] = int(frame[col].map(lambda v: not (pd.isna(v) or str(v) == "")).sum())
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
        codes = list(codebook.loc[codebook["category"] == attribute, "code"])
        listed = {c for _, members in groups.values() for c in members}
        for i, (group, (label, members)) in enumerate(groups.items()):
            inside = [c for c in codes if c in members or (i == len(groups) - 1 and c not in listed)]
            rows.append({"code": group, "category": attribute, "label": label, "parent": "",
                         "description": f"Generalised in a public export: any of {', '.join(inside) or 'none'}."})
        code, label = ANY[attribute]
        rows.append({"code": code, "category": attribute, "label": label, "parent": "",
                     "description": f"Generalised in a public export: the {attribute} is not published."})
    added = pd.DataFrame(rows)
    clash = added.merge(codebook, on=["code", "category"])
    if len(clash):
        raise ValueError(f"codebook.csv already has the {clash['category'].iat[0]} code {clash['code'].iat[0]!r}, "
                         "which a public export uses for generalised values: rename it")
    return pd.concat([codebook[columns], added[columns]], ignore_index=True)


def _barrier_counts(public: Study, suppress_below: int):
    countries = public.countries
    barriers = list(public.codebook.loc[public.codebook["category"] == "barrier", "code"])
    named = (public.barriers.assign(barrier=public.barriers["barrier"].astype(str))
             .drop_duplicates(["interview_id", "barrier"])
             .merge(public.interviews[["interview_id", "country"]], on="interview_id")
             .groupby(["country", "barrier"], observed=True).size())
    index = pd.MultiIndex.from_product([countries, barriers], names=["country", "barrier"])
    table = named.reindex(index, fill_value=0).rename("interviews").reset_index()
    table["country"] = table["country"].astype(str)
    result = suppress_small_cells(table, suppress_below, value="interviews", rows=["country"], columns=["barrier"])
    return result.table, result


def _cell_record(result, cells: int) -> dict:
    return {"cells": cells, "suppressed": result.n_primary + result.n_secondary,
            "primary": result.n_primary, "secondary": result.n_secondary}


def _public_meta(study: Study, record: dict) -> dict:
    title = study.meta.get("title") or study.name
    version = study.version
    synthetic = study.synthetic
    description = (
        f"De-identified public export of \"{title}\"{f' (version {version})' if version else ''}, made by "
        f"impt_analysis.publish.export_public: free text removed, identifiers replaced by keyed pseudonyms, dates "
        f"coarsened to the year, interviews {record['k']}-anonymous over country, year, sector and level, and "
        f"counts from 1 to {record['suppress_below'] - 1} suppressed. DISCLOSURE.md says what was done and what "
        "risks remain."
    )
    if synthetic:
        description = "SYNTHETIC DEMONSTRATION DATA: no row describes a real person, organisation or case. " + description
    meta = {
        "name": f"{study.name}-public",
        "title": f"{title} (de-identified public export)",
        "description": description,
        "version": version or "1.0.0",
        "impt:public": True,
    }
    if synthetic:
        meta["impt:synthetic"] = True
    meta["impt:source"] = {"name": study.name, "version": version}
    meta["licenses"] = study.meta.get("licenses") or [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0"}]
    meta["sources"] = study.meta.get("sources", [])
    meta["contributors"] = study.meta.get("contributors") or [{"title": "IMPT Workbench contributors",
                                                               "roles": ["creator"]}]
    meta["keywords"] = list(dict.fromkeys([*study.meta.get("keywords", []), "de-identified", "public export"]))
    return meta
