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

__all__ = ["AspectRules", "rules_or_default", "home_actors", "coordination_actors"]


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


def rules_or_default(rules: AspectRules | None) -> AspectRules:
    if rules is None:
        return AspectRules()
    if not isinstance(rules, AspectRules):
        raise TypeError(f"rules must be an AspectRules, got {type(rules).__name__}")
    return rules



def home_actors(G: nx.DiGraph, country: str, kinds=None, levels=None) -> list[str]:
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
    return home_actors(G, country, kinds=rules_or_default(rules).coordination_kinds)


