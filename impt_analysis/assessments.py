"""Young people assessed with the 2007 tool: the fourth tier, counted domain by domain.

The 2010 report asks countries to disseminate the numbers of children in four tiers, the last
of them children *in contexts that may lead to them becoming victims of trafficking*, and it
insists on *transparency on what the figures are based on*. The 2007 slides of the CBSS
Children's Unit (seed 003, "Example of a tool") show how professionals place a young person in
such a context: for each life domain (education, money, carers, a secure base, health, peers,
self control, running away, wanting to change) one of three statements, from going well to at
risk. A study may record, in the optional table ``assessments.csv``, how many young people an
actor assessed at each level of each domain: an aggregate, never a row per young person. The
domains and levels are codebook rows (categories ``assessment_domain`` and
``assessment_level``, see :data:`~impt_analysis.codebook.ASSESSMENT_DOMAINS`).

A public export suppresses these counts exactly as it suppresses case counts (a count from 1 to
``suppress_below - 1`` is empty, ``suppression`` "primary", shown "<5"; a count that would give
one back from a country's or the region's totals is "secondary", shown "suppressed").

Examples
--------
>>> from impt_analysis import load_study
>>> assessment_table(load_study()).empty   # the demonstration study records no assessments
True
"""

from __future__ import annotations

import pandas as pd

from .codebook import assessment_statement
from .study import Study

__all__ = ["assessment_table", "assessment_basis"]

_KEYS = ["country", "year", "domain", "level", "source_actor"]


def assessment_table(study: Study, country: str | None = None) -> pd.DataFrame:
    """The study's assessments, one row per figure, with the codebook's labels and the tool's words.

    Parameters
    ----------
    study : Study
    country : str, optional
        One country code (of the study's interviews or assessments); by default every country.

    Returns
    -------
    pandas.DataFrame
        One row per figure of ``assessments.csv``, sorted by country, year, domain and level (in
        the codebook's order) and source: ``country``, ``year``, ``domain``, ``domain_label``,
        ``level``, ``level_label``, ``statement`` (the slide's words for the domain at that
        level; empty for a domain the slide does not print), ``count`` (young people; missing
        where a public export suppressed it), ``basis``, ``basis_label``, ``source_actor``,
        ``source_name``, and in a public export ``suppression`` ("", "primary" or "secondary").
        No rows (the same columns) when the study records no assessments.

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, for a country of neither the study's interviews nor its assessments
        (:meth:`~impt_analysis.study.Study.check_country`).

    Examples
    --------
    >>> from impt_analysis import study_from_tables
    >>> actor = {"actor_id": "A", "name": "Municipal social services", "country": "DK",
    ...          "sector": "social_services", "level": "local", "kind": "organisation"}
    >>> row = {"country": "DK", "year": 2009, "domain": "running_away", "level": "at_risk",
    ...        "count": 12, "basis": "official", "source_actor": "A"}
    >>> s = study_from_tables({"actors": [actor], "assessments": [row]})
    >>> t = assessment_table(s, "DK")
    >>> t[["domain_label", "level_label", "count"]].values.tolist()
    [['Running away', 'At risk', 12]]
    """
    rows = study.assessments
    if country is not None:
        study.check_country(country, caller="assessment_table", also=("assessments",))
        rows = rows[rows["country"].astype(str) == country]
    domains, levels, bases = (study.labels(c) for c in ("assessment_domain", "assessment_level", "basis"))
    names = dict(zip(study.actors["actor_id"].astype(str), study.actors["name"]))
    out = rows.sort_values(_KEYS, kind="stable").reset_index(drop=True)
    out = pd.DataFrame(
        {
            "country": out["country"].astype(str),
            "year": out["year"].astype("Int64"),
            "domain": out["domain"],
            "domain_label": out["domain"].astype(str).map(domains),
            "level": out["level"],
            "level_label": out["level"].astype(str).map(levels),
            "statement": [assessment_statement(str(d), str(v)) for d, v in zip(out["domain"], out["level"])],
            "count": out["count"].astype("Int64"),
            "basis": out["basis"],
            "basis_label": out["basis"].astype(str).map(bases),
            "source_actor": out["source_actor"].astype(str),
            "source_name": out["source_actor"].astype(str).map(names),
        }
    )
    if study.public:
        out["suppression"] = (
            rows.sort_values(_KEYS, kind="stable")["suppression"].fillna("").astype(str).to_numpy()
            if "suppression" in rows.columns
            else ""
        )
    return out


def assessment_basis(study: Study, country: str | None = None) -> pd.DataFrame:
    """What the assessments of each domain rest on: the young people assessed, the bases, the sources.

    One row per country, year and domain: ``count``, the young people assessed in the domain
    (summed over its levels and sources; missing when a figure is suppressed, since a sum
    without it would understate, and a public page must not give the hidden part back),
    ``bases`` (the basis labels of its figures, in the codebook's order: official
    data, "maybe"-information, anecdotal) and ``sources`` (the source actors' names, ``"; "``
    between them). Two sources assessing the same young people are both counted: read a domain
    with several sources with care.

    Examples
    --------
    >>> from impt_analysis import study_from_tables
    >>> actors = [{"actor_id": a, "name": f"Social services {a}", "country": "DK",
    ...            "sector": "social_services", "level": "local", "kind": "organisation"} for a in "AB"]
    >>> rows = [{"country": "DK", "year": 2009, "domain": "peers", "level": lv, "count": n,
    ...          "basis": b, "source_actor": a}
    ...         for lv, n, b, a in [("going_well", 7, "maybe", "A"), ("at_risk", 5, "official", "B")]]
    >>> b = assessment_basis(study_from_tables({"actors": actors, "assessments": rows}))
    >>> b[["domain", "count", "bases", "sources"]].values.tolist()
    [['peers', 12, 'Official data, Maybe-information', 'Social services A; Social services B']]
    """
    rows = assessment_table(study, country)
    keys = ["country", "year", "domain"]
    # no count of figures: a public page would hide it as a small count, and the row's basis with it
    columns = [*keys, "domain_label", "count", "bases", "sources"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    order = {code: i for i, code in enumerate(study.labels("basis"))}
    out = []
    for key, group in rows.groupby(keys, observed=True, sort=False):
        labels = group.drop_duplicates("basis").sort_values("basis", key=lambda s: s.astype(str).map(order))
        out.append(
            {
                **dict(zip(keys, key)),
                "domain_label": group["domain_label"].iat[0],
                "count": group["count"].sum() if group["count"].notna().all() else pd.NA,
                "bases": ", ".join(labels["basis_label"].astype(str)),
                "sources": "; ".join(
                    sorted(set(group["source_name"].fillna(group["source_actor"]).astype(str)))
                ),
            }
        )
    out = pd.DataFrame(out, columns=columns)
    out["count"] = out["count"].astype("Int64")
    return out
