"""From diagnosis to action: which few new channels would close the most gaps.

The 2010 study set out to "strengthen the national multidisciplinary networks" and to
"establish permanent channels of information-sharing". :func:`recommend_channels` proposes
the new directed channels (source actor -> target actor) that would bring the most local
and regional actors, and then the most side information, within reach of national
co-ordination.

Examples
--------
>>> from impt_analysis import load_study, recommend_channels
>>> top = recommend_channels(load_study(), "FI", k=2)
>>> int(top["new_local_actors"].iat[0]) > 0
True
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import pandas as pd

from .codebook import REGULAR, check_value, verification_order
from .coordination import country_aspects
from .graph import flow_graph
from .reach import feeding_actors, side_information
from .rules import AspectRules, home_actors, judged_graph, rules_or_default
from .study import Study, interview_column

__all__ = ["recommend_channels", "channel_candidates", "with_channels"]


def channel_candidates(study: Study, country: str, rules: AspectRules | None = None) -> list[tuple[str, str]]:
    """The default candidate channels: from each of the country's actors that does not feed
    co-ordination to each actor that does (:func:`~impt_analysis.reach.feeding_actors`, by ``rules``).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> pairs = channel_candidates(load_study(), "DK")
    >>> all(isinstance(s, str) and isinstance(t, str) for s, t in pairs)
    True
    """
    rules = rules_or_default(rules)
    G = flow_graph(study, country)
    reaching = feeding_actors(judged_graph(G, rules), country, rules)
    home = home_actors(G, country)
    return [(s, t) for s in home if s not in reaching for t in home if t in reaching]


def with_channels(
    study: Study,
    channels: list[tuple[str, str]],
    channel: str = "professional_network",
    frequency: str = REGULAR,
) -> Study:
    """A copy of the study with new flows added (one per channel), for "what if" analyses.
    The new flows have ids ``NEW1``, ``NEW2``, ... and the interview of the source actor's
    country (the first one; in a public export its group), since a proposed channel was
    reported in no interview.

    Raises
    ------
    ValueError
        If ``channel`` or ``frequency`` is not a code of the study's codebook (naming the value
        and the valid codes: never turned into a missing value), or a channel names an actor
        that is not in ``actors.csv``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> with_channels(load_study(), [("DK-A003", "DK-A001")], frequency="weekly")
    Traceback (most recent call last):
    ...
    ValueError: with_channels: frequency 'weekly' is not in the codebook (valid: regular, ad_hoc)
    """
    check_value(study.codebook, "channel", channel, "with_channels: channel")
    check_value(study.codebook, "frequency", frequency, "with_channels: frequency")
    unknown = sorted({a for pair in channels for a in pair} - set(study.actors["actor_id"]))
    if unknown:
        raise ValueError(f"with_channels: actors not in actors.csv: {', '.join(map(str, unknown))}")
    if not channels:
        return study
    key = interview_column(study.flows)  # a public export's flows name a group of interviews
    first = study.interviews.groupby("country", observed=True)[key].first()
    country = study.actors.set_index("actor_id")["country"]
    rows = pd.DataFrame(
        [
            {
                "flow_id": f"NEW{i}",
                key: first.get(country.get(s), study.interviews[key].iat[0]),
                "source_actor": s,
                "target_actor": t,
                "channel": channel,
                "frequency": frequency,
                "item_id": None,
            }
            for i, (s, t) in enumerate(channels, 1)
        ]
    )
    flows = pd.concat(
        [study.flows, rows.astype({c: study.flows[c].dtype for c in ("channel", "frequency")})],
        ignore_index=True,
    )
    return dataclasses.replace(study, flows=flows)


def recommend_channels(
    study: Study,
    country: str,
    k: int = 3,
    candidates: list[tuple[str, str]] | None = None,
    rules: AspectRules | None = None,
) -> pd.DataFrame:
    """Up to ``k`` new channels that would bring the most actors and information to co-ordination.

    Chosen greedily: each step takes the candidate channel that maximises, first, the number
    of local and regional actors (``rules.local_levels``) that newly reach co-ordination;
    then the number of side-information items (:func:`~impt_analysis.side_information`)
    that newly reach it; then the verification of those items (more official ones first,
    then more "maybe"); remaining ties go to the earlier candidate. It stops early when no
    candidate brings anything in.

    Why greedy is sound here: with the default candidates every target already reaches
    co-ordination, so after adding channels :math:`S` an actor reaches co-ordination exactly
    when it did before or has a path to the source of a channel in :math:`S`. The actors
    brought in are the union of the sets each channel brings in on its own: a coverage
    function, monotone and submodular, for which the greedy choice reaches at least
    :math:`1 - 1/e` (about 63 %) of the best possible set of ``k`` channels (Nemhauser,
    Wolsey and Fisher, 1978). With user candidates whose targets do not reach co-ordination
    the greedy choice is a heuristic.

    Parameters
    ----------
    study : Study
    country : str
    k : int
        The number of channels to propose.
    candidates : list of (source, target), optional
        The channels to choose from, e.g. only those through existing professional networks;
        default :func:`channel_candidates`.
    rules : AspectRules, optional
        The three-aspect rules (coordination kinds, local levels, regular-only reach).

    Returns
    -------
    pandas.DataFrame
        One row per proposed channel, in the order chosen: ``rank``, ``source_actor``,
        ``source_name``, ``target_actor``, ``target_name``, ``new_actors`` (ids of every actor
        that newly reaches co-ordination), ``new_local_actors`` (how many of them are local or
        regional), ``new_items`` (ids of the side-information items that newly reach it),
        ``cumulative_local`` and ``cumulative_items`` (the gains so far), ``ties`` (how many
        candidates, this one included, would each have brought the same gain at this step: 1 when
        the choice is clear; among tied ones the earlier candidate is taken), and the three-aspect
        verdicts once this and the earlier channels exist: ``coordination``, ``networks``,
        ``local_input``.

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, for a country none of the study's interviews is from
        (:meth:`~impt_analysis.study.Study.check_country`).
    ValueError
        If ``k`` is not a positive integer, or a candidate names an actor not in the country's
        flow graph.

    References
    ----------
    G. L. Nemhauser, L. A. Wolsey and M. L. Fisher, "An analysis of approximations for
    maximizing submodular set functions - I", Mathematical Programming 14 (1978) 265-294.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> recommend_channels(load_study(), "LT", k=1)["rank"].tolist()
    [1]
    """
    rules = rules_or_default(rules)
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"recommend_channels: k must be a positive integer, not {k!r}")
    study.check_country(country, caller="recommend_channels")
    G = flow_graph(study, country)
    if candidates is None:
        candidates = channel_candidates(study, country, rules)
    unknown = [a for pair in candidates for a in pair if a not in G]
    if unknown:
        raise ValueError(
            f"recommend_channels: candidate actors not in {country}'s flow graph: {sorted(set(unknown))}"
        )
    local = set(home_actors(G, country, levels=rules.local_levels))
    holders = _side_item_holders(study, country, rules)
    rank = {v: i for i, v in enumerate(verification_order(study.codebook))}  # weakest 0

    chosen, rows = [], []
    H = judged_graph(G, rules)
    reaching = feeding_actors(H, country, rules)
    total_local = total_items = 0
    for step in range(1, k + 1):
        best, best_key, ties = None, None, 0
        for source, target in candidates:
            if (source, target) in chosen or target not in reaching:
                continue  # a channel to an actor cut off from co-ordination brings no one in
            new = feeding_actors(_with_tie(H, source, target), country, rules) - reaching
            items = [i for i, (who, _) in holders.items() if who & new]
            verification = sorted((rank[holders[i][1]] for i in items), reverse=True)
            key = (len(new & local), len(items), verification)
            if key[:2] > (0, 0) and (best_key is None or key > best_key):
                best, best_key, ties = (source, target, new, items), key, 1
            elif key == best_key:
                ties += 1
        if best is None:
            break
        source, target, new, items = best
        chosen.append((source, target))
        H = _with_tie(H, source, target)
        reaching |= new
        for i in items:
            holders.pop(i)
        total_local += best_key[0]
        total_items += best_key[1]
        verdicts = country_aspects(flow_graph(with_channels(study, chosen), country), country, rules)
        rows.append(
            {
                "rank": step,
                "source_actor": source,
                "source_name": G.nodes[source].get("name"),
                "target_actor": target,
                "target_name": G.nodes[target].get("name"),
                "new_actors": sorted(new),
                "new_local_actors": best_key[0],
                "new_items": items,
                "cumulative_local": total_local,
                "cumulative_items": total_items,
                "ties": ties,
                "coordination": verdicts["coordination"],
                "networks": verdicts["networks"],
                "local_input": verdicts["local_input"],
            }
        )
    columns = [
        "rank",
        "source_actor",
        "source_name",
        "target_actor",
        "target_name",
        "new_actors",
        "new_local_actors",
        "new_items",
        "cumulative_local",
        "cumulative_items",
        "ties",
        "coordination",
        "networks",
        "local_input",
    ]
    return pd.DataFrame(rows, columns=columns)


def _side_item_holders(study: Study, country: str, rules: AspectRules) -> dict[str, tuple[set[str], str]]:
    """Side-information items: item -> (its holders, its strongest verification)."""
    side = side_information(study, country, rules)
    return {row.item_id: (set(row.holders), str(row.verification)) for row in side.itertuples()}


def _with_tie(G: nx.DiGraph, source: str, target: str) -> nx.DiGraph:
    """G with a proposed channel: a regular tie carrying information in general (a flow naming
    no item, as :func:`with_channels` adds), reported by one more informant than the tie had."""
    H = G.copy()
    old = G.edges[source, target] if G.has_edge(source, target) else {}
    items = dict(old.get("items") or {}) | {"": REGULAR}
    H.add_edge(
        source,
        target,
        **{
            **old,
            "regular": True,
            "frequency": REGULAR,
            "items": items,
            "n_interviews": old.get("n_interviews", 0) + 1,
        },
    )
    return H
