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

from .basis import basis
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
    ValueError
        If ``country`` is not a country of the study.

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
    countries = sorted(set(study.countries) | set(rows["country"].dropna().astype(str)))
    if country is not None:
        if country not in countries:
            raise ValueError(
                f"assessment_table: no country {country!r} in the study "
                f"(it has {', '.join(countries) or 'none'})"
            )
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
    """What the assessments of each domain rest on: figures, young people, verification mix, sources.

    :func:`~impt_analysis.basis.basis` of the assessment figures per country, year and domain:
    ``n_figures``, ``count`` (the young people assessed in the domain, summed over levels and
    sources; missing when a figure is suppressed, since a sum without it would understate), the
    figures per basis (``official``, ``maybe``, ``anecdotal``) and their shares, and
    ``n_sources`` (distinct source actors). Two sources assessing the same young people are
    both counted: read a domain with several sources with care.

    Examples
    --------
    >>> from impt_analysis import study_from_tables
    >>> actors = [{"actor_id": a, "name": "Social services", "country": "DK",
    ...            "sector": "social_services", "level": "local", "kind": "organisation"} for a in "AB"]
    >>> rows = [{"country": "DK", "year": 2009, "domain": "peers", "level": lv, "count": n,
    ...          "basis": b, "source_actor": a}
    ...         for lv, n, b, a in [("going_well", 7, "official", "A"), ("at_risk", 5, "maybe", "B")]]
    >>> b = assessment_basis(study_from_tables({"actors": actors, "assessments": rows}))
    >>> b[["domain", "n_figures", "count", "official", "maybe", "n_sources"]].values.tolist()
    [['peers', 2, 12, 1, 1, 2]]
    """
    rows = assessment_table(study, country)
    keys = ["country", "year", "domain"]
    out = basis(rows[[*keys, "level", "count", "basis", "source_actor"]], by=keys)
    if rows.empty:
        return out
    labels = study.labels("assessment_domain")
    out.insert(3, "domain_label", out["domain"].astype(str).map(labels))
    return out
