"""Barriers: what blocks information on children at risk, where, and on which links.

The third aim of the 2010 study was to "identify barriers to well functioning information
management". Respondents named barriers (no or weak central co-ordination, data protection
rules, lack of trust between NGOs and authorities, no feedback to those who report, ...), and
sometimes the link between two actors that a barrier blocks. This module counts how often
each barrier is named by country, sector or level, which barriers are named together, and
whether information still flows on the links said to be blocked.

In a de-identified public export (``study.public``) a barrier row names the group of
interviews it comes from (``interview_group``), not the interview, so the number of interviews
naming a barrier cannot be counted from ``barriers.csv``. :func:`barrier_table` then takes
the counts per country from the export's ``barrier_counts.csv`` (``study.barrier_counts``),
suppressed counts staying missing with the reason beside them, and the questions the export
has no answer to (barriers by the respondent's sector or level, barriers named together in
one interview) raise a ValueError that says so.

Examples
--------
>>> import impt_analysis as impt
>>> table = impt.barrier_table(impt.load_study(), by="level")
>>> list(table.columns[:4])
['level', 'barrier', 'label', 'interviews']
"""

from __future__ import annotations

import pandas as pd

from .codebook import REGULAR
from .codebook import codes as codebook_codes
from .study import Study, interview_column

__all__ = [
    "barrier_table",
    "barrier_crosstab",
    "barrier_cooccurrence",
    "blocked_links",
    "barrier_excerpts",
    "GROUPINGS",
]

#: The interview attributes a barrier table can be grouped by.
GROUPINGS = ("country", "sector", "level")

