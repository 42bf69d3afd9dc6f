"""Triangulation: is a piece of information on children at risk confirmed by independent reports?

The 2010 report asks that information collected be "carefully scrutinised to see if it can
be validated through e.g. triangulation". An item reported in several interviews by
organisations of different sectors (police and an NGO, say) is triangulated; one reported in
several interviews from a single sector is only corroborated; one heard in a single interview
rests on a single source.

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

#: The statuses, from the best confirmed to the least.
STATUSES = ("triangulated", "corroborated", "single_source", "unreported")


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
        ``status`` (a categorical of :data:`STATUSES`).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> row = triangulate(load_study()).set_index("item_id").loc["DK-T001"]
    >>> int(row["n_interviews"]), row["status"]
    (3, 'triangulated')
    """
    for name, value in (("min_interviews", min_interviews), ("min_sectors", min_sectors)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"triangulate: {name} must be a whole number of at least 1, not {value!r}")
    items = study.items
    reports = (
        study.knowledge[["item_id", "interview_id", "verification"]]
        .merge(study.interviews[["interview_id", "actor_id", "sector"]], on="interview_id", how="left")
        .astype({"sector": str, "actor_id": str})
    )
    strength = {code: i for i, code in enumerate(study.knowledge["verification"].cat.categories)}
    grouped = reports.groupby("item_id", sort=False)
    per_item = pd.DataFrame({
        "n_interviews": grouped["interview_id"].nunique(),
        "n_organisations": grouped["actor_id"].nunique(),
        "organisations": grouped["actor_id"].agg(lambda s: sorted(set(s))),
        "n_sectors": grouped["sector"].nunique(),
        "sectors": grouped["sector"].agg(lambda s: sorted(set(s))),
        "n_verifications": grouped["verification"].nunique(),
        "verifications": grouped["verification"].agg(lambda s: sorted(set(s.dropna()), key=strength.get)),
    })
    out = items[["item_id", "country"]].assign(
        label=items["label"] if "label" in items.columns else None
    ).merge(per_item, left_on="item_id", right_index=True, how="left")
    for col in ("n_interviews", "n_organisations", "n_sectors", "n_verifications"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("organisations", "sectors", "verifications"):
        out[col] = [v if isinstance(v, list) else [] for v in out[col]]
    out["status"] = pd.Categorical(
        [_status(n, s, min_interviews, min_sectors) for n, s in zip(out["n_interviews"], out["n_sectors"])],
        categories=list(STATUSES),
    )
    log.debug("triangulate: %s", out["status"].value_counts().to_dict())
    return out.reset_index(drop=True)


def _status(n_interviews: int, n_sectors: int, min_interviews: int, min_sectors: int) -> str:
    if n_interviews == 0:
        return "unreported"
    if n_interviews >= min_interviews and n_sectors >= min_sectors:
        return "triangulated"
    return "corroborated" if n_interviews >= 2 else "single_source"
