"""The three aspects per country: national co-ordination, professional networks, local input.

The 2010 report asked three questions of each country (its published table):

1. Is there a national central co-ordination in place?
2. Are professional networks meeting with children consulted with?
3. Are local and regional levels feeding their information into the national co-ordination?

:func:`three_aspects` answers them from the coded interviews with explicit rules
(:class:`AspectRules`, every threshold a field), and says in words which actors and flows gave
each verdict. :func:`compare_with_reference` sets the answers beside the published table.
Reach and side information are in :mod:`impt_analysis.reach`, the rules in
:mod:`impt_analysis.rules`; ``docs/methods.md`` describes them.

Examples
--------
>>> from impt_analysis import load_study, three_aspects
>>> three_aspects(load_study()).loc["DK", ["coordination", "networks", "local_input"]].tolist()
['X', 'X', 'X']
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .graph import flow_graph
from .reach import reach_table
from .reference import ABSENT, ASPECTS, PARTLY, PRESENT, reference_table
from .rules import AspectRules, coordination_actors, home_actors, judged_graph, rules_or_default
from .study import Study

__all__ = [
    "NOT_KNOWN",
    "three_aspects",
    "country_aspects",
    "compare_with_reference",
    "aspect_table",
    "compare_rules",
]

# The verdict of an aspect whose evidence is missing: a country with no flow data says so,
# never "-" (which reads as a finding: the aspect is absent).
NOT_KNOWN = "not known"

_MAX_LISTED = 12  # actors named in an evidence sentence before "and N more"


def _who(G: nx.DiGraph, actor: str) -> str:
    return f"{G.nodes[actor].get('name') or actor} ({actor})"


def _listed(actors: list[str]) -> str:
    shown = ", ".join(actors[:_MAX_LISTED])
    more = len(actors) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def coordinator_sectors(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, dict] | None:
    """The national co-ordinator fed by the most sectors, and its senders by sector (None when
    the country has none): the count aspect 1 compares with ``rules.min_sectors``."""
    home = set(home_actors(G, country)) if rules.coordination_home_senders_only else None
    best = None
    for c in home_actors(G, country, kinds=rules.coordinator_kinds):
        by_sector: dict[str, list[str]] = {}
        for sender, _, d in G.in_edges(c, data=True):
            if (
                sender != c
                and (d["regular"] or not rules.sector_flows_regular_only)
                and (home is None or sender in home)
            ):
                by_sector.setdefault(G.nodes[sender]["sector"], []).append(sender)
        if best is None or len(by_sector) > len(best[1]):
            best = (c, by_sector)
    return best


def _coordination(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    coordinators = home_actors(G, country, kinds=rules.coordinator_kinds)
    others = [a for a in coordination_actors(G, country, rules) if a not in coordinators]
    best = coordinator_sectors(G, country, rules)
    kind = "regular flows" if rules.sector_flows_regular_only else "flows"
    senders = f"{country} actors" if rules.coordination_home_senders_only else "actors"
    if best is not None:
        c, by_sector = best
        detail = "; ".join(
            f"{s}: {', '.join(_who(G, a) for a in sorted(by_sector[s]))}" for s in sorted(by_sector)
        )
        n = len(by_sector)
        sentence = f"{_who(G, c)} receives {kind} from {senders} of {n} sector{'s' * (n != 1)}" + (
            f" ({detail})" if detail else ""
        )
        if n >= rules.min_sectors:
            return PRESENT, f"{PRESENT}: {sentence}; at least {rules.min_sectors} needed."
        return PARTLY, f"{PARTLY}: {sentence}; fewer than the {rules.min_sectors} needed."
    if others:
        return (
            PARTLY,
            f"{PARTLY}: no national co-ordinator; coordination rests with {', '.join(_who(G, a) for a in others)}.",
        )
    return ABSENT, f"{ABSENT}: no national co-ordinator or contact point among the country's actors."


def _consultations(G: nx.DiGraph, network: str, targets: list[str], rules: AspectRules) -> list[tuple]:
    """The direct ties between a network and coordination actors: (sender, receiver, data)."""
    out = [(network, t, G.edges[network, t]) for t in G.successors(network) if t in targets]
    if rules.network_either_direction:
        out += [
            (t, network, G.edges[t, network])
            for t in G.predecessors(network)
            if t in targets and t != network
        ]
    return out


def _networks(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    networks = home_actors(G, country, kinds=rules.network_kinds)
    if not networks:
        return ABSENT, f"{ABSENT}: no professional network among the country's actors."
    targets = coordination_actors(G, country, rules)
    if not targets:
        v = rules.network_without_contact
        return v, f"{v}: {', '.join(_who(G, n) for n in networks)} exist, but there is no coordination actor."
    direct, findings, contact = [], [], False
    for n in networks:
        ties = _consultations(G, n, targets, rules)
        strong = [(a, b, d) for a, b, d in ties if d["regular"] or not rules.network_regular_only]
        if strong:
            direct += [
                f"{_who(G, a)} -> {_who(G, b)} ({d['frequency']}, {', '.join(d['channels'])})"
                for a, b, d in strong
            ]
            continue
        contact = contact or bool(ties)
        if ties:
            findings.append(f"{', '.join(f'{_who(G, a)} -> {_who(G, b)}' for a, b, _ in ties)} only ad hoc")
            continue
        path = _shortest_to(G, n, targets)
        if path is None and rules.network_either_direction:
            back = [p for p in (_shortest_to(G, t, [n]) for t in targets) if p]
            path = min(back, key=len) if back else None
        contact = contact or path is not None
        findings.append(
            f"{_who(G, n)} only through others ({' -> '.join(path)})"
            if path
            else f"{_who(G, n)} never in contact with coordination"
        )
    if direct:
        return PRESENT, f"{PRESENT}: {'; '.join(direct)}."
    verdict = PARTLY if contact else rules.network_without_contact
    return verdict, f"{verdict}: {'; '.join(findings)}."


def _shortest_to(G: nx.DiGraph, source: str, targets: list[str]) -> list[str] | None:
    lengths, paths = nx.single_source_dijkstra(G, source, weight=None)
    reached = [t for t in targets if t in paths]
    return min((paths[t] for t in reached), key=len) if reached else None


def _path_words(rules: AspectRules) -> str:
    words = "a path of " + ("regular " if rules.reach_regular_only else "") + "flows"
    if rules.reach_within_country:
        words += " within the country"
    if rules.reach_carries_item:
        words += " carrying one item"
    return words + " to " + ("the national co-ordinator" if rules.reach_via_passing_ncp else "coordination")


def local_input_counts(table: pd.DataFrame, rules: AspectRules) -> tuple[int, int, int]:
    """(reaching, actors, reaching needed for X) of a :func:`reach_table`."""
    n = len(table)
    needed = next(k for k in range(n + 1) if k >= rules.local_share_x * n) if n else 0
    return int(table["reaches"].sum()), n, needed


def _local_input(G: nx.DiGraph, country: str, rules: AspectRules) -> tuple[str, str]:
    if not coordination_actors(G, country, rules):
        return ABSENT, f"{ABSENT}: there is no coordination actor to feed."
    table = reach_table(G, country, rules)
    if table.empty:
        return ABSENT, f"{ABSENT}: the country has no actors at the {' or '.join(rules.local_levels)} level."
    yes = table.loc[table["reaches"], "actor_id"].tolist()
    no = table.loc[~table["reaches"], "actor_id"].tolist()
    levels = " and ".join(rules.local_levels)
    sentence = f"{len(yes)} of {len(table)} {levels} actors have {_path_words(rules)}"
    lists = (
        (f" (reaching: {_listed(yes)}" if yes else " (")
        + ("; " if yes and no else "")
        + (f"not reaching: {_listed(no)})" if no else ")")
    )
    if len(yes) >= rules.local_share_x * len(table):
        return PRESENT, f"{PRESENT}: {sentence}, at least {rules.local_share_x:.0%}{lists}."
    if len(yes) >= rules.local_min_reaching:
        return PARTLY, f"{PARTLY}: {sentence}, fewer than {rules.local_share_x:.0%}{lists}."
    return ABSENT, f"{ABSENT}: {sentence}{lists}."


def country_aspects(G: nx.DiGraph, country: str, rules: AspectRules | None = None) -> dict[str, str]:
    """One country's three verdicts and their evidence, from its flow graph (a row of :func:`three_aspects`)."""
    rules = rules_or_default(rules)
    if G.number_of_edges() == 0:
        why = (
            f"{NOT_KNOWN}: no flows are coded for {country} (no flow data), so who passes information "
            "to whom cannot be judged."
        )
        return {**{a: NOT_KNOWN for a in ASPECTS}, **{f"{a}_evidence": why for a in ASPECTS}}
    G = judged_graph(G, rules)
    verdicts = {
        "coordination": _coordination(G, country, rules),
        "networks": _networks(G, country, rules),
        "local_input": _local_input(G, country, rules),
    }
    return {
        **{a: v for a, (v, _) in verdicts.items()},
        **{f"{a}_evidence": e for a, (_, e) in verdicts.items()},
    }


