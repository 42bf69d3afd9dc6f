"""Triangulation: is a piece of information on children at risk confirmed by independent reports?

The 2010 report asks that information collected be "carefully scrutinised to see if it can
be validated through e.g. triangulation". An item reported in several interviews by
organisations of different sectors (police and an NGO, say) is triangulated; one reported in
several interviews from a single sector is only corroborated; one heard in a single interview
rests on a single source.

A de-identified public export (:mod:`impt_analysis.privacy.publish`) does not link a knowledge row
to its interview (the row names a group of interviews): :func:`triangulate` then takes the
interviews, organisations and sectors behind each item from the counts the export publishes
with it (``items.n_interviews``, ``n_organisations``, ``n_sectors``, counted on the
confidential study), so the statuses are the same as on the full study.

Examples
--------
>>> import impt_analysis as impt
>>> table = impt.triangulate(impt.load_study())
>>> sorted(set(table["status"]))
['corroborated', 'single_source', 'triangulated']
"""

from __future__ import annotations

import logging

import pandas as pd

from .codebook import SECOND_HAND_SOURCES
from .study import Study

__all__ = ["triangulate", "STATUSES"]

log = logging.getLogger(__name__)

#: The statuses, from the best confirmed to the least.
STATUSES = ("triangulated", "corroborated", "single_source", "unreported")
#: The per-item counts a public export publishes in items.csv (see :data:`~impt_analysis.schema.ITEM_SUPPORT`).
SUPPORT_COLUMNS = ("n_interviews", "n_organisations", "n_sectors")


def triangulate(study: Study, min_interviews: int = 2, min_sectors: int = 2) -> pd.DataFrame:
    """How well each item is confirmed: the interviews, organisations and sectors reporting it.

    An item is *reported* in an interview when the interview has a ``knowledge`` row for it
    (whoever it says holds the item). The *reporting organisation* is the organisation the
    respondent speaks for (the interview's ``actor_id``), and its sector the interview's
    ``sector``. The status of an item is

    - ``triangulated``: reported in at least ``min_interviews`` interviews, by at least
      ``min_sectors`` organisations of different sectors (one organisation interviewed twice is
      one source, whatever sectors its interviews were recorded under), and their source types
      are not all the same second-hand source (:data:`~impt_analysis.codebook.SECOND_HAND_SOURCES`:
      two sectors repeating one media story are not independent);
    - ``corroborated``: reported in several (two or more) interviews, but not triangulated
      (with the defaults: all the reports come from one sector);
    - ``single_source``: reported in one interview only, and not triangulated;
    - ``unreported``: no interview reports it (the item is listed in ``items`` but has no
      ``knowledge`` row). Such items are kept, so that nothing is dropped silently.

    Two interviews with the same organisation count as two interviews: ``n_organisations``
    shows when that is so.

    In a de-identified public export (``study.public``) the knowledge rows name groups of
    interviews, not interviews: ``n_interviews``, ``n_organisations`` and ``n_sectors`` are
    then the item's published counts (``items.csv``), and the status follows from them as
    above. Which organisations and sectors they are is not published: ``organisations`` and
    ``sectors`` are None for a reported item (``[]`` for an unreported one). In a selection of
    a public export (:func:`~impt_analysis.selection.select`) a count the selection cannot
    know is missing (``<NA>``), and so is the status of its item (a missing categorical),
    rather than guessed. ``attrs["note"]`` says so.

    Parameters
    ----------
    study : Study
    min_interviews : int
        Interviews needed for ``triangulated`` (at least 1).
    min_sectors : int
        Distinct sectors of the reporting organisations needed for ``triangulated`` (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per item, in the order of ``study.items``: ``item_id``, ``country``,
        ``label``, ``n_interviews``, ``n_organisations``, ``organisations`` (sorted list of
        actor ids), ``n_sectors``, ``sectors`` (sorted list), ``n_verifications``,
        ``verifications`` (the distinct verification levels reported, strongest first),
        ``source_types`` (sorted distinct source types reported), ``status`` (a categorical
        of :data:`STATUSES`) and ``rule`` (in words, which rule gave the status). In a public export the three
        counts are nullable integers (``Int64``).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> row = triangulate(load_study()).set_index("item_id").loc["DK-T001"]
    >>> int(row["n_interviews"]), row["status"]
    (2, 'triangulated')
    """
    for name, value in (("min_interviews", min_interviews), ("min_sectors", min_sectors)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"triangulate: {name} must be a whole number of at least 1, not {value!r}")
    if study.public:
        return _public_triangulation(study, min_interviews, min_sectors)
    interviews = study.interviews
    reports = (
        study.knowledge[["item_id", "interview_id", "verification"]]
        .merge(interviews[["interview_id", "sector", "actor_id"]], on="interview_id", how="left")
        .astype({"sector": str, "actor_id": str})
    )
    # The sectors of the reporting organisations: one organisation is one source, whatever
    # sector its interviews were recorded under.
    org_sector = reports.drop_duplicates(["item_id", "actor_id"])
    grouped = reports.groupby("item_id", sort=False)
    per_item = pd.DataFrame(
        {
            "n_interviews": grouped["interview_id"].nunique(),
            "n_organisations": grouped["actor_id"].nunique(),
            "organisations": grouped["actor_id"].agg(lambda s: sorted(set(s))),
            "n_sectors": org_sector.groupby("item_id", sort=False)["sector"].nunique(),
            "sectors": org_sector.groupby("item_id", sort=False)["sector"].agg(lambda s: sorted(set(s))),
        }
    )
    out = _item_frame(study).merge(per_item, left_on="item_id", right_index=True, how="left")
    for col in SUPPORT_COLUMNS:
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("organisations", "sectors"):
        out[col] = [v if isinstance(v, list) else [] for v in out[col]]
    out = out.join(_verifications(study, out["item_id"])).join(_source_types(study, out["item_id"]))
    judged = [
        _status(n, o, s, t, min_interviews, min_sectors)
        for n, o, s, t in zip(
            out["n_interviews"], out["n_organisations"], out["n_sectors"], out["source_types"]
        )
    ]
    out["status"] = pd.Categorical([j[0] for j in judged], categories=list(STATUSES))
    out["rule"] = [j[1] for j in judged]
    log.debug("triangulate: %s", out["status"].value_counts().to_dict())
    return out[_COLUMNS].reset_index(drop=True)


