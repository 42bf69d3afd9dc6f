"""Reach, gatekeepers and side information: does what local actors know get to co-ordination?

:func:`reach` follows every local and regional actor's flows to co-ordination and names the
gatekeepers on the way; :func:`side_information` lists what is known only to actors whose
information never reaches co-ordination (the report's "side information").

Examples
--------
>>> from impt_analysis import load_study, reach
>>> bool(reach(load_study(), "LT")["reaches"].any())
False
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .codebook import REGULAR, verification_order
from .graph import build_graph, flow_graph
from .rules import AspectRules, coordination_actors, home_actors, judged_graph, rules_or_default
from .study import Study, interview_column

__all__ = [
    "reach",
    "side_information",
    "reach_table",
    "reaching_actors",
    "followed_graph",
    "feeding_actors",
    "feeding_targets",
    "feeding_graphs",
]


class _Sink:
    """The virtual node every coordination actor feeds (a class, so it never clashes with an id)."""

    def __repr__(self) -> str:
        return "<coordination>"


def followed_graph(G: nx.DiGraph, regular_only: bool) -> nx.DiGraph:
    """The graph whose paths count as reaching co-ordination: every actor, and every flow (or
    only the regular ones when ``regular_only``, as ``AspectRules.reach_regular_only`` says)."""
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v, regular in G.edges(data="regular") if regular or not regular_only)
    return H


def reaching_actors(H: nx.DiGraph, targets: list[str]) -> set[str]:
    """Every node of ``H`` with a directed path to a target, the targets included.

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(reaching_actors(nx.DiGraph([("school", "service"), ("service", "ncp"), ("ngo", "x")]), ["ncp"]))
    ['ncp', 'school', 'service']
    """
    out = set(targets)
    for t in targets:
        out |= nx.ancestors(H, t)
    return out


def feeding_targets(G: nx.DiGraph, country: str, rules: AspectRules) -> list[str]:
    """The actors local input must reach: the national co-ordinator(s), and each other
    coordination actor (a contact point) that itself passes information to one along the
    followed flows; all coordination actors when the country has no national co-ordinator,
    or when ``rules.reach_via_passing_ncp`` is off."""
    targets = coordination_actors(G, country, rules)
    coordinators = [t for t in targets if G.nodes[t].get("kind") in rules.coordinator_kinds]
    if not rules.reach_via_passing_ncp or not coordinators:
        return targets
    H = _followed(G, country, rules, None)
    passing = reaching_actors(H, coordinators)
    return [t for t in targets if t in passing]


def _carries(items: dict | None, label: str | None, regular_only: bool) -> bool:
    """Whether an edge's flows carry ``label`` (an item, or None for anything) at the frequency asked."""
    if not items:  # a graph built by hand without the items attribute: one flow of general information
        return True
    wanted = items.items() if label is None else [(k, f) for k, f in items.items() if k in ("", label)]
    return any(f == REGULAR or not regular_only for _, f in wanted)


def _followed(G: nx.DiGraph, country: str, rules: AspectRules, label: str | None) -> nx.DiGraph:
    """The ties local input may travel: regular (``reach_regular_only``), between the
    country's own actors (``reach_within_country``), carrying ``label`` (None: anything)."""
    home = set(home_actors(G, country)) if rules.reach_within_country else None
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(
        (u, v)
        for u, v, d in G.edges(data=True)
        if (home is None or (u in home and v in home))
        and (d.get("regular", True) or not rules.reach_regular_only)
        and _carries(d.get("items"), label, rules.reach_regular_only)
    )
    return H


def feeding_graphs(G: nx.DiGraph, country: str, rules: AspectRules) -> list[nx.DiGraph]:
    """The graphs whose paths to :func:`feeding_targets` count as feeding co-ordination.

    One graph of every followed tie when items are not asked for
    (``rules.reach_carries_item`` off) or no flow names an item; otherwise one per item named
    by a flow: the ties carrying that item or information in general (a flow naming no item),
    so that a path counts only when one piece of information can travel all of it.
    """
    if not rules.reach_carries_item:
        return [_followed(G, country, rules, None)]
    labels = sorted({k for _, _, items in G.edges(data="items") for k in (items or {}) if k})
    return [_followed(G, country, rules, label) for label in labels] or [_followed(G, country, rules, "")]


