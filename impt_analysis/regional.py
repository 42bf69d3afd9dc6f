"""The regional view: cross-border flows, the contact-point network, and a scorecard of the
2010 report's main recommendations per country, each computed from the interviews.

The report ends with "main issues": a national co-ordination function is vital; numbers of
children should be disseminated in four tiers; transparency on what figures are based on is
crucial; regional and local information should reach the national level; NGOs should be
involved in information collection; information should be scrutinised through
triangulation; and national co-ordination should be in contact with research. The
:func:`scorecard` turns each into a check on the data (see ``docs/methods.md``).

Examples
--------
>>> from impt_analysis import load_study, scorecard
>>> bool(scorecard(load_study()).loc["DK", "coordination_exists"])
True
"""

from __future__ import annotations

import pandas as pd

from .codebook import codes
from .coordination import three_aspects
from .graph import flow_graph
from .reach import feeding_actors
from .reference import PARTLY, PRESENT
from .rules import AspectRules, coordination_actors, home_actors, judged_graph, rules_or_default
from .study import Study, interview_column
from .triangulation import triangulate

__all__ = ["cross_border_flows", "cross_border_matrix", "scorecard", "interview_table", "RECOMMENDATIONS"]


#: The scorecard's columns and the recommendation of the 2010 report each one checks.
RECOMMENDATIONS = {
    "coordination_exists": "A national co-ordination function is vital to manage information on children at risk.",
    "four_tiers": "Numbers should be disseminated on identified, suspected, exploited and at-risk children.",
    "basis_stated": "Transparency on what the figures are based on is crucial.",
    "local_reaches_national": "Regional/local information should have open lines to the national level.",
    "ngos_feed_in": "NGOs should be involved in information collection.",
    "triangulated": "Information collected should be scrutinised, e.g. validated through triangulation.",
    "research_contact": "National co-ordination should be in contact with research institutions.",
}


def interview_table(study: Study, country: str | None = None) -> pd.DataFrame:
    """Interviews by the respondent organisation's sector (rows) and level (columns).

    Only sectors and levels with interviews are shown; ``total`` closes each row and column.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> int(interview_table(load_study(), "DK").loc["total", "total"])
    7
    """
    rows = study.interviews if country is None else study.interviews[study.interviews["country"] == country]
    table = pd.crosstab(rows["sector"], rows["level"], margins=True, margins_name="total", dropna=True)
    return table.rename_axis(index="sector", columns="level")


def cross_border_flows(study: Study) -> pd.DataFrame:
    """Flows between actors of different countries (international actors have no country).

    Returns
    -------
    pandas.DataFrame
        One row per flow: ``flow_id``, source and target actor with their country, kind and
        name, ``channel``, ``frequency``, ``interview_id`` (in a public export
        ``interview_group``, the group of interviews that reported it) — in the order of
        ``flows.csv``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> flows = cross_border_flows(load_study())
    >>> bool((flows["source_country"].fillna("") != flows["target_country"].fillna("")).all())
    True
    """
    actors = study.actors.set_index("actor_id")
    f = study.flows
    key = interview_column(f)
    src, tgt = actors.loc[f["source_actor"]], actors.loc[f["target_actor"]]
    crossing = src["country"].fillna("").to_numpy() != tgt["country"].fillna("").to_numpy()
    rows = f[crossing]
    out = pd.DataFrame(
        {
            "flow_id": rows["flow_id"].to_numpy(),
            "source_actor": rows["source_actor"].to_numpy(),
            "source_country": src["country"].to_numpy()[crossing],
            "source_kind": src["kind"].astype(str).to_numpy()[crossing],
            "target_actor": rows["target_actor"].to_numpy(),
            "target_country": tgt["country"].to_numpy()[crossing],
            "target_kind": tgt["kind"].astype(str).to_numpy()[crossing],
            "channel": rows["channel"].to_numpy(),
            "frequency": rows["frequency"].to_numpy(),
            key: rows[key].to_numpy(),
        }
    )
    if "name" in actors.columns:
        out.insert(2, "source_name", src["name"].to_numpy()[crossing])
        out.insert(6, "target_name", tgt["name"].to_numpy()[crossing])
    return out


def cross_border_matrix(study: Study) -> pd.DataFrame:
    """Cross-border flows counted from country (rows) to country (columns).

    International bodies (no country) count as ``international``. A cell is the number of
    reported flows; the diagonal is empty, as those flows do not cross a border.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> m = cross_border_matrix(load_study())
    >>> int(m.loc["DK", "international"]) > 0
    True
    """
    flows = cross_border_flows(study)
    source = flows["source_country"].fillna("international")
    target = flows["target_country"].fillna("international")
    order = sorted(set(source) | set(target), key=lambda c: (c == "international", c))
    matrix = pd.crosstab(source, target).reindex(index=order, columns=order, fill_value=0)
    return matrix.rename_axis(index="from", columns="to")


