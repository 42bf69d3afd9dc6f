"""Brokers between sectors and levels: who stands between those who hold information and the rest.

The study asks what blocks information on children at risk on its way to national
co-ordination. An actor that passes information between two others who have no direct line
is a broker: it can carry the information on, or hold it back. Gould and Fernandez's
brokerage roles say what kind of broker an actor is with respect to groups (sectors, or
levels): a *representative* carries its own sector's information out, a *gatekeeper* lets
information from outside into its sector, a *liaison* links two sectors neither of which is
its own.

Examples
--------
>>> import networkx as nx
>>> from impt_analysis.brokerage import brokerage
>>> G = nx.DiGraph([("school", "social_services"), ("social_services", "police")])
>>> groups = {"school": "education", "social_services": "social", "police": "police"}
>>> int(brokerage(G, groups).loc["social_services", "liaison"])
1
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Hashable, Mapping

import networkx as nx
import pandas as pd

__all__ = ["brokerage", "brokers", "ROLES"]

log = logging.getLogger(__name__)

#: The five roles, in the order of Gould and Fernandez (1989), with sna's labels.
ROLES = {
    "coordinator": "w_I",
    "itinerant": "w_O",
    "gatekeeper": "b_OI",
    "representative": "b_IO",
    "liaison": "b_O",
}


@nx.utils.not_implemented_for("undirected")
def brokerage(
    G: nx.DiGraph,
    groups: Mapping[Hashable, Hashable],
    *,
    betweenness_k: int | None = None,
    seed: int | None = 0,
) -> pd.DataFrame:
    r"""Gould and Fernandez brokerage roles of every node of a directed graph.

    A node :math:`v` *brokers* the ordered pair :math:`(a, b)` of distinct nodes when
    :math:`a \to v \to b` and there is no edge :math:`a \to b` [1]_: the two-path is open,
    and information from :math:`a` reaches :math:`b` only through :math:`v` (or some other
    broker). This is the definition of R's ``sna::brokerage`` [2]_. With the group
    :math:`g(\cdot)` of each node, every brokered two-path :math:`a \to v \to b` is of
    exactly one of five kinds:

    ==================  ======  ==============================  ===================
    role                sna     groups                           two-path
    ==================  ======  ==============================  ===================
    ``coordinator``     w_I     :math:`g(a) = g(v) = g(b)`       A :math:`\to` A :math:`\to` A
    ``itinerant``       w_O     :math:`g(a) = g(b) \ne g(v)`     A :math:`\to` B :math:`\to` A
    ``gatekeeper``      b_OI    :math:`g(a) \ne g(v) = g(b)`     A :math:`\to` B :math:`\to` B
    ``representative``  b_IO    :math:`g(a) = g(v) \ne g(b)`     A :math:`\to` A :math:`\to` B
    ``liaison``         b_O     all three groups differ          A :math:`\to` B :math:`\to` C
    ==================  ======  ==============================  ===================

    A gatekeeper lets information from another group into its own; a representative
    carries its own group's information to another. The counts are the raw (unstandardised)
    numbers of brokered ordered pairs, as ``sna::brokerage(g, cl)$raw.nli``.

    Parameters
    ----------
    G : networkx.DiGraph or networkx.MultiDiGraph
        The directed graph, e.g. :func:`impt_analysis.flow_graph`. Parallel edges of a
        multigraph are collapsed into one (brokerage is about whether a line exists, not how
        often it is used); self-loops are ignored.
    groups : mapping
        Node -> group (e.g. the actors' sector, level or country). Every node of ``G`` must
        be a key; a missing value (None, NaN) is one group of its own, e.g. the international
        actors when grouping by country.
    betweenness_k : int, optional
        If given, betweenness is estimated from ``k`` sampled source nodes
        (:func:`networkx.betweenness_centrality` with ``k``), for graphs too large for the
        exact computation; by default it is exact.
    seed : int, optional
        Random seed of the sampling when ``betweenness_k`` is given.

    Returns
    -------
    pandas.DataFrame
        Indexed by node (``node``, in the graph's order), with the node's ``group``, the five
        role counts, their ``total``, and ``betweenness`` (normalised betweenness centrality
        of the directed graph, as :func:`networkx.betweenness_centrality`).

    Raises
    ------
    ValueError
        If some node has no group (the message names them).
    networkx.NetworkXNotImplemented
        If ``G`` is undirected.

    Notes
    -----
    For each broker :math:`v` and each in-neighbour :math:`a`, the out-neighbours of
    :math:`v` are counted by group, less those :math:`a` already reaches directly and
    :math:`a` itself; the time is :math:`O(\sum_v \sum_{a \to v} \min(d^+(a), d^+(v)))`.

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). "Structures of mediation: a formal
       approach to brokerage in transaction networks." *Sociological Methodology* 19:
       89-126. https://doi.org/10.2307/270949
    .. [2] Butts, C. T. ``sna``: Tools for Social Network Analysis, R package, function
       ``brokerage``. https://CRAN.R-project.org/package=sna

    Examples
    --------
    A police unit (``p``) passes information from a local police station (``l``, police too)
    to child protection (``c``), which has no line from the station: the unit represents
    the police to child protection.

    >>> G = nx.DiGraph([("l", "p"), ("p", "c")])
    >>> frame = brokerage(G, {"l": "police", "p": "police", "c": "child_protection"})
    >>> int(frame.loc["p", "representative"]), int(frame.loc["p", "total"])
    (1, 1)
    """
    missing = [n for n in G if n not in groups]
    if missing:
        shown = ", ".join(map(repr, missing[:10])) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ValueError(
            f"brokerage: {len(missing)} node(s) of the graph have no group: {shown} "
            "(give every node a group, or pass G.subgraph(groups); for actors only, use flow_graph)"
        )
    # NaN != NaN: a missing group (None, NaN, pd.NA) must compare equal to itself.
    group = {n: None if pd.api.types.is_scalar(groups[n]) and pd.isna(groups[n]) else groups[n] for n in G}
    succ = {v: set(G.successors(v)) - {v} for v in G}
    pred = {v: set(G.predecessors(v)) - {v} for v in G}
    counts = {role: dict.fromkeys(G, 0) for role in ROLES}
    for v in G:
        out = succ[v]
        if not out or not pred[v]:
            continue
        gv = group[v]
        out_by_group = Counter(group[b] for b in out)
        for a in pred[v]:
            ga = group[a]
            # b must differ from a and must not be reached by a directly.
            closed = out & succ[a]
            if a in out:
                closed = closed | {a}
            closed_by_group = Counter(group[b] for b in closed) if closed else Counter()
            n_open = len(out) - len(closed)
            same_v = out_by_group[gv] - closed_by_group[gv]
            if ga == gv:
                counts["coordinator"][v] += same_v
                counts["representative"][v] += n_open - same_v
            else:
                same_a = out_by_group[ga] - closed_by_group[ga]
                counts["itinerant"][v] += same_a
                counts["gatekeeper"][v] += same_v
                counts["liaison"][v] += n_open - same_a - same_v
    simple = nx.DiGraph(G) if G.is_multigraph() else G
    between = nx.betweenness_centrality(simple, k=betweenness_k, seed=seed if betweenness_k else None)
    nodes = list(G)
    frame = pd.DataFrame(
        {
            "group": [group[n] for n in nodes],
            **{role: pd.array([counts[role][n] for n in nodes], dtype="int64") for role in ROLES},
        },
        index=pd.Index(nodes, name="node", tupleize_cols=False),
    )
    frame["total"] = frame[list(ROLES)].sum(axis=1)
    frame["betweenness"] = pd.array([between[n] for n in nodes], dtype="float64")
    log.debug("brokerage: %d nodes, %d brokered two-paths", len(frame), int(frame["total"].sum()))
    return frame


def brokers(study, country: str, by: str = "level") -> pd.DataFrame:
    """The brokers of a country's flow graph, with who they are, most brokering first.

    Runs :func:`brokerage` on :func:`~impt_analysis.flow_graph` of the country, with the
    actors' ``by`` attribute (``"level"`` or ``"sector"``) as groups, and adds the actors'
    name, sector, level and kind. Actors that broker nothing are left out.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> table = brokers(load_study(), "DK")
    >>> bool(table["total"].is_monotonic_decreasing)
    True
    """
    from .graph import flow_graph

    if by not in ("level", "sector", "country", "kind"):
        raise ValueError(f"brokers: by must be 'level', 'sector', 'country' or 'kind', not {by!r}")
    G = flow_graph(study, country)
    roles = brokerage(G, {n: d.get(by) for n, d in G.nodes(data=True)})
    attributes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    keep = [c for c in ("name", "sector", "level", "kind") if c in attributes.columns]
    out = attributes[keep].join(roles.drop(columns=["group"], errors="ignore"))
    out = out[out["total"] > 0].sort_values(["total", "betweenness"], ascending=False, kind="stable")
    return out.rename_axis("actor_id").reset_index()
