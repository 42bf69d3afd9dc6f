"""The three aspects per country, reach, gatekeepers and side information.

The 2010 report asked three questions of each country (its published table):

1. Is there a national central co-ordination in place?
2. Are professional networks meeting with children consulted with?
3. Are local and regional levels feeding their information into the national co-ordination?

:func:`three_aspects` answers them from the coded interviews with explicit rules
(:class:`AspectRules`, every threshold a field), and says in words which actors and flows gave
each verdict. :func:`compare_with_reference` sets the answers beside the published table.
:func:`reach` follows every local and regional actor's flows to co-ordination and names the
gatekeepers on the way; :func:`side_information` lists what is known only to actors whose
information never reaches co-ordination. The rules are described in ``docs/methods.md``.

Examples
--------
>>> from impt_analysis import load_study, three_aspects
>>> three_aspects(load_study()).loc["DK", ["coordination", "networks", "local_input"]].tolist()
['X', 'X', 'X']
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import networkx as nx
import pandas as pd

from .graph import VERIFICATION_ORDER, build_graph, flow_graph
from .reference import ASPECTS, reference_table
from .study import Study

__all__ = ["AspectRules", "three_aspects", "compare_with_reference", "aspect_table", "reach", "side_information",
           "coordination_actors"]

log = logging.getLogger(__name__)

_MAX_LISTED = 12  # actors named in an evidence sentence before "and N more"


class _Sink:
    """The virtual node every coordination actor feeds (a class, so it never clashes with an id)."""

    def __repr__(self) -> str:
        return "<coordination>"


@dataclass(frozen=True)
class AspectRules:
    """The rules that turn a country's flow graph into the three verdicts ``X``, ``(X)``, ``-``.

    Change a threshold with :func:`dataclasses.replace`, e.g.
    ``replace(AspectRules(), min_sectors=2)``.

    Attributes
    ----------
    coordinator_kinds : tuple of str
        Actor kinds that count as a national co-ordinator for aspect 1.
    coordination_kinds : tuple of str
        Actor kinds that count as *coordination actors*: the targets of aspects 2 and 3, of
        :func:`reach` and of :func:`side_information`.
    min_sectors : int
        Co-ordination is ``X`` when a national co-ordinator receives flows from actors of at
        least this many different sectors.
    sector_flows_regular_only : bool
        Count only regular flows towards ``min_sectors``.
    network_kinds : tuple of str
        Actor kinds that count as professional networks.
    network_regular_only : bool
        Networks are ``X`` only when a network's direct flow to a coordination actor is regular.
    local_levels : tuple of str
        The levels whose actors feed co-ordination in aspect 3.
    local_share_x : float
        Local input is ``X`` when at least this share of the local and regional actors reach
        co-ordination.
    local_min_reaching : int
        Local input is ``(X)`` when at least this many of them reach it.
    reach_regular_only : bool
        Follow regular flows only when looking for paths to co-ordination (default: any).
    """

    coordinator_kinds: tuple[str, ...] = ("national_coordinator",)
    coordination_kinds: tuple[str, ...] = ("national_coordinator", "contact_point")
    min_sectors: int = 3
    sector_flows_regular_only: bool = True
    network_kinds: tuple[str, ...] = ("professional_network",)
    network_regular_only: bool = True
    local_levels: tuple[str, ...] = ("local", "regional")
    local_share_x: float = 0.5
    local_min_reaching: int = 1
    reach_regular_only: bool = False

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("_kinds", "_levels")):
                if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                    raise TypeError(f"AspectRules.{f.name} must be a tuple of codes, got {value!r}")
                object.__setattr__(self, f.name, tuple(value))
        if not (isinstance(self.min_sectors, int) and self.min_sectors >= 1):
            raise ValueError(f"AspectRules.min_sectors must be a positive integer, got {self.min_sectors!r}")
        if not 0 < self.local_share_x <= 1:
            raise ValueError(f"AspectRules.local_share_x must be in (0, 1], got {self.local_share_x!r}")
        if not (isinstance(self.local_min_reaching, int) and self.local_min_reaching >= 1):
            raise ValueError(f"AspectRules.local_min_reaching must be a positive integer, got {self.local_min_reaching!r}")


def _rules(rules: AspectRules | None) -> AspectRules:
    if rules is None:
        return AspectRules()
    if not isinstance(rules, AspectRules):
        raise TypeError(f"rules must be an AspectRules, got {type(rules).__name__}")
    return rules


def _who(G: nx.DiGraph, actor: str) -> str:
    return f"{G.nodes[actor].get('name') or actor} ({actor})"


def _listed(actors: list[str]) -> str:
    shown = ", ".join(actors[:_MAX_LISTED])
    more = len(actors) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _home(G: nx.DiGraph, country: str, kinds=None, levels=None) -> list[str]:
    """The country's own actors in G (optionally of some kinds or levels), in node order."""
    return [n for n, d in G.nodes(data=True) if d.get("country") == country
            and (kinds is None or d.get("kind") in kinds) and (levels is None or d.get("level") in levels)]


