"""The rules that turn a country's flows into verdicts, and who counts as co-ordination.

Every threshold of the three aspects is a field of :class:`AspectRules`; the functions of
:mod:`impt_analysis.coordination` and :mod:`impt_analysis.reach` take one (the default rules
when omitted). ``docs/methods.md`` describes them.

Examples
--------
>>> from dataclasses import replace
>>> replace(AspectRules(), min_sectors=2).min_sectors
2
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import networkx as nx

from .reference import ABSENT, PARTLY

__all__ = ["AspectRules", "rules_or_default", "home_actors", "coordination_actors", "judged_graph"]


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
        Local input: follow regular flows only when looking for paths to co-ordination (the
        report's "feeding"; ``False``, the first reading, follows flows of any frequency).
    coordination_home_senders_only : bool
        Count only senders of the country's own actors towards ``min_sectors`` (``False``, the
        first reading, also counts foreign and international senders).
    network_either_direction : bool
        A network is consulted by a regular flow between it and a coordination actor in either
        direction, whichever side sends (``False``, the first reading: network -> co-ordination only).
    network_without_contact : str
        The verdict when the country's networks have no contact at all with co-ordination (nor
        is there any coordination actor): ``"-"``, not consulted (the first reading gave ``"(X)"``).
    reach_within_country : bool
        Paths of local input run through the country's own actors only (``False``, the first
        reading, also through foreign and international actors).
    reach_carries_item : bool
        Where flows name items, a path must carry one item (or information in general, a flow
        naming no item) all the way (``False``, the first reading: any flows).
    reach_via_passing_ncp : bool
        Local input counts when it ends at the national co-ordinator, or at a coordination
        actor of another kind (a contact point) that itself passes information to it along the
        followed flows; where the country has no national co-ordinator, at any coordination
        actor (``False``, the first reading: at any coordination actor).
    min_informants : int
        A tie (an ordered pair of actors) counts only when at least this many interviews report
        a flow of it (``n_interviews`` of :func:`~impt_analysis.graph.flow_graph`): 1, either
        end's report is enough; 2 asks for confirmation by a second informant (Krackhardt's
        locally aggregated structure, "both ends report it", read as two interviews).

    The first readings of the workbench (before the defaults followed the report's words) are
    :meth:`first_reading`; :func:`~impt_analysis.coordination.compare_rules` shows which cells
    two sets of rules judge differently.
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
    reach_regular_only: bool = True
    coordination_home_senders_only: bool = True
    network_either_direction: bool = True
    network_without_contact: str = ABSENT
    reach_within_country: bool = True
    reach_carries_item: bool = True
    reach_via_passing_ncp: bool = True
    min_informants: int = 1

    @classmethod
    def first_reading(cls, **changes) -> AspectRules:
        """The rules as the workbench first read the report (kept so results can be compared).

        Any flow frequency and any path (through foreign actors, to any coordination actor,
        whatever it carries) counts as feeding; foreign senders count towards co-ordination's
        sectors; networks are consulted only by network -> co-ordination flows, and a network
        with no contact is ``(X)``.

        Examples
        --------
        >>> AspectRules.first_reading().reach_regular_only
        False
        """
        old = dict(
            reach_regular_only=False,
            coordination_home_senders_only=False,
            network_either_direction=False,
            network_without_contact=PARTLY,
            reach_within_country=False,
            reach_carries_item=False,
            reach_via_passing_ncp=False,
        )
        return cls(**{**old, **changes})

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
        if self.network_without_contact not in (ABSENT, PARTLY):
            raise ValueError(
                f"AspectRules.network_without_contact must be '-' or '(X)', got {self.network_without_contact!r}"
            )
        if not (isinstance(self.min_informants, int) and self.min_informants >= 1):
            raise ValueError(
                f"AspectRules.min_informants must be a positive integer, got {self.min_informants!r}"
            )
        if not (isinstance(self.local_min_reaching, int) and self.local_min_reaching >= 1):
            raise ValueError(
                f"AspectRules.local_min_reaching must be a positive integer, got {self.local_min_reaching!r}"
            )


def rules_or_default(rules: AspectRules | None) -> AspectRules:
    if rules is None:
        return AspectRules()
    if not isinstance(rules, AspectRules):
        raise TypeError(f"rules must be an AspectRules, got {type(rules).__name__}")
    return rules


def judged_graph(G: nx.DiGraph, rules: AspectRules) -> nx.DiGraph:
    """The flow graph the rules judge: every actor, and the ties reported by at least
    ``rules.min_informants`` interviews (G itself when that is 1)."""
    if rules.min_informants <= 1:
        return G
    H = nx.DiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(
        (u, v, d) for u, v, d in G.edges(data=True) if d.get("n_interviews", 1) >= rules.min_informants
    )
    return H


def home_actors(G: nx.DiGraph, country: str, kinds=None, levels=None) -> list[str]:
    """The country's own actors in G (optionally of some kinds or levels), in node order."""
    return [
        n
        for n, d in G.nodes(data=True)
        if d.get("country") == country
        and (kinds is None or d.get("kind") in kinds)
        and (levels is None or d.get("level") in levels)
    ]


def coordination_actors(G: nx.DiGraph, country: str, rules: AspectRules | None = None) -> list[str]:
    """The country's coordination actors in a flow graph: its actors of a coordination kind.

    Examples
    --------
    >>> from impt_analysis import load_study, flow_graph
    >>> coordination_actors(flow_graph(load_study(), "DE"), "DE")
    ['DE-A001']
    """
    return home_actors(G, country, kinds=rules_or_default(rules).coordination_kinds)