def scorecard(
    study: Study, rules: AspectRules | None = None, min_triangulated_share: float = 0.5
) -> pd.DataFrame:
    """Whether the data show, for each country, what the 2010 report recommends.

    Parameters
    ----------
    study : Study
    rules : AspectRules, optional
        The rules of :func:`~impt_analysis.three_aspects` (co-ordination actors, local levels).
    min_triangulated_share : float
        ``triangulated`` holds when at least this share of the country's reported items is
        triangulated (:func:`~impt_analysis.triangulate`).

    Returns
    -------
    pandas.DataFrame
        Indexed by country. Boolean columns, one per recommendation (see
        :data:`RECOMMENDATIONS`): ``coordination_exists`` (an actor of a
        ``rules.coordinator_kinds`` kind), ``four_tiers`` (case counts in every tier of the codebook),
        ``basis_stated`` (there are case counts and every one states its basis and its
        source), ``local_reaches_national`` (the three-aspect local input is X or (X); False when it
        is "not known"), ``ngos_feed_in`` (an NGO of the country feeds co-ordination by the
        rules of local input, :func:`~impt_analysis.reach.feeding_actors`),
        ``triangulated`` (see above) and ``research_contact`` (a flow, either way, between a
        co-ordination actor and a research actor). Then the figures behind them:
        ``tiers_disseminated``, ``share_triangulated``, and ``met`` (how many of the seven hold).

        A public export publishes the counts triangulation needs (``items.csv``), so the
        scorecard is the same as on the full study. In a selection of one, an item whose
        status the selection cannot know (:func:`~impt_analysis.triangulate`) makes
        ``share_triangulated`` missing (NaN) and ``triangulated`` known (True or False) only
        when every status it could have gives the same answer, otherwise ``<NA>`` (the
        column is then of the nullable ``boolean`` type). ``met`` counts the checks known to
        hold. A study without interviews gives an empty table with these columns.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> card = scorecard(load_study())
    >>> [bool(v) for v in card.loc["DE", ["coordination_exists", "four_tiers"]]]
    [False, False]
    """
    rules = rules_or_default(rules)
    aspects = three_aspects(study, rules)
    tri = triangulate(study)
    tri = tri[tri["status"].ne("unreported").fillna(True).to_numpy(dtype=bool)]
    tiers_of_study = codes(study.codebook, "tier")
    rows = []
    for country in study.countries:
        G = flow_graph(study, country)
        targets = coordination_actors(G, country, rules)
        reaching = feeding_actors(judged_graph(G, rules), country, rules)
        home = {n: G.nodes[n] for n in home_actors(G, country)}
        counts = study.case_counts[study.case_counts["country"] == country]
        tiers = [t for t in tiers_of_study if t in set(counts["tier"].astype(str))]
        items = tri[tri["country"] == country]
        share = float((items["status"] == "triangulated").fillna(False).mean()) if len(items) else 0.0
        # Items whose status is unknown (a selection of a public export): the share lies
        # between share and share + unsettled.
        unsettled = float(items["status"].isna().mean()) if len(items) else 0.0
        if unsettled == 0:
            triangulated = share >= min_triangulated_share
        elif share >= min_triangulated_share or share + unsettled < min_triangulated_share:
            triangulated, share = share >= min_triangulated_share, float("nan")
        else:
            triangulated, share = pd.NA, float("nan")
        research = {n for n, d in home.items() if d.get("sector") == "research"}
        rows.append(
            {
                "country": country,
                "coordination_exists": any(d.get("kind") in rules.coordinator_kinds for d in home.values()),
                "four_tiers": len(tiers) == len(tiers_of_study),
                "basis_stated": bool(len(counts))
                and bool(counts["basis"].notna().all() & counts["source_actor"].notna().all()),
                # "not known" (no flows coded) is no evidence of open lines: only X or (X) is.
                "local_reaches_national": aspects.loc[country, "local_input"] in (PRESENT, PARTLY),
                "ngos_feed_in": any(d.get("sector") == "ngo" and n in reaching for n, d in home.items()),
                "triangulated": triangulated,
                "research_contact": any(
                    G.has_edge(t, r) or G.has_edge(r, t) for t in targets for r in research
                ),
                "tiers_disseminated": len(tiers),
                "share_triangulated": round(share, 2),
            }
        )
    columns = ["country", *RECOMMENDATIONS, "tiers_disseminated", "share_triangulated"]
    card = pd.DataFrame(rows, columns=columns).set_index("country")
    if not len(card):
        card = card.astype(
            {
                **dict.fromkeys(RECOMMENDATIONS, bool),
                "tiers_disseminated": "int64",
                "share_triangulated": float,
            }
        )
    if card["triangulated"].isna().any():
        card["triangulated"] = card["triangulated"].astype("boolean")
    card["met"] = card[list(RECOMMENDATIONS)].fillna(False).astype(bool).sum(axis=1)
    return card