def coordination_actors(G: nx.DiGraph, country: str, rules: AspectRules | None = None) -> list[str]:
    """The country's coordination actors in a flow graph: its actors of a coordination kind.

    Examples
    --------
    >>> from impt_analysis import load_study, flow_graph
    >>> coordination_actors(flow_graph(load_study(), "DE"), "DE")
    ['DE-A001']
    """
    return _home(G, country, kinds=_rules(rules).coordination_kinds)


def _reach_from(G: nx.DiGraph, targets: list[str], regular_only: bool) -> tuple[dict, dict]:
    """Shortest distance to the nearest target, and immediate dominators, for every node that reaches one.

    Paths to co-ordination are followed backwards: in the reversed graph a virtual sink points
    to every target, so the sink's breadth-first distances are the shortest path lengths (+1)
    and the sink's dominator tree gives, for each node, the nodes that every one of its paths
    to any target passes through (Cooper, Harvey and Kennedy's algorithm, as in networkx).
    """
    if not targets:
        return {}, {}
    if regular_only:
        G = G.edge_subgraph([(u, v) for u, v, r in G.edges(data="regular") if r])
    R = nx.DiGraph()
    R.add_edges_from((v, u) for u, v in G.edges if u != v)
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


def _reach_table(G: nx.DiGraph, country: str, rules: AspectRules) -> pd.DataFrame:
    targets = coordination_actors(G, country, rules)
    distance, idom = _reach_from(G, targets, rules.reach_regular_only)
    target_set = set(targets)
    rows = []
    for actor in _home(G, country, levels=rules.local_levels):
        d = G.nodes[actor]
        hops = distance.get(actor)
        rows.append({"actor_id": actor, "name": d.get("name"), "sector": d.get("sector"), "level": d.get("level"),
                     "reaches": hops is not None, "path_length": hops,
                     "gatekeepers": _gatekeepers(actor, idom, target_set) if hops else []})
    frame = pd.DataFrame(rows, columns=["actor_id", "name", "sector", "level", "reaches", "path_length", "gatekeepers"])
    frame["reaches"] = frame["reaches"].astype(bool)
    frame["path_length"] = frame["path_length"].astype("Int64")
    return frame


def reach(study: Study, country: str, rules: AspectRules | None = None) -> pd.DataFrame:
    """Whether each local and regional actor of a country feeds national co-ordination, and through whom.

    An actor *reaches* co-ordination when a directed path of flows (any frequency, unless
    ``rules.reach_regular_only``) leads from it to one of its country's coordination actors
    (kinds ``rules.coordination_kinds``) in :func:`~impt_analysis.graph.flow_graph` of the
    country. Its *gatekeepers* are the actors that every one of those paths passes through:
    the chain of immediate dominators of the actor in the reversed flow graph, rooted at a
    virtual sink that every coordination actor feeds. Coordination actors themselves are
    destinations, not gatekeepers, and are not listed.

    Parameters
    ----------
    study : Study
    country : str
        The country code.
    rules : AspectRules, optional
        Uses ``coordination_kinds``, ``local_levels`` and ``reach_regular_only``.

    Returns
    -------
    pandas.DataFrame
        One row per local and regional actor of the country (in the order of ``actors.csv``):
        ``actor_id``, ``name``, ``sector``, ``level``, ``reaches`` (bool), ``path_length``
        (number of flows on the shortest path; 0 for a coordination actor itself; missing when
        it does not reach) and ``gatekeepers`` (list of actor ids, nearest first; empty when it
        does not reach or reaches directly).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> r = reach(load_study(), "DK")
    >>> bool(r["reaches"].mean() >= 0.5)
    True
    """
    rules = _rules(rules)
    return _reach_table(flow_graph(study, country), str(country), rules)