_TABLE_COLUMNS = [
    "barrier",
    "label",
    "interviews",
    "interviews_in_group",
    "share",
    "mentions",
    "mean_severity",
]
#: Said (as ``attrs["note"]``) beside a public export's barrier table.
PUBLIC_NOTE = (
    "Public export: interviews naming a barrier are the published barrier_counts.csv (missing where "
    "suppressed: 'primary' a count of 1 to 4, 'secondary' hidden to protect one); mentions and "
    "mean_severity cannot be known, since barriers.csv names groups of interviews and holds each "
    "distinct row once."
)


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
        ``interviews`` (the interviews naming it, as in a public export's ``barrier_counts.csv``),
        ``interviews_in_group`` (all the interviews of the group, named it or not: the denominator),
        ``share`` (their ratio), ``mentions`` (barrier rows: an interview may attach the same
        barrier to several links) and ``mean_severity`` (1 minor to 3 blocking; missing where
        it is not named). No barrier named: no row (the same columns). One name, one meaning:
        ``interviews`` always counts interviews that name the barrier, ``interviews_in_group``
        the group's size (it was ``n_interviews`` before, a name that elsewhere, in
        :func:`~impt_analysis.graph.flow_graph` and ``items``, counts interviews reporting something).

        In a public export (``study.public``) ``interviews`` comes from the export's barrier
        counts per country (``study.barrier_counts``): a nullable integer, missing where
        suppressed, with ``suppression`` beside it ("" shown, "primary" a small count,
        "secondary" hidden to protect one; for the whole study, a total with any hidden
        part is missing and "secondary"). ``share`` is missing with it; ``interviews_in_group``
        counts the published interviews; ``mentions`` and ``mean_severity`` are missing (the
        export's barrier rows name groups of interviews, each distinct row once). The note
        is in ``attrs["note"]``.

    Raises
    ------
    ValueError
        ``by`` is not a grouping, ``country`` has no interviews, or, in a public export,
        ``by`` is ``"sector"`` or ``"level"`` (the export does not say which interviews name
        a barrier) or the export has no barrier counts.

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
    if study.public:
        return _public_barrier_table(study, by, country, interviews)
    named = rows_in_country(study, study.barriers, country, "barrier_table").merge(
        interviews[["interview_id", *keys]], on="interview_id", how="left"
    )
    if len(named) == 0:
        return _empty_table(study, keys, interviews)
    counted = named.groupby([*keys, "barrier"], observed=True).agg(
        interviews=("interview_id", "nunique"),
        mentions=("interview_id", "size"),
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
        out = out.merge(sizes.rename("interviews_in_group"), left_on=by, right_index=True, how="left")
        if isinstance(interviews[by].dtype, pd.CategoricalDtype):
            out[by] = pd.Categorical(out[by], categories=interviews[by].cat.categories)
    else:
        out["interviews_in_group"] = int(sizes.iloc[0])
    out[["interviews", "mentions"]] = out[["interviews", "mentions"]].fillna(0).astype("int64")
    out["interviews_in_group"] = out["interviews_in_group"].astype("int64")
    out["share"] = out["interviews"] / out["interviews_in_group"].where(out["interviews_in_group"] > 0)
    out["barrier"] = pd.Categorical(out["barrier"], categories=study.barriers["barrier"].cat.categories)
    out["label"] = out["barrier"].astype(str).map(study.labels("barrier"))
    return out[[*keys, *_TABLE_COLUMNS]]


def _empty_table(
    study: Study, keys: list[str], interviews: pd.DataFrame, public: bool = False
) -> pd.DataFrame:
    """No barrier is named: the table's columns with their types, and no row."""
    barrier = pd.Categorical([], categories=study.barriers["barrier"].cat.categories)
    columns = {
        **{k: interviews[k].iloc[:0] for k in keys},
        "barrier": barrier,
        "label": pd.Series([], dtype=object),
        "interviews": pd.array([], dtype="Int64" if public else "int64"),
        "interviews_in_group": pd.array([], dtype="int64"),
        "share": pd.Series([], dtype=float),
        "mentions": pd.array([], dtype="Int64" if public else "int64"),
        "mean_severity": pd.Series([], dtype=float),
    }
    if public:
        columns["suppression"] = pd.Series([], dtype=object)
    out = pd.DataFrame(columns)
    if public:
        out.attrs["note"] = PUBLIC_NOTE
    return out


def _public_barrier_table(
    study: Study, by: str | None, country: str | None, interviews: pd.DataFrame
) -> pd.DataFrame:
    """:func:`barrier_table` on a public export, from its barrier counts per country."""
    if by in ("sector", "level"):
        raise ValueError(
            f"barrier_table: a public export publishes how many interviews of each country name a "
            f"barrier (barrier_counts.csv), not which ones, so there are no barrier counts by the "
            f"respondent's {by}: use by='country' or by=None"
        )
    keys = [by] if by else []
    if len(rows_in_country(study, study.barriers, country, "barrier_table")) == 0:
        return _empty_table(study, keys, interviews, public=True)
    if study.barrier_counts is None:
        raise ValueError(
            "barrier_table: this public study has no barrier counts (study.barrier_counts, the "
            "export's barrier_counts.csv; a selection keeps them only for countries it keeps whole): "
            "the interviews naming a barrier cannot be counted from barriers.csv"
        )
    counts = study.barrier_counts.assign(
        country=study.barrier_counts["country"].astype(str),
        barrier=study.barrier_counts["barrier"].astype(str),
    )
    countries = sorted(set(interviews["country"].astype(str)))
    counts = counts[counts["country"].isin(countries)]
    # Named: in a barrier row of these countries, or with a published count above 0.
    rows = rows_in_country(study, study.barriers, country, "barrier_table")
    named = set(rows["barrier"].astype(str)) | set(counts.loc[counts["interviews"].fillna(0) > 0, "barrier"])
    order = [str(b) for b in study.barriers["barrier"].cat.categories]
    barriers = [b for b in order if b in named]
    sizes = interviews.assign(country=interviews["country"].astype(str)).groupby("country").size()
    if by:
        grid = pd.DataFrame([(c, b) for c in countries for b in barriers], columns=["country", "barrier"])
        out = grid.merge(
            counts[["country", "barrier", "interviews", "suppression"]], on=["country", "barrier"], how="left"
        )
        unlisted = out["suppression"].isna()
        if unlisted.any():
            first = out[unlisted].iloc[0]
            raise ValueError(
                f"barrier_table: barrier_counts.csv has no row for country {first['country']!r} and "
                f"barrier {first['barrier']!r}"
            )
        out["interviews_in_group"] = out["country"].map(sizes).astype("int64")
    else:
        # Over several countries the total is known only when no count in it is hidden.
        per = counts[counts["barrier"].isin(barriers)].groupby("barrier")
        out = pd.DataFrame({"barrier": barriers})
        out["interviews"] = out["barrier"].map(per["interviews"].sum()).astype("Int64")
        out["suppression"] = out["barrier"].map(per["suppression"].agg(_combined_reason))
        out["interviews_in_group"] = int(sizes.sum()) if len(sizes) else 0
        out["interviews_in_group"] = out["interviews_in_group"].astype("int64")
    out["interviews"] = out["interviews"].astype("Int64").mask(out["suppression"] != "")
    out["share"] = (
        out["interviews"].astype("Float64") / out["interviews_in_group"].where(out["interviews_in_group"] > 0)
    ).astype(float)
    out["mentions"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["mean_severity"] = float("nan")
    out["barrier"] = pd.Categorical(out["barrier"], categories=study.barriers["barrier"].cat.categories)
    out["label"] = out["barrier"].astype(str).map(study.labels("barrier"))
    out = out[[*keys, *_TABLE_COLUMNS, "suppression"]].reset_index(drop=True)
    out.attrs["note"] = PUBLIC_NOTE
    return out


def _combined_reason(reasons: pd.Series) -> str:
    """The suppression of a sum of counts: shown if every part is; "primary" if its one hidden
    part is a small count and it is the only part; otherwise "secondary" (a total with a hidden part)."""
    hidden = [r for r in reasons if r]
    if not hidden:
        return ""
    return hidden[0] if len(reasons) == 1 else "secondary"


def barrier_crosstab(
    study: Study, by: str = "sector", country: str | None = None, value: str = "interviews"
) -> pd.DataFrame:
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
    named = long["interviews"].fillna(0) > 0
    if "suppression" in long.columns:
        named |= long["suppression"] != ""
    long = long[named.groupby(long["barrier"], observed=True).transform("any")]
    if len(long) == 0:
        return pd.DataFrame(columns=pd.Index([], name=by), index=pd.Index([], name="barrier"), dtype="int64")
    wide = long.pivot_table(
        index="label", columns=by, values=value, observed=True, sort=False, aggfunc="first", dropna=False
    )
    sizes = long.drop_duplicates(by).set_index(by)["interviews_in_group"]
    wide.loc["interviews"] = sizes.reindex(wide.columns)
    if value == "interviews":
        wide = wide.astype("Int64" if study.public else "int64")
    wide = wide.rename_axis(index="barrier", columns=by)
    if "suppression" in long.columns:
        reasons = (
            long.pivot(index="label", columns=by, values="suppression")
            .reindex(index=wide.index, columns=wide.columns)
            .fillna("")
        )
        wide.attrs["suppression"] = reasons.rename_axis(index="barrier", columns=by)
        wide.attrs["note"] = PUBLIC_NOTE
    return wide


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
        the diagonal is the number of interviews naming the barrier. No barrier named: an
        empty frame.

    Raises
    ------
    ValueError
        In a public export, which does not say which barriers each interview named.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> matrix = barrier_cooccurrence(load_study(), country="DK")
    >>> bool((matrix.values == matrix.values.T).all())
    True
    """
    if study.public:
        raise ValueError(
            "barrier_cooccurrence: a public export does not say which barriers one interview named "
            "(barriers.csv names groups of interviews), so barriers named together cannot be counted"
        )
    named = rows_in_country(study, study.barriers, country, "barrier_cooccurrence")
    order = [b for b in named["barrier"].cat.categories if b in set(named["barrier"])]
    incidence = (
        pd.crosstab(named["interview_id"], named["barrier"].astype(str))
        .clip(upper=1)
        .reindex(columns=order, fill_value=0)
    )
    values = incidence.to_numpy(dtype="int64")
    return pd.DataFrame(
        values.T @ values, index=pd.Index(order, name="barrier"), columns=pd.Index(order, name="barrier")
    )


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
        ``interview_id`` (in a public export ``interview_group``, the group of interviews the
        row comes from), ``barrier``, ``label``, ``severity``, ``source_actor``,
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
    key = interview_column(named)
    out = named[[key, "barrier", "severity", "source_actor", "target_actor"]].reset_index(drop=True)
    out.insert(2, "label", out["barrier"].astype(str).map(study.labels("barrier")))
    actors = study.actors.set_index("actor_id")
    names = actors["name"] if "name" in actors.columns else pd.Series(None, index=actors.index, dtype=object)
    for end in ("source", "target"):
        ids = out[f"{end}_actor"]
        out[f"{end}_name"] = ids.map(names)
        out[f"{end}_sector"] = ids.map(actors["sector"].astype(str))
        out[f"{end}_level"] = ids.map(actors["level"].astype(str))
    flows = study.flows.assign(regular=study.flows["frequency"].astype(str) == REGULAR)
    pairs = flows.groupby(["source_actor", "target_actor"]).agg(
        n_flows=("flow_id", "size"), regular=("regular", "any")
    )
    out = out.merge(pairs, left_on=["source_actor", "target_actor"], right_index=True, how="left")
    out["n_flows"] = out["n_flows"].fillna(0).astype("int64")
    out["flow_exists"] = out["n_flows"] > 0
    out["frequency"] = [
        (REGULAR if r else "ad_hoc") if n else None for n, r in zip(out["n_flows"], out["regular"])
    ]
    columns = [key, "barrier", "label", "severity"]
    columns += [
        f"{end}_{what}" for end in ("source", "target") for what in ("actor", "name", "sector", "level")
    ]
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
        of ``codings.csv``. In a public export ``interview_group`` replaces
        ``interview_id``, with the group's published country, sector and level.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> rows = barrier_excerpts(load_study(), "LT")
    >>> bool(rows["country"].eq("LT").all())
    True
    """
    codes = set(codebook_codes(study.codebook, "barrier"))
    coded = rows_in_country(study, study.codings, country, "barrier_excerpts")
    coded = coded[coded["code"].isin(codes)]
    key = interview_column(coded)
    # A group of a public export shares one country, sector and level: its first interview's are the group's.
    attributes = study.interviews[[key, "country", "sector", "level"]].drop_duplicates(key)
    out = coded.merge(attributes, on=key, how="left")
    out = out.rename(columns={"code": "barrier"})
    out["label"] = out["barrier"].map(study.labels("barrier"))
    if "excerpt" not in out.columns:
        out["excerpt"] = None
    columns = [key, "country", "sector", "level", "barrier", "label", "coder", "segment_id", "excerpt"]
    return out[columns].reset_index(drop=True)


def rows_in_country(study: Study, rows: pd.DataFrame, country: str | None, caller: str) -> pd.DataFrame:
    """The rows from the interviews of ``country``; all if None.

    ``rows`` name their interview by ``interview_id``, or, in a public export, by
    ``interview_group`` (every interview of a group is from one country).
    Raises :class:`~impt_analysis.errors.UnknownCountryError` (a ``ValueError``), naming
    ``caller``, when the study has no interviews from the country
    (:meth:`~impt_analysis.study.Study.check_country`).
    """
    if country is None:
        return rows
    study.check_country(country, caller=caller)
    key = interview_column(rows)
    ids = set(study.interviews.loc[study.interviews["country"] == country, key])
    return rows[rows[key].isin(ids)]