def feeding_actors(G: nx.DiGraph, country: str, rules: AspectRules) -> set[str]:
    """Every actor of G whose information reaches co-ordination by the rules of local input
    (the targets included)."""
    targets = feeding_targets(G, country, rules)
    out: set[str] = set()
    for H in feeding_graphs(G, country, rules):
        out |= reaching_actors(H, targets)
    return out


def _reach_from(H: nx.DiGraph, targets: list[str]) -> tuple[dict, dict]:
    """Shortest distance to the nearest target, and immediate dominators, for every node that reaches one.

    Paths to co-ordination are followed backwards: in the reversed graph a virtual sink points
    to every target, so the sink's breadth-first distances are the shortest path lengths (+1)
    and the sink's dominator tree gives, for each node, the nodes that every one of its paths
    to any target passes through (Cooper, Harvey and Kennedy's algorithm, as in networkx).
    """
    if not targets:
        return {}, {}
    R = nx.DiGraph()
    R.add_edges_from((v, u) for u, v in H.edges if u != v)
    sink = _Sink()
    R.add_edges_from((sink, t) for t in targets)
    distance = {n: d - 1 for n, d in nx.single_source_shortest_path_length(R, sink).items() if n is not sink}
    idom = nx.immediate_dominators(R, sink)
    idom.pop(sink, None)  # networkx < 3.5 maps the start to itself
    return distance, {n: (None if d is sink else d) for n, d in idom.items()}


def _gatekeepers(node: str, idom: dict, targets: set) -> list[str]:
    """The dominators of ``node`` on its way to co-ordination, nearest first, excluding the targets."""
    out, at = [], idom.get(node)
    while at is not None:
        if at not in targets:
            out.append(at)
        at = idom.get(at)
    return out


def reach_table(G: nx.DiGraph, country: str, rules: AspectRules) -> pd.DataFrame:
    """:func:`reach` on a country's flow graph already built (shared with the local-input rule)."""
    G = judged_graph(G, rules)
    targets = feeding_targets(G, country, rules)
    target_set = set(targets)
    # Per feeding graph (one per item carried): distances and dominators. An actor's shortest
    # path is the shortest over them; its gatekeepers are on every path of every one it reaches by.
    found = [_reach_from(H, targets) for H in feeding_graphs(G, country, rules)]
    rows = []
    for actor in home_actors(G, country, levels=rules.local_levels):
        d = G.nodes[actor]
        hops = [dist[actor] for dist, _ in found if actor in dist]
        keepers = None
        for dist, idom in found:
            if actor in dist:
                mine = _gatekeepers(actor, idom, target_set) if dist[actor] else []
                keepers = mine if keepers is None else [g for g in keepers if g in mine]
        rows.append(
            {
                "actor_id": actor,
                "name": d.get("name"),
                "sector": d.get("sector"),
                "level": d.get("level"),
                "reaches": bool(hops),
                "path_length": min(hops) if hops else None,
                "must_pass": keepers or [],
            }
        )
    frame = pd.DataFrame(
        rows, columns=["actor_id", "name", "sector", "level", "reaches", "path_length", "must_pass"]
    )
    frame["reaches"] = frame["reaches"].astype(bool)
    frame["path_length"] = frame["path_length"].astype("Int64")
    return frame


def reach(study: Study, country: str, rules: AspectRules | None = None) -> pd.DataFrame:
    """Whether each local and regional actor of a country feeds national co-ordination, and through whom.

    An actor *reaches* (feeds) co-ordination when a directed path of flows leads from it to a
    target in :func:`~impt_analysis.graph.flow_graph` of the country, by the rules of local
    input: regular flows only (``rules.reach_regular_only``), through the country's own actors
    only (``reach_within_country``), carrying one item or information in general where flows
    name items (``reach_carries_item``), ending at the national co-ordinator or at a contact
    point that itself passes information to it (``reach_via_passing_ncp``;
    :func:`feeding_targets`). Each switch off gives the first, looser reading. Its *must-pass* actors (column ``must_pass``; the dominators of its paths, not the Gould-Fernandez gatekeeper role of :func:`impt_analysis.brokerage.brokerage`) are the actors that every one of those paths passes through:
    the chain of immediate dominators of the actor in the reversed flow graph, rooted at a
    virtual sink that every coordination actor feeds. Coordination actors themselves are
    destinations, not must-pass actors, and are not listed.

    Parameters
    ----------
    study : Study
    country : str
        The country code.
    rules : AspectRules, optional
        Uses ``coordination_kinds``, ``coordinator_kinds``, ``local_levels``, the ``reach_*``
        fields and ``min_informants``.

    Returns
    -------
    pandas.DataFrame
        One row per local and regional actor of the country (in the order of ``actors.csv``):
        ``actor_id``, ``name``, ``sector``, ``level``, ``reaches`` (bool), ``path_length``
        (number of flows on the shortest path; 0 for a coordination actor itself; missing when
        it does not reach) and ``must_pass`` (list of actor ids, nearest first; empty when it
        does not reach or reaches directly).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> r = reach(load_study(), "DK")
    >>> bool(r["reaches"].mean() >= 0.5)
    True
    """
    rules = rules_or_default(rules)
    return reach_table(flow_graph(study, country), str(country), rules)


