"""Triangulation: is a piece of information on children at risk confirmed by independent reports?

The 2010 report asks that information collected be "carefully scrutinised to see if it can
be validated through e.g. triangulation". An item reported in several interviews by
organisations of different sectors (police and an NGO, say) is triangulated; one reported in
several interviews from a single sector is only corroborated; one heard in a single interview
rests on a single source.

A de-identified public export (:mod:`impt_analysis.publish`) does not say whom a respondent
speaks for, and may publish an interview's sector only as a group ("civil society") or not at
all ("any sector"). :func:`triangulate` then counts the interviews, leaves the organisations
unknown, and says ``sectors_unknown`` where the published sectors cannot tell whether an item
is triangulated, rather than guess.

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

from .study import Study

__all__ = ["triangulate", "STATUSES"]

log = logging.getLogger(__name__)

#: The statuses, from the best confirmed to the least (``sectors_unknown``: at least
#: corroborated, perhaps triangulated; only in a public export with generalised sectors).
STATUSES = ("triangulated", "sectors_unknown", "corroborated", "single_source", "unreported")


def triangulate(study: Study, min_interviews: int = 2, min_sectors: int = 2) -> pd.DataFrame:
    """How well each item is confirmed: the interviews, organisations and sectors reporting it.

    An item is *reported* in an interview when the interview has a ``knowledge`` row for it
    (whoever it says holds the item). The *reporting organisation* is the organisation the
    respondent speaks for (the interview's ``actor_id``), and its sector the interview's
    ``sector``. The status of an item is

    - ``triangulated``: reported in at least ``min_interviews`` interviews, by organisations
      of at least ``min_sectors`` different sectors;
    - ``corroborated``: reported in several (two or more) interviews, but not triangulated
      (with the defaults: all the reports come from one sector);
    - ``single_source``: reported in one interview only, and not triangulated;
    - ``unreported``: no interview reports it (the item is listed in ``items`` but has no
      ``knowledge`` row). Such items are kept, so that nothing is dropped silently.

    Two interviews with the same organisation count as two interviews: ``n_organisations``
    shows when that is so.

    In a de-identified public export (``study.public``) the respondent's organisation is not
    published (no ``interviews.actor_id``): the interviews are the only sources counted, and
    ``n_organisations`` and ``organisations`` are missing (``<NA>`` and None) for every
    reported item. Its interviews' sectors may be generalised for k-anonymity, to a group of
    sectors (e.g. ``civil_society``) or to ``any_sector`` (see the package's codebook); the
    sectors an item is reported from are then known only within bounds, and

    - ``triangulated`` requires that the published sectors *prove* ``min_sectors`` distinct
      sectors: exact sectors count once each, a group once unless an exact sector of that
      group is already counted, ``any_sector`` once only if nothing else is published;
    - ``sectors_unknown``: reported in at least ``min_interviews`` interviews (so at least
      corroborated), but whether by ``min_sectors`` sectors the export does not say (each
      interview with a generalised sector may or may not add one);
    - ``corroborated`` and ``single_source`` as above, when no assignment of sectors could
      make the item triangulated.

    ``sectors`` then lists the published codes (generalised ones included) and ``n_sectors``
    is missing (``<NA>``) where one of them is generalised.

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
        ``verifications`` (the distinct verification levels reported, strongest first) and
        ``status`` (a categorical of :data:`STATUSES`). In a public export
        ``n_organisations`` and ``n_sectors`` are nullable integers (``Int64``, ``<NA>``
        where unknown).

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
    items = study.items
    interviews = study.interviews
    known_organisations = "actor_id" in interviews.columns
    reports = (
        study.knowledge[["item_id", "interview_id", "verification"]]
        .merge(interviews[["interview_id", "sector", *(["actor_id"] if known_organisations else [])]],
               on="interview_id", how="left")
        .astype({"sector": str})
    )
    if known_organisations:
        reports["actor_id"] = reports["actor_id"].astype(str)
    strength = {code: i for i, code in enumerate(study.knowledge["verification"].cat.categories)}
    grouped = reports.groupby("item_id", sort=False)
    per_item = pd.DataFrame({
        "n_interviews": grouped["interview_id"].nunique(),
        "n_sectors": grouped["sector"].nunique(),
        "sectors": grouped["sector"].agg(lambda s: sorted(set(s))),
        "n_verifications": grouped["verification"].nunique(),
        "verifications": grouped["verification"].agg(lambda s: sorted(set(s.dropna()), key=strength.get)),
    })
    if known_organisations:
        per_item.insert(1, "n_organisations", grouped["actor_id"].nunique())
        per_item.insert(2, "organisations", grouped["actor_id"].agg(lambda s: sorted(set(s))))
    generalised = _generalised_sectors(study)
    if generalised:
        bounds = {item: _sector_bounds(rows, generalised) for item, rows in grouped[["interview_id", "sector"]]}
        per_item = per_item.join(pd.DataFrame.from_dict(bounds, orient="index", columns=["_fewest", "_most"]))
    out = items[["item_id", "country"]].assign(
        label=items["label"] if "label" in items.columns else None
    ).merge(per_item, left_on="item_id", right_index=True, how="left")
    if not known_organisations:
        # A public export does not say whom the respondent speaks for: unknown, unless nothing was reported.
        reported = out["n_interviews"].notna()
        out.insert(4, "n_organisations", pd.array([pd.NA if r else 0 for r in reported], dtype="Int64"))
        out.insert(5, "organisations", [None if r else [] for r in reported])
    for col in ("n_interviews", "n_organisations", "n_sectors", "n_verifications"):
        if not isinstance(out[col].dtype, pd.Int64Dtype):
            out[col] = out[col].fillna(0).astype("int64")
    for col in ("organisations", "sectors", "verifications"):
        out[col] = [v if isinstance(v, list) or (v is None and col == "organisations") else [] for v in out[col]]
    if generalised:
        low = out.pop("_fewest").fillna(0).astype("int64")
        high = out.pop("_most").fillna(0).astype("int64")
        out["n_sectors"] = out["n_sectors"].astype("Int64").where(low == high, pd.NA)
    else:
        low = high = out["n_sectors"]
    out["status"] = pd.Categorical(
        [_status(n, lo, hi, min_interviews, min_sectors) for n, lo, hi in zip(out["n_interviews"], low, high)],
        categories=list(STATUSES),
    )
    log.debug("triangulate: %s", out["status"].value_counts().to_dict())
    return out.reset_index(drop=True)


def _generalised_sectors(study: Study) -> frozenset[str]:
    """In a public export, the sector codes that stand for a group of sectors, or for any sector."""
    if not study.public:
        return frozenset()
    from .deidentify import ANY, SECTOR_GROUPS

    codes = set(study.codebook.loc[study.codebook["category"] == "sector", "code"].astype(str))
    return frozenset(codes & {*SECTOR_GROUPS, ANY["sector"][0]})


def _sector_bounds(reports: pd.DataFrame, generalised: frozenset[str]) -> tuple[int, int]:
    """The fewest and the most distinct sectors consistent with the published (generalised) sectors.

    Each interview has one sector. Exact sectors count once each; a group adds one unless an
    exact sector of the group is already there; "any sector" adds one only when it is all
    there is. At most, every interview with a generalised sector adds a new sector.
    """
    from .deidentify import ANY, generalise

    per_interview = reports.drop_duplicates("interview_id")["sector"]
    exact = {s for s in per_interview if s not in generalised}
    vague = [s for s in per_interview if s in generalised]
    groups = {s for s in vague if s != ANY["sector"][0]}
    covered = set(generalise(pd.Series(sorted(exact), dtype=object), "sector", "group"))
    low = len(exact) + len(groups - covered)
    if low == 0 and vague:
        low = 1
    return low, len(exact) + len(vague)


def _status(n_interviews: int, fewest_sectors: int, most_sectors: int, min_interviews: int, min_sectors: int) -> str:
    if n_interviews == 0:
        return "unreported"
    if n_interviews >= min_interviews and fewest_sectors >= min_sectors:
        return "triangulated"
    if n_interviews >= min_interviews and most_sectors >= min_sectors:
        return "sectors_unknown"
    return "corroborated" if n_interviews >= 2 else "single_source"
