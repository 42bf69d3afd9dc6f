"""The basis of a figure: how well verified it is, and on how many independent sources it rests.

The 2010 report asks countries to disseminate the numbers of children identified as victims
of trafficking, suspected victims, children in abusive or exploitative situations and
children in contexts that may lead to trafficking, and it insists that *transparency on what
the figures are based on is crucial in order to manage the complexities involved*. Every
figure the workbench reports therefore comes with its basis: its verification mix (official
data, "maybe-information", anecdotal evidence) and the number of independent sources.

Examples
--------
>>> import impt_analysis as impt
>>> study = impt.load_study()
>>> table = impt.case_count_table(study, country="DE")
>>> table["tier"].tolist()
['identified', 'suspected', 'exploitative_situation', 'at_risk_context']
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .codebook import VOCABULARIES
from .study import Study

__all__ = ["basis", "case_count_table", "passages"]

_CASE_KEYS = ("basis", "source_actor")


def basis(
    frame_or_study: Study | pd.DataFrame,
    study: Study | None = None,
    *,
    items: Iterable[str] | None = None,
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """The basis of a figure: its verification mix and number of independent sources.

    The report says transparency on what figures are based on is crucial: use this beside
    every count of items or of children that goes into a report. Two kinds of figure are
    understood:

    - **Items** (a count of pieces of information): a :class:`Study`, optionally with
      ``items=`` item ids, or any frame with an ``item_id`` column (e.g. from
      :func:`~impt_analysis.triangulate`) together with ``study``. The unit is the *report*:
      each ``knowledge`` row (an interview saying an actor holds the item, at a verification
      level) counts once. The independent sources are the distinct reporting organisations
      (the interviews' ``actor_id``), as in :func:`~impt_analysis.triangulate`. A
      de-identified public export links no knowledge row to its interview (a row names a
      group of interviews, each distinct row once) and publishes, per item, the interviews
      and organisations reporting it (``items.n_interviews``, ``n_organisations``). There,
      ``n_interviews`` and ``n_sources`` are those counts when the figure rests on one
      reported item (0 when on none), and missing (``<NA>``) when on several, since one
      interview or organisation may report several items; ``n_reports``, the counts per
      verification level and their shares are missing wherever there are reports
      (``attrs["note"]`` says so).
    - **Case counts** (numbers of children): a frame with ``basis`` and ``source_actor``
      columns, such as ``study.case_counts`` or a selection of it. The unit is the *figure*
      (a row); the independent sources are the distinct ``source_actor``. A figure whose
      ``count`` is missing (suppressed in a public export) still counts as a figure, and
      makes the ``count`` of its group missing: a sum without it would understate.

    Parameters
    ----------
    frame_or_study : Study or pandas.DataFrame
        What the figure counts (see above).
    study : Study, optional
        The study the item ids of a frame refer to (needed for a frame of items only).
    items : iterable of str, optional
        Item ids, when ``frame_or_study`` is a study; by default all its items.
    by : str or list of str, optional
        Give the basis per group: columns of the items table (``country``, ``info_type``,
        ``child_group``, ``theme``) for items, columns of the frame for case counts.

    Returns
    -------
    pandas.DataFrame
        One row (or one per group, the ``by`` columns first), with, for items, ``n_items``,
        ``n_reports``, ``n_interviews``; for case counts, ``n_figures`` and ``count`` (the
        sum of the figures, missing when there is none or one is missing). Then for both: one count column
        per verification level (``official``, ``maybe``, ``anecdotal``), ``share_<level>``
        (of the reports or figures; missing when there is none), and ``n_sources``.

    Raises
    ------
    ValueError
        If the input is neither kind, an item id is not in the study, or a ``by`` column
        does not exist.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> study = load_study()
    >>> b = basis(study, items=["DK-T001", "DK-T004"])
    >>> int(b["n_items"].iat[0]), bool(b[["official", "maybe", "anecdotal"]].sum(axis=1).eq(b["n_reports"]).all())
    (2, True)
    >>> basis(study.case_counts, by="tier")["tier"].tolist()
    ['identified', 'suspected', 'exploitative_situation', 'at_risk_context']
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    if isinstance(frame_or_study, Study):
        if study is not None:
            raise ValueError("basis: give the study once (as the first argument, with items=...)")
        return _item_basis(frame_or_study, items, by_cols)
    if not isinstance(frame_or_study, pd.DataFrame):
        raise ValueError(f"basis: expected a Study or a DataFrame, not {type(frame_or_study).__name__}")
    frame = frame_or_study
    if set(_CASE_KEYS) <= set(frame.columns):
        if items is not None:
            raise ValueError("basis: items= applies to items, not to case counts")
        return _case_basis(frame, by_cols)
    if "item_id" in frame.columns:
        if study is None:
            raise ValueError(
                "basis: a frame of items needs the study its item ids refer to (basis(frame, study))"
            )
        if items is not None:
            raise ValueError("basis: give the items either as a frame or as items=, not both")
        return _item_basis(study, frame["item_id"].dropna(), by_cols)
    raise ValueError(
        "basis: the frame has neither an 'item_id' column (items) nor 'basis' and "
        f"'source_actor' columns (case counts); its columns are {list(frame.columns)}"
    )


def case_count_table(study: Study, country: str | None = None) -> pd.DataFrame:
    """The four tiers of case numbers per country, each with its basis.

    The report asks that numbers be disseminated of children (1) identified as victims of
    trafficking, (2) suspected victims, (3) in abusive or exploitative situations and (4) in
    contexts that may lead to trafficking, and that it be transparent what the figures are
    based on. Every country has a row for each of the four tiers, whether or not it
    disseminates a figure for it: a tier with no figure has ``n_figures`` 0 and ``count``
    missing, so the gap is visible.

    ``count`` sums the figures of a tier (over child groups and sources). Where two sources
    give a figure for the same child group, both are summed and the group is listed in
    ``double_counted``: read the figure with care. In a public export a small figure, and any
    figure that would give it away, is suppressed (its ``count`` missing): the tier's
    ``count`` is then missing too, while ``n_figures`` still counts the suppressed figure.

    Parameters
    ----------
    study : Study
    country : str, optional
        One country code; by default every country of the study's interviews or case counts.

    Returns
    -------
    pandas.DataFrame
        One row per country, year and tier (tiers in the codebook's order; ``year`` missing
        for a country with no figure at all): ``country``, ``year``, ``tier``, ``n_figures``,
        ``count``, ``child_groups`` (sorted list), ``double_counted`` (list), the basis mix
        (``official``, ``maybe``, ``anecdotal`` and their ``share_`` columns) and
        ``n_sources``.

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, for a country of neither the study's interviews nor its case counts
        (:meth:`~impt_analysis.study.Study.check_country`).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> table = case_count_table(load_study(), country="DE")
    >>> table[["tier", "n_figures"]].values.tolist()
    [['identified', 2], ['suspected', 0], ['exploitative_situation', 0], ['at_risk_context', 0]]
    """
    cases = study.case_counts
    if country is None:
        countries = sorted(set(study.countries) | set(cases["country"].dropna().astype(str)))
    else:
        countries = [study.check_country(country, caller="case_count_table", also=("case_counts",))]
    tiers = (
        list(cases["tier"].cat.categories)
        if isinstance(cases["tier"].dtype, pd.CategoricalDtype)
        else [c for c, _, _ in VOCABULARIES["tier"]]
    )
    cases = cases[cases["country"].isin(countries)]
    keys = ["country", "year", "tier"]
    table = _case_basis(cases.astype({"tier": str}), keys)
    detail = (
        cases.astype({"tier": str, "child_group": str})
        .groupby(keys, observed=True)
        .agg(
            child_groups=("child_group", lambda s: sorted(set(s))),
            double_counted=("child_group", lambda s: sorted(s[s.duplicated()].unique())),
        )
    )
    table = table.merge(detail, left_on=keys, right_index=True, how="left")
    years = cases.groupby("country")["year"].agg(lambda s: sorted(set(s))).to_dict()
    grid = pd.DataFrame(
        [(c, y, t) for c in countries for y in (years.get(c) or [pd.NA]) for t in tiers], columns=keys
    ).astype({"year": "Int64"})
    out = grid.merge(table.astype({"year": "Int64"}), on=keys, how="left")
    levels = [
        c
        for c in table.columns
        if c not in keys
        and c not in ("count", "child_groups", "double_counted")
        and not c.startswith("share_")
    ]
    out[levels] = out[levels].fillna(0).astype("int64")
    out["count"] = out["count"].astype("Int64")
    for col in ("child_groups", "double_counted"):
        out[col] = [v if isinstance(v, list) else [] for v in out[col]]
    out["tier"] = pd.Categorical(out["tier"], categories=tiers)
    order = keys + ["n_figures", "count", "child_groups", "double_counted"]
    return out[order + [c for c in out.columns if c not in order]]


def _item_basis(study: Study, items: Iterable[str] | None, by: list[str]) -> pd.DataFrame:
    catalogue = study.items
    if items is None:
        scope = catalogue
    else:
        wanted = list(dict.fromkeys(items))
        unknown = sorted(set(wanted) - set(catalogue["item_id"]))
        if unknown:
            raise ValueError(
                f"basis: item id(s) not in the study's items.csv: {', '.join(map(str, unknown[:10]))}"
            )
        scope = catalogue[catalogue["item_id"].isin(wanted)]
    _check_columns(scope, by, "the items table")
    if study.public:
        return _public_item_basis(study, scope, by)
    reporters = study.interviews[["interview_id", "actor_id"]].rename(columns={"actor_id": "reporter"})
    reports = (
        study.knowledge[study.knowledge["item_id"].isin(scope["item_id"])]
        .merge(reporters, on="interview_id", how="left")
        .merge(scope[["item_id", *by]], on="item_id", how="left")
    )
    codes = _codes(study.knowledge["verification"], "verification")
    mix = _mix(reports, "verification", codes, "reporter", by)
    counts = _group(scope, by).agg(n_items=("item_id", "nunique"))
    extra = _group(reports, by).agg(n_reports=("item_id", "size"), n_interviews=("interview_id", "nunique"))
    out = counts.join(extra, how="left").join(mix, how="left")
    return _finish(out, codes, by, "n_reports")


PUBLIC_NOTE = (
    "Public export: knowledge rows name groups of interviews, each distinct row once, so reports and their "
    "verification mix cannot be counted; n_interviews and n_sources are the counts published per item "
    "(items.csv) where a figure rests on one reported item, and unknown where on several."
)


def _public_item_basis(study: Study, scope: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The basis of items in a public export, from the counts it publishes per item."""
    codes = _codes(study.knowledge["verification"], "verification")
    scope = scope.assign(
        _interviews=scope["n_interviews"].astype("Int64"),
        _organisations=scope["n_organisations"].astype("Int64"),
    )
    rows = []
    for key, group in _group(scope, by) if len(scope) or by else [(None, scope)]:
        reported = group[group["_interviews"].ne(0).fillna(True).to_numpy(dtype=bool)]
        one = len(reported) == 1
        row = {
            "n_items": int(group["item_id"].nunique()),
            "n_reports": 0 if reported.empty else pd.NA,
            "n_interviews": 0 if reported.empty else (reported["_interviews"].iat[0] if one else pd.NA),
        }
        row.update({code: 0 if reported.empty else pd.NA for code in codes})
        row["n_sources"] = 0 if reported.empty else (reported["_organisations"].iat[0] if one else pd.NA)
        if by:
            row.update(dict(zip(by, key if isinstance(key, tuple) else (key,))))
        rows.append(row)
    counts = ["n_items", "n_reports", "n_interviews", *codes]
    out = pd.DataFrame(rows, columns=[*by, *counts, "n_sources"])
    for col in [*counts, "n_sources"]:
        out[col] = out[col].astype("Int64")
    for code in codes:
        reports = out["n_reports"].where(out["n_reports"] > 0)
        out[f"share_{code}"] = (out[code].astype("Float64") / reports).astype(float)
    out = out[[*by, *counts, *[f"share_{c}" for c in codes], "n_sources"]].reset_index(drop=True)
    out.attrs["note"] = PUBLIC_NOTE
    return out


def _case_basis(cases: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    _check_columns(cases, by, "the case counts")
    codes = _codes(cases["basis"], "basis")
    mix = _mix(cases, "basis", codes, "source_actor", by)
    figures = _group(cases, by).agg(n_figures=("basis", "size"))
    if "count" in cases.columns:
        # A suppressed (missing) figure makes its group's sum unknown, not smaller.
        total = _group(cases, by)["count"].sum(min_count=1).astype("Int64")
        unknown = _group(cases.assign(_missing=cases["count"].isna()), by)["_missing"].any()
        figures = figures.join(total.mask(unknown.reindex(total.index, fill_value=False)))
    out = figures.join(mix, how="left")
    return _finish(out, codes, by, "n_figures")


def _codes(column: pd.Series, category: str) -> list[str]:
    """The verification levels, strongest first: the codebook's, then any others present."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    known = [code for code, _, _ in VOCABULARIES[category]]
    return known + sorted(set(column.dropna().astype(str)) - set(known))


def _group(frame: pd.DataFrame, by: list[str]):
    if by:
        return frame.groupby(by, observed=True, sort=True, dropna=False)
    return frame.groupby(lambda _: 0)


def _mix(rows: pd.DataFrame, level: str, codes: list[str], source: str, by: list[str]) -> pd.DataFrame:
    levels = rows[level].astype(pd.CategoricalDtype(codes))
    dummies = pd.get_dummies(levels).astype("int64").set_axis(codes, axis=1)
    counted = pd.concat([rows[by].reset_index(drop=True), dummies.reset_index(drop=True)], axis=1)
    mix = _group(counted, by)[codes].sum()
    return mix.join(_group(rows, by).agg(n_sources=(source, "nunique")))


def _finish(out: pd.DataFrame, codes: list[str], by: list[str], total: str) -> pd.DataFrame:
    if not by and out.empty:
        out = pd.DataFrame({c: pd.array([pd.NA if c == "count" else 0], dtype="Int64") for c in out.columns})
    counts = [c for c in out.columns if c != "count"]
    out[counts] = out[counts].fillna(0).astype("int64")
    n = out[total].where(out[total] > 0)
    for code in codes:
        out[f"share_{code}"] = out[code] / n
    order = [c for c in out.columns if c != "n_sources"] + ["n_sources"]
    out = out[order]
    return out.reset_index() if by else out.reset_index(drop=True)


def _check_columns(frame: pd.DataFrame, by: list[str], what: str) -> None:
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise ValueError(
            f"basis: no column {', '.join(map(repr, missing))} in {what} "
            f"(it has {', '.join(map(str, frame.columns))})"
        )


PASSAGE_COLUMNS = ["segment_id", "interview_id", "start", "end", "excerpt"]


def passages(study: Study, segment_ids: Iterable[str]) -> pd.DataFrame:
    """The coded passages behind a result: segment ids -> interview and excerpt, consultant's machine only.

    The one place that turns the ``evidence`` of a row or an edge (:func:`impt_analysis.graph.build_graph`,
    :func:`impt_analysis.graph.flow_graph`, the ``evidence`` column of a derived table) into text.

    Parameters
    ----------
    study : Study
        A confidential study with ``codings`` (imported with the coding frame).
    segment_ids : iterable of str
        Segment ids, e.g. an edge's ``evidence`` tuple; repeats are shown once.

    Returns
    -------
    pandas.DataFrame
        One row per distinct segment id, in the order given: ``segment_id``, ``interview_id``,
        ``start``, ``end``, ``excerpt`` (``""`` when codings.csv has no excerpt).

    Raises
    ------
    ValueError
        On a public study (excerpts never reach public output), or for a segment id that is not in
        ``codings.csv`` (named in the message).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> study = load_study()
    >>> passages(study, ["S000001"])["interview_id"].tolist()
    ['DK-I01']
    """
    if study.public:
        raise ValueError(
            f"passages: study {study.name!r} is a public export; excerpts never reach public output "
            "(use the confidential study on the consultant's machine)"
        )
    wanted = list(dict.fromkeys(str(s) for s in segment_ids))
    codings = study.codings.drop_duplicates("segment_id").set_index("segment_id")
    missing = [s for s in wanted if s not in codings.index]
    if missing:
        raise ValueError(f"passages: no such segment_id in codings.csv: {', '.join(missing)}")
    rows = codings.loc[wanted]
    excerpt = rows["excerpt"].astype(object).fillna("") if "excerpt" in rows.columns else [""] * len(rows)
    return pd.DataFrame(
        {
            "segment_id": wanted,
            "interview_id": rows["interview_id"].astype(object).to_numpy(),
            "start": rows["start"].astype(int).to_numpy(),
            "end": rows["end"].astype(int).to_numpy(),
            "excerpt": list(excerpt),
        },
        columns=PASSAGE_COLUMNS,
    )
