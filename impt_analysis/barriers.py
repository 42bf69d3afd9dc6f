"""Barriers: what blocks information on children at risk, where, and on which links.

The third aim of the 2010 study was to "identify barriers to well functioning information
management". Respondents named barriers (no or weak central co-ordination, data protection
rules, lack of trust between NGOs and authorities, no feedback to those who report, ...), and
sometimes the link between two actors that a barrier blocks. This module counts how often
each barrier is named by country, sector or level, which barriers are named together, and
whether information still flows on the links said to be blocked.

Examples
--------
>>> import impt_analysis as impt
>>> table = impt.barrier_table(impt.load_study(), by="level")
>>> list(table.columns[:4])
['level', 'barrier', 'label', 'interviews']
"""

from __future__ import annotations

import pandas as pd

from .study import Study

__all__ = ["barrier_table", "barrier_crosstab", "barrier_cooccurrence", "blocked_links", "barrier_excerpts", "GROUPINGS"]

#: The interview attributes a barrier table can be grouped by.
GROUPINGS = ("country", "sector", "level")


def barrier_table(study: Study, by: str | None = "country", country: str | None = None) -> pd.DataFrame:
    """How many interviews name each barrier, and what share of the group's interviews that is.

    Parameters
    ----------
    study : Study
    by : {"country", "sector", "level"} or None
        The interview attribute to group by (the respondent's organisation's sector or level);
        None for the whole study.
    country : str, optional
        Only the interviews of this country.

    Returns
    -------
    pandas.DataFrame
        One row per group and barrier, for every group with interviews and every barrier
        named anywhere in the study (0 where a group does not name it), groups in order and
        barriers in the codebook's order: the ``by`` column, ``barrier``, ``label``,
        ``interviews`` (interviews naming it), ``n_interviews`` (interviews of the group),
        ``share`` (their ratio), ``mentions`` (barrier rows: an interview may attach the same
        barrier to several links) and ``mean_severity`` (1 minor to 3 blocking; missing where
        it is not named).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> table = barrier_table(load_study(), by=None)
    >>> bool((table["share"] <= 1).all())
    True
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"barrier_table: by must be one of {', '.join(GROUPINGS)} or None, not {by!r}")
    keys = [by] if by else []
    interviews = rows_in_country(study, study.interviews, country, "barrier_table")
    named = rows_in_country(study, study.barriers, country, "barrier_table").merge(interviews[["interview_id", *keys]], on="interview_id", how="left")
    counted = named.groupby([*keys, "barrier"], observed=True).agg(
        interviews=("interview_id", "nunique"), mentions=("interview_id", "size"),
        mean_severity=("severity", "mean"),
    )
    if by:
        sizes = interviews.groupby(by, observed=True)["interview_id"].nunique()
    else:
        sizes = pd.Series({None: interviews["interview_id"].nunique()})
    barriers = [b for b in study.barriers["barrier"].cat.categories if b in set(named["barrier"])]
    grid = pd.MultiIndex.from_product([list(sizes.index), barriers], names=[by or "_all", "barrier"])
    out = counted.reindex(grid if by else grid.droplevel(0)).reset_index()
    if by:
        out = out.merge(sizes.rename("n_interviews"), left_on=by, right_index=True, how="left")
        if isinstance(interviews[by].dtype, pd.CategoricalDtype):
            out[by] = pd.Categorical(out[by], categories=interviews[by].cat.categories)
    else:
        out["n_interviews"] = int(sizes.iloc[0])
    out[["interviews", "mentions"]] = out[["interviews", "mentions"]].fillna(0).astype("int64")
    out["n_interviews"] = out["n_interviews"].astype("int64")
    out["share"] = out["interviews"] / out["n_interviews"].where(out["n_interviews"] > 0)
    out["barrier"] = pd.Categorical(out["barrier"], categories=study.barriers["barrier"].cat.categories)
    out["label"] = out["barrier"].astype(str).map(study.labels("barrier"))
    return out[[*keys, "barrier", "label", "interviews", "n_interviews", "share", "mentions", "mean_severity"]]


def barrier_crosstab(study: Study, by: str = "sector", country: str | None = None,
                     value: str = "interviews") -> pd.DataFrame:
    """Barriers (rows, by label) against the groups of ``by`` (columns): a report-sized view.

    The wide form of :func:`barrier_table`: each cell is ``value`` (``interviews`` naming the
    barrier, or their ``share`` of the group's interviews); only barriers named at least once
    are shown, and the last row, ``interviews``, is the number of interviews of each group.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> table = barrier_crosstab(load_study(), by="level", country="DK")
    >>> int(table.loc["interviews"].sum())
    7
    """
    if value not in ("interviews", "share"):
        raise ValueError(f"barrier_crosstab: value must be 'interviews' or 'share', not {value!r}")
    long = barrier_table(study, by=by, country=country)
    long = long[long.groupby("barrier", observed=True)["interviews"].transform("sum") > 0]
    wide = long.pivot_table(index="label", columns=by, values=value, observed=True, sort=False, aggfunc="first")
    sizes = long.drop_duplicates(by).set_index(by)["n_interviews"]
    wide.loc["interviews"] = sizes.reindex(wide.columns)
    if value == "interviews":
        wide = wide.astype("int64")
    return wide.rename_axis(index="barrier", columns=by)


def barrier_cooccurrence(study: Study, country: str | None = None) -> pd.DataFrame:
    """Which barriers are named together: barrier x barrier, counted in interviews.

    Parameters
    ----------
    study : Study
    country : str, optional
        Only the interviews of this country.

    Returns
    -------
    pandas.DataFrame
        A square, symmetric frame indexed and labelled by the barriers named (in the
        codebook's order): the cell (a, b) is the number of interviews naming both a and b;
        the diagonal is the number of interviews naming the barrier.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> matrix = barrier_cooccurrence(load_study(), country="DK")
    >>> bool((matrix.values == matrix.values.T).all())
    True
    """
    named = rows_in_country(study, study.barriers, country, "barrier_cooccurrence")
    order = [b for b in named["barrier"].cat.categories if b in set(named["barrier"])]
    incidence = (
        pd.crosstab(named["interview_id"], named["barrier"].astype(str)).clip(upper=1)
        .reindex(columns=order, fill_value=0)
    )
    values = incidence.to_numpy(dtype="int64")
    return pd.DataFrame(values.T @ values, index=pd.Index(order, name="barrier"),
                        columns=pd.Index(order, name="barrier"))


def blocked_links(study: Study, country: str | None = None) -> pd.DataFrame:
    """The actor pairs a barrier is attached to, and whether information flows on them anyway.

    A barrier row may name the link it blocks (``source_actor`` -> ``target_actor``). This
    lists those rows from the interviews of ``country``, in their order, with both actors'
    names, sectors and levels, and the flows reported on the same ordered pair anywhere in
    the study: a barrier on a link with no flow is a line that does not exist; on a link with
    only ad hoc flows, one that works case by case. Rows naming only one end are kept
    (``flow_exists`` is then False).

    Parameters
    ----------
    study : Study
    country : str, optional
        The country of the interviews in which the barriers were named; None for all.

    Returns
    -------
    pandas.DataFrame
        ``interview_id``, ``barrier``, ``label``, ``severity``, ``source_actor``,
        ``source_name``, ``source_sector``, ``source_level``, ``target_actor``,
        ``target_name``, ``target_sector``, ``target_level``, ``flow_exists``, ``n_flows``,
        and ``frequency`` (``regular`` if any flow on the pair is regular, ``ad_hoc`` if all
        are ad hoc, missing if there is none).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> links = blocked_links(load_study(), "DK")
    >>> bool(links["source_actor"].notna().all())
    True
    """
    named = rows_in_country(study, study.barriers, country, "blocked_links")
    named = named[named["source_actor"].notna() | named["target_actor"].notna()]
    out = named[["interview_id", "barrier", "severity", "source_actor", "target_actor"]].reset_index(drop=True)
    out.insert(2, "label", out["barrier"].astype(str).map(study.labels("barrier")))
    actors = study.actors.set_index("actor_id")
    names = actors["name"] if "name" in actors.columns else pd.Series(None, index=actors.index, dtype=object)
    for end in ("source", "target"):
        ids = out[f"{end}_actor"]
        out[f"{end}_name"] = ids.map(names)
        out[f"{end}_sector"] = ids.map(actors["sector"].astype(str))
        out[f"{end}_level"] = ids.map(actors["level"].astype(str))
    flows = study.flows.assign(regular=study.flows["frequency"].astype(str) == "regular")
    pairs = flows.groupby(["source_actor", "target_actor"]).agg(n_flows=("flow_id", "size"), regular=("regular", "any"))
    out = out.merge(pairs, left_on=["source_actor", "target_actor"], right_index=True, how="left")
    out["n_flows"] = out["n_flows"].fillna(0).astype("int64")
    out["flow_exists"] = out["n_flows"] > 0
    out["frequency"] = [("regular" if r else "ad_hoc") if n else None for n, r in zip(out["n_flows"], out["regular"])]
    columns = ["interview_id", "barrier", "label", "severity"]
    columns += [f"{end}_{what}" for end in ("source", "target") for what in ("actor", "name", "sector", "level")]
    return out[columns + ["flow_exists", "n_flows", "frequency"]].reset_index(drop=True)


def barrier_excerpts(study: Study, country: str | None = None) -> pd.DataFrame:
    """The coded excerpts behind the barriers: segments coded with a barrier code.

    Excerpts are free text from confidential interviews: show them only on the consultant's
    own machine, never in a published report.

    Returns
    -------
    pandas.DataFrame
        ``interview_id``, ``country``, ``sector``, ``level``, ``barrier``, ``label``,
        ``coder``, ``segment_id`` and ``excerpt`` (missing in a public export), in the order
        of ``codings.csv``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> rows = barrier_excerpts(load_study(), "LT")
    >>> bool(rows["country"].eq("LT").all())
    True
    """
    codes = set(study.codebook.loc[study.codebook["category"] == "barrier", "code"])
    coded = rows_in_country(study, study.codings, country, "barrier_excerpts")
    coded = coded[coded["code"].isin(codes)]
    out = coded.merge(study.interviews[["interview_id", "country", "sector", "level"]], on="interview_id", how="left")
    out = out.rename(columns={"code": "barrier"})
    out["label"] = out["barrier"].map(study.labels("barrier"))
    if "excerpt" not in out.columns:
        out["excerpt"] = None
    columns = ["interview_id", "country", "sector", "level", "barrier", "label", "coder", "segment_id", "excerpt"]
    return out[columns].reset_index(drop=True)


def rows_in_country(study: Study, rows: pd.DataFrame, country: str | None, caller: str) -> pd.DataFrame:
    """The rows (with an interview_id) from the interviews of ``country``; all if None.

    Raises ValueError, naming ``caller``, when the study has no interviews from the country.
    """
    if country is None:
        return rows
    if country not in study.countries:
        raise ValueError(f"{caller}: no interviews from country {country!r} "
                         f"(the study has {', '.join(study.countries)})")
    ids = set(study.interviews.loc[study.interviews["country"] == country, "interview_id"])
    return rows[rows["interview_id"].isin(ids)]