def side_information(study: Study, country: str, rules: AspectRules | None = None) -> pd.DataFrame:
    """The items that are known only to actors with no path of flows to co-ordination.

    This is the report's *side information*: what professionals know about children at risk
    that never reaches those who collect it. Holders are the actors of the country's graph
    (:func:`~impt_analysis.graph.build_graph`) reported to know the item; an actor has a path
    when it reaches a coordination actor of the country as in :func:`reach` (a coordination
    actor itself has one). Items nobody is reported to know are not listed.

    Parameters
    ----------
    study : Study
    country : str
    rules : AspectRules, optional
        Uses ``coordination_kinds`` and ``reach_regular_only``.

    Returns
    -------
    pandas.DataFrame
        One row per side-information item (in the order of ``items.csv``): ``item_id``,
        ``label``, ``info_type``, ``child_group``, ``holders`` (sorted list of actor ids),
        ``sectors`` and ``levels`` (sorted lists of the holders' distinct sectors and levels),
        ``verification`` (the strongest reported: official > maybe > anecdotal) and
        ``n_interviews`` (interviews reporting that the item is known).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> side = side_information(load_study(), "LT")
    >>> list(side.columns[:3])
    ['item_id', 'label', 'info_type']
    """
    rules = _rules(rules)
    country = str(country)
    G = build_graph(study, country)
    flows = flow_graph(study, country)
    targets = coordination_actors(flows, country, rules)
    distance, _ = _reach_from(flows, targets, rules.reach_regular_only)
    known = pd.DataFrame([(a, i, d["verification"], d["interview_id"]) for a, i, d in G.edges(data=True)
                          if d["type"] == "knows"], columns=["actor_id", "item_id", "verification", "interview_id"])
    columns = ["item_id", "label", "info_type", "child_group", "holders", "sectors", "levels", "verification",
               "n_interviews"]
    if known.empty:
        return pd.DataFrame(columns=columns)
    known["reaches"] = known["actor_id"].map(lambda a: a in distance)
    known["rank"] = known["verification"].map({v: i for i, v in enumerate(VERIFICATION_ORDER)})
    rows = []
    for item, group in known.groupby("item_id", sort=False):
        if group["reaches"].any():
            continue
        holders = sorted(set(group["actor_id"]))
        node = G.nodes[item]
        rows.append({"item_id": item, "label": node.get("label"), "info_type": node.get("info_type"),
                     "child_group": node.get("child_group"), "holders": holders,
                     "sectors": sorted({G.nodes[a]["sector"] for a in holders}),
                     "levels": sorted({G.nodes[a]["level"] for a in holders}),
                     "verification": VERIFICATION_ORDER[int(group["rank"].max())],
                     "n_interviews": int(group["interview_id"].nunique())})
    order = {node: i for i, node in enumerate(G)}  # items were added in the order of items.csv
    rows.sort(key=lambda row: order[row["item_id"]])
    return pd.DataFrame(rows, columns=columns)