_COLUMNS = [
    "item_id",
    "country",
    "label",
    "n_interviews",
    "n_organisations",
    "organisations",
    "n_sectors",
    "sectors",
    "n_verifications",
    "verifications",
    "source_types",
    "status",
    "rule",
]
NOTE = (
    "Public export: n_interviews, n_organisations and n_sectors are the counts published in items.csv; "
    "which organisations and sectors they are is not published."
)


def _item_frame(study: Study) -> pd.DataFrame:
    items = study.items
    return items[["item_id", "country"]].assign(label=items["label"] if "label" in items.columns else None)


def _verifications(study: Study, item_ids: pd.Series) -> pd.DataFrame:
    """The distinct verification levels reported per item, strongest first (a public export's
    distinct knowledge rows hold every level reported)."""
    knowledge = study.knowledge
    strength = {code: i for i, code in enumerate(knowledge["verification"].cat.categories)}
    levels = knowledge.groupby("item_id", sort=False)["verification"].agg(
        lambda s: sorted(set(s.dropna()), key=strength.get)
    )
    listed = [levels.get(item, []) for item in item_ids]
    return pd.DataFrame(
        {"n_verifications": [len(v) for v in listed], "verifications": listed}, index=item_ids.index
    )


def _source_types(study: Study, item_ids: pd.Series) -> pd.DataFrame:
    """The distinct source types reported per item, sorted (missing values left out)."""
    knowledge = study.knowledge
    if "source_type" not in knowledge.columns:
        return pd.DataFrame({"source_types": [[] for _ in item_ids]}, index=item_ids.index)
    types = knowledge.groupby("item_id", sort=False)["source_type"].agg(
        lambda s: sorted(set(s.dropna().astype(str)))
    )
    return pd.DataFrame({"source_types": [types.get(item, []) for item in item_ids]}, index=item_ids.index)


def _public_triangulation(study: Study, min_interviews: int, min_sectors: int) -> pd.DataFrame:
    missing = [c for c in SUPPORT_COLUMNS if c not in study.items.columns]
    if missing:
        raise ValueError(
            f"triangulate: this public study's items.csv has no {', '.join(missing)}: a public export "
            "publishes them per item, and without them the items' support cannot be known"
        )
    out = _item_frame(study)
    for col in SUPPORT_COLUMNS:
        out[col] = study.items[col].astype("Int64")
    reported = out["n_interviews"].ne(0).fillna(True).to_numpy(dtype=bool)
    out["organisations"] = [None if r else [] for r in reported]
    out["sectors"] = [None if r else [] for r in reported]
    out = out.join(_verifications(study, out["item_id"])).join(_source_types(study, out["item_id"]))
    judged = [
        (None, "not known: a count of this item is not known in this selection")
        if pd.isna(n) or pd.isna(o) or pd.isna(s)
        else _status(int(n), int(o), int(s), t, min_interviews, min_sectors)
        for n, o, s, t in zip(
            out["n_interviews"], out["n_organisations"], out["n_sectors"], out["source_types"]
        )
    ]
    out["status"] = pd.Categorical([j[0] for j in judged], categories=list(STATUSES))
    out["rule"] = [j[1] for j in judged]
    out = out[_COLUMNS].reset_index(drop=True)
    out.attrs["note"] = NOTE
    return out


def _status(
    n_interviews: int,
    n_organisations: int,
    n_sectors: int,
    source_types: list,
    min_interviews: int,
    min_sectors: int,
) -> tuple[str, str]:
    """The status of an item and, in words, the rule that gave it."""
    if n_interviews == 0:
        return "unreported", "unreported: no interview reports it"
    counted = (
        f"{n_interviews} interview{'s' * (n_interviews != 1)}, {n_organisations} "
        f"organisation{'s' * (n_organisations != 1)}, {n_sectors} sector{'s' * (n_sectors != 1)}"
    )
    second_hand = len(source_types) == 1 and source_types[0] in SECOND_HAND_SOURCES
    fallback = "corroborated" if n_interviews >= 2 else "single_source"
    if n_interviews < min_interviews or n_sectors < min_sectors or n_organisations < min_sectors:
        why = (
            f"fewer than {min_interviews} interviews"
            if n_interviews < min_interviews
            else f"fewer than {min_sectors} organisations of different sectors"
        )
        return fallback, f"{fallback}: {counted}: {why}"
    if second_hand:
        return fallback, (
            f"{fallback}: {counted}, but every report rests on {source_types[0]}, one "
            "second-hand source: not independent"
        )
    return "triangulated", (
        f"triangulated: {counted}, source types {', '.join(source_types) if source_types else 'not recorded'}"
    )