def side_information(study: Study, country: str, rules: AspectRules | None = None) -> pd.DataFrame:
    """The items that are known only to actors with no path of flows to co-ordination.

    This is the report's *side information*: what professionals know about children at risk
    that never reaches those who collect it. Holders are the actors of the country's graph
    (:func:`~impt_analysis.graph.build_graph`) reported to know the item; an actor has a path
    when it feeds co-ordination as in :func:`reach` (a target itself does). Items nobody is reported to know are not listed.

    Parameters
    ----------
    study : Study
    country : str
    rules : AspectRules, optional
        Uses the same fields as :func:`reach`.

    Returns
    -------
    pandas.DataFrame
        One row per side-information item (in the order of ``items.csv``): ``item_id``,
        ``label``, ``info_type``, ``child_group``, ``holders`` (sorted list of actor ids),
        ``sectors`` and ``levels`` (sorted lists of the holders' distinct sectors and levels),
        ``verification`` (the strongest reported: official > maybe > anecdotal) and
        ``n_interviews`` (interviews reporting that the item is known). A public export's
        knowledge rows name groups of interviews: there ``n_interviews`` is the item's
        published count (``items.n_interviews``) when the graph holds every knowledge row of
        the item, and missing (``<NA>``) when some row is outside it (an actor not in the
        country's graph), where the published count would include interviews not counted here.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> side = side_information(load_study(), "LT")
    >>> list(side.columns[:3])
    ['item_id', 'label', 'info_type']
    """
    rules = rules_or_default(rules)
    country = str(country)
    G = build_graph(study, country)
    reaching = feeding_actors(judged_graph(flow_graph(study, country), rules), country, rules)
    key = interview_column(study.knowledge)
    known = pd.DataFrame(
        [(a, i, d["verification"], d[key]) for a, i, d in G.edges(data=True) if d["type"] == "knows"],
        columns=["actor_id", "item_id", "verification", key],
    )
    columns = [
        "item_id",
        "label",
        "info_type",
        "child_group",
        "holders",
        "sectors",
        "levels",
        "verification",
        "n_interviews",
    ]
    if known.empty:
        return pd.DataFrame(columns=columns)
    known["reaches"] = known["actor_id"].isin(reaching)
    order = verification_order(study.codebook)
    known["rank"] = known["verification"].map({v: i for i, v in enumerate(order)})
    rows = []
    for item, group in known.groupby("item_id", sort=False):
        if group["reaches"].any():
            continue
        holders = sorted(set(group["actor_id"]))
        node = G.nodes[item]
        rows.append(
            {
                "item_id": item,
                "label": node.get("label"),
                "info_type": node.get("info_type"),
                "child_group": node.get("child_group"),
                "holders": holders,
                "sectors": sorted({G.nodes[a]["sector"] for a in holders}),
                "levels": sorted({G.nodes[a]["level"] for a in holders}),
                "verification": order[int(group["rank"].max())],
                "n_interviews": _interviews_reporting(study, item, group, key),
            }
        )
    order = {node: i for i, node in enumerate(G)}  # items were added in the order of items.csv
    rows.sort(key=lambda row: order[row["item_id"]])
    out = pd.DataFrame(rows, columns=columns)
    if key != "interview_id":
        out["n_interviews"] = out["n_interviews"].astype("Int64")
    return out


def _interviews_reporting(study: Study, item: str, rows: pd.DataFrame, key: str):
    """Distinct interviews among the ``knows`` rows of one item (see :func:`side_information`)."""
    if key == "interview_id":
        return int(rows["interview_id"].nunique())
    everywhere = int((study.knowledge["item_id"] == item).sum())
    if len(rows) < everywhere:
        return pd.NA
    published = study.items.loc[study.items["item_id"] == item, "n_interviews"]
    return published.iat[0] if len(published) else pd.NA