def _coordination(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    coordinators = _home(G, country, kinds=rules.coordinator_kinds)
    others = [a for a in coordination_actors(G, country, rules) if a not in coordinators]
    best = None
    for c in coordinators:
        by_sector: dict[str, list[str]] = {}
        for sender, _, d in G.in_edges(c, data=True):
            if sender != c and (d["regular"] or not rules.sector_flows_regular_only):
                by_sector.setdefault(G.nodes[sender]["sector"], []).append(sender)
        if best is None or len(by_sector) > len(best[1]):
            best = (c, by_sector)
    kind = "regular flows" if rules.sector_flows_regular_only else "flows"
    if best is not None:
        c, by_sector = best
        detail = "; ".join(f"{s}: {', '.join(_who(G, a) for a in sorted(by_sector[s]))}" for s in sorted(by_sector))
        n = len(by_sector)
        sentence = (f"{_who(G, c)} receives {kind} from actors of {n} sector{'s' * (n != 1)}"
                    + (f" ({detail})" if detail else ""))
        if n >= rules.min_sectors:
            return "X", f"X: {sentence}; at least {rules.min_sectors} needed."
        return "(X)", f"(X): {sentence}; fewer than the {rules.min_sectors} needed."
    if others:
        return "(X)", f"(X): no national co-ordinator; coordination rests with {', '.join(_who(G, a) for a in others)}."
    return "-", "-: no national co-ordinator or contact point among the country's actors."


def _networks(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    networks = _home(G, country, kinds=rules.network_kinds)
    if not networks:
        return "-", "-: no professional network among the country's actors."
    targets = coordination_actors(G, country, rules)
    if not targets:
        return "(X)", f"(X): {', '.join(_who(G, n) for n in networks)} exist, but there is no coordination actor."
    direct, findings = [], []
    for n in networks:
        to_coordination = [(t, G.edges[n, t]) for t in G.successors(n) if t in targets]
        strong = [(t, d) for t, d in to_coordination if d["regular"] or not rules.network_regular_only]
        if strong:
            direct += [f"{_who(G, n)} -> {_who(G, t)} ({d['frequency']}, {', '.join(d['channels'])})" for t, d in strong]
        elif to_coordination:
            findings.append(f"{_who(G, n)} -> {', '.join(_who(G, t) for t, _ in to_coordination)} only ad hoc")
        else:
            path = _shortest_to(G, n, targets)
            findings.append(f"{_who(G, n)} only through others ({' -> '.join(path)})" if path
                            else f"{_who(G, n)} never reaches coordination")
    if direct:
        return "X", f"X: {'; '.join(direct)}."
    return "(X)", f"(X): {'; '.join(findings)}."


def _shortest_to(G: nx.DiGraph, source: str, targets: list[str]) -> list[str] | None:
    lengths, paths = nx.single_source_dijkstra(G, source, weight=None)
    reached = [t for t in targets if t in paths]
    return min((paths[t] for t in reached), key=len) if reached else None


def _local_input(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    if not coordination_actors(G, country, rules):
        return "-", "-: there is no coordination actor to feed."
    table = _reach_table(G, country, rules)
    if table.empty:
        return "-", f"-: the country has no actors at the {' or '.join(rules.local_levels)} level."
    yes = table.loc[table["reaches"], "actor_id"].tolist()
    no = table.loc[~table["reaches"], "actor_id"].tolist()
    levels = " and ".join(rules.local_levels)
    sentence = f"{len(yes)} of {len(table)} {levels} actors have a path of flows to coordination"
    lists = (f" (reaching: {_listed(yes)}" if yes else " (") + ("; " if yes and no else "") \
        + (f"not reaching: {_listed(no)})" if no else ")")
    if len(yes) >= rules.local_share_x * len(table):
        return "X", f"X: {sentence}, at least {rules.local_share_x:.0%}{lists}."
    if len(yes) >= rules.local_min_reaching:
        return "(X)", f"(X): {sentence}, fewer than {rules.local_share_x:.0%}{lists}."
    return "-", f"-: {sentence}{lists}."


def three_aspects(study: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """The report's three aspects per country, derived from the flows with explicit rules.

    Each country's :func:`~impt_analysis.graph.flow_graph` is judged by these rules (the
    thresholds are fields of ``rules``; see ``docs/methods.md``):

    - **coordination** ``X`` when an actor of a ``coordinator_kinds`` kind receives regular
      flows from actors of at least ``min_sectors`` different sectors; ``(X)`` when a national
      co-ordinator or contact point exists but that does not hold; ``-`` when neither exists.
    - **networks** ``X`` when a professional network has a regular flow straight to a
      coordination actor; ``(X)`` when networks exist but reach coordination only ad hoc,
      only through others, or not at all; ``-`` when none exist.
    - **local_input** ``X`` when at least ``local_share_x`` of the local and regional actors
      have a directed path of flows to a coordination actor (:func:`reach`); ``(X)`` when at
      least ``local_min_reaching`` do; ``-`` when none do or there is no coordination actor.

    Parameters
    ----------
    study : Study
    rules : AspectRules, optional
        The default rules when omitted.

    Returns
    -------
    pandas.DataFrame
        Indexed by country (``study.countries``), columns ``coordination``, ``networks``,
        ``local_input`` (``X``, ``(X)`` or ``-``) and ``coordination_evidence``,
        ``networks_evidence``, ``local_input_evidence``: a sentence naming the actors and
        flows that gave each verdict.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> three_aspects(load_study()).loc["LT", "coordination"]
    '(X)'
    """
    rules = _rules(rules)
    rows = {}
    for country in study.countries:
        G = flow_graph(study, country)
        verdicts = {"coordination": _coordination(G, country, rules), "networks": _networks(G, country, rules),
                    "local_input": _local_input(G, country, rules)}
        rows[country] = {**{a: v for a, (v, _) in verdicts.items()},
                         **{f"{a}_evidence": e for a, (_, e) in verdicts.items()}}
    columns = list(ASPECTS) + [f"{a}_evidence" for a in ASPECTS]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    frame.index.name = "country"
    return frame


def compare_with_reference(study: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """The derived three aspects beside the published 2010 table, with agreement per cell.

    Parameters
    ----------
    study : Study
    rules : AspectRules, optional

    Returns
    -------
    pandas.DataFrame
        Indexed by country (the study's countries). For each aspect: the derived verdict
        (``coordination``), the published one (``coordination_published``, missing for a
        country the report did not cover) and ``coordination_agrees`` (nullable boolean,
        missing when there is nothing to compare with); then ``agrees`` (all three aspects
        agree) and ``note`` (where the report's prose disagrees with its own table).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> bool(compare_with_reference(load_study())["agrees"].all())
    True
    """
    derived = three_aspects(study, rules)
    published = reference_table(with_notes=True).reindex(derived.index)
    out = pd.DataFrame(index=derived.index)
    for aspect in ASPECTS:
        out[aspect] = derived[aspect]
        out[f"{aspect}_published"] = published[aspect]
        agrees = pd.Series(derived[aspect] == published[aspect], dtype="boolean")
        out[f"{aspect}_agrees"] = agrees.mask(published[aspect].isna())
    # Kleene logic: False if any cell disagrees, missing if none disagrees but one is unknown.
    out["agrees"] = out["coordination_agrees"] & out["networks_agrees"] & out["local_input_agrees"]
    out["note"] = published["note"]
    return out


def aspect_table(study: Study, country: str, rules: AspectRules | None = None) -> pd.DataFrame:
    """One country's three aspects as a readable table: verdict, published verdict, evidence.

    Returns
    -------
    pandas.DataFrame
        One row per aspect (``aspect`` in words), with ``derived``, ``published`` (missing for
        a country the 2010 report did not cover), ``agrees`` and ``evidence``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> aspect_table(load_study(), "LT")["derived"].tolist()
    ['(X)', '(X)', '-']
    """
    if country not in study.countries:
        raise ValueError(f"aspect_table: unknown country {country!r} (the study has {', '.join(study.countries)})")
    row = compare_with_reference(study, rules).loc[country]
    evidence = three_aspects(study, rules).loc[country]
    names = {"coordination": "National co-ordination", "networks": "Professional networks",
             "local_input": "Local and regional input"}
    return pd.DataFrame([{"aspect": names[a], "derived": row[a], "published": row[f"{a}_published"],
                          "agrees": row[f"{a}_agrees"], "evidence": evidence[f"{a}_evidence"]} for a in ASPECTS])