def three_aspects(study: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """The report's three aspects per country, derived from the flows with explicit rules.

    Each country's :func:`~impt_analysis.graph.flow_graph` is judged by these rules (the
    thresholds are fields of ``rules``; see ``docs/methods.md``):

    - **coordination** ``X`` when an actor of a ``coordinator_kinds`` kind receives regular
      flows from the country's own actors of at least ``min_sectors`` different sectors;
      ``(X)`` when a national co-ordinator or contact point exists but that does not hold;
      ``-`` when neither exists.
    - **networks** ``X`` when a professional network and a coordination actor have a regular
      direct tie, whichever side sends (consultation); ``(X)`` when a network is in contact
      with co-ordination only ad hoc or only through others; ``-`` when none exists or none is
      ever in contact with co-ordination (not consulted).
    - **local_input** ``X`` when at least ``local_share_x`` of the local and regional actors
      *feed* co-ordination (:func:`reach`: a path of regular flows within the country, carrying
      one item, to the national co-ordinator or a contact point that passes on to it);
      ``(X)`` when at least ``local_min_reaching`` do; ``-`` when none do or there is no
      coordination actor.
    - the first readings of these words are fields of :class:`AspectRules`
      (:meth:`AspectRules.first_reading`); ties reported by fewer than
      ``rules.min_informants`` interviews are left out first.
    - every aspect is ``not known`` (:data:`NOT_KNOWN`) for a country with no flows at all: the
      interviews were not coded for flows, which is no finding; it agrees or disagrees with
      nothing in :func:`compare_with_reference`.

    Parameters
    ----------
    study : Study
    rules : AspectRules, optional
        The default rules when omitted.

    Returns
    -------
    pandas.DataFrame
        Indexed by country (``study.countries``), columns ``coordination``, ``networks``,
        ``local_input`` (``X``, ``(X)``, ``-`` or ``not known``) and ``coordination_evidence``,
        ``networks_evidence``, ``local_input_evidence``: a sentence naming the actors and
        flows that gave each verdict.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> three_aspects(load_study()).loc["LT", "coordination"]
    '(X)'
    """
    rules = rules_or_default(rules)
    rows = {
        country: country_aspects(flow_graph(study, country), country, rules) for country in study.countries
    }
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

    On the synthetic demonstration study every cell agrees. That is a check that the synthetic
    study was built to follow the published table (its generator reads the table and builds
    flows for each verdict), not a validation of the rules; see ``docs/methods.md`` and
    :func:`~impt_analysis.stability.verdict_stability` for how much each verdict rests on.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> bool(compare_with_reference(load_study())["agrees"].all())  # by construction of the demo
    True
    """
    return _beside_reference(three_aspects(study, rules))


def _beside_reference(derived: pd.DataFrame) -> pd.DataFrame:
    published = reference_table(with_notes=True).reindex(derived.index)
    out = pd.DataFrame(index=derived.index)
    for aspect in ASPECTS:
        out[aspect] = derived[aspect]
        out[f"{aspect}_published"] = published[aspect]
        agrees = pd.Series(derived[aspect] == published[aspect], dtype="boolean")
        out[f"{aspect}_agrees"] = agrees.mask(published[aspect].isna() | (derived[aspect] == NOT_KNOWN))
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
        a country the 2010 report did not cover), ``agrees``, ``evidence``, ``stability`` (the
        ``summary`` of :func:`~impt_analysis.stability.verdict_stability`: "robust", or what
        single interviews and flows the verdict rests on) and ``margin`` (in words).

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, for a country none of the study's interviews is from
        (:meth:`~impt_analysis.study.Study.check_country`).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> aspect_table(load_study(), "LT")["derived"].tolist()
    ['(X)', '(X)', '-']
    """
    study.check_country(country, caller="aspect_table")
    from .stability import verdict_stability  # stability judges with this module's functions

    evidence = three_aspects(study, rules)
    row = _beside_reference(evidence).loc[country]
    evidence = evidence.loc[country]
    stability = verdict_stability(study, rules, countries=[country]).set_index("aspect")
    names = {
        "coordination": "National co-ordination",
        "networks": "Professional networks",
        "local_input": "Local and regional input",
    }
    return pd.DataFrame(
        [
            {
                "aspect": names[a],
                "derived": row[a],
                "published": row[f"{a}_published"],
                "agrees": row[f"{a}_agrees"],
                "evidence": evidence[f"{a}_evidence"],
                "stability": stability.loc[a, "summary"],
                "margin": stability.loc[a, "margin"],
            }
            for a in ASPECTS
        ]
    )


def compare_rules(study: Study, rules_a: AspectRules, rules_b: AspectRules) -> pd.DataFrame:
    """Every cell of the three aspects judged by two sets of rules, and which cells differ.

    Use it to see what a reading of the report changes, e.g. the first readings against the
    defaults: ``compare_rules(study, AspectRules.first_reading(), AspectRules())``.

    Returns
    -------
    pandas.DataFrame
        One row per country and aspect: ``country``, ``aspect``, ``verdict_a``, ``verdict_b``,
        ``differs`` (bool), ``evidence_a``, ``evidence_b``, and ``changed_fields`` (the
        fields of :class:`AspectRules` whose values differ, the same on every row).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> cells = compare_rules(load_study(), AspectRules(), AspectRules(min_sectors=2))
    >>> cells.loc[cells["differs"], ["country", "aspect", "verdict_a", "verdict_b"]].values.tolist()
    [['EE', 'coordination', '(X)', 'X'], ['SE', 'coordination', '(X)', 'X']]
    """
    from dataclasses import fields

    a, b = three_aspects(study, rules_or_default(rules_a)), three_aspects(study, rules_or_default(rules_b))
    changed = [f.name for f in fields(AspectRules) if getattr(rules_a, f.name) != getattr(rules_b, f.name)]
    rows = [
        {
            "country": c,
            "aspect": x,
            "verdict_a": a.loc[c, x],
            "verdict_b": b.loc[c, x],
            "differs": bool(a.loc[c, x] != b.loc[c, x]),
            "evidence_a": a.loc[c, f"{x}_evidence"],
            "evidence_b": b.loc[c, f"{x}_evidence"],
            "changed_fields": changed,
        }
        for c in a.index
        for x in ASPECTS
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "country",
            "aspect",
            "verdict_a",
            "verdict_b",
            "differs",
            "evidence_a",
            "evidence_b",
            "changed_fields",
        ],
    )
