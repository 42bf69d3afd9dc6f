"""What changed between two waves of a study: did the gaps close?

When the mapping is repeated in the same countries (a follow-up study), the questions become
whether national co-ordination, professional networks and local input improved, whether more
local and regional actors now reach co-ordination, whether less information stays on the
side, whether more is triangulated, and whether fewer barriers are named.

Examples
--------
>>> from impt_analysis import load_study, compare_studies
>>> from impt_analysis.demo import generate_study
>>> change = compare_studies(load_study(), generate_study(wave=2))
>>> change.loc["EE", ["coordination_before", "coordination_after", "coordination_change"]].tolist()
['(X)', 'X', 'improved']
"""

from __future__ import annotations

import pandas as pd

from .barriers import rows_in_country
from .coordination import NOT_KNOWN, three_aspects
from .reach import reach, side_information
from .reference import ABSENT, ASPECTS, PARTLY, PRESENT
from .rules import AspectRules, rules_or_default
from .study import Study
from .triangulation import triangulate

__all__ = ["compare_studies", "wave_indicators", "check_wave_order", "wave_changes", "INDICATORS"]

# "not known" (a wave without flows for the country) has no rank: its change is "not known".
_VERDICT_RANK = {ABSENT: 0, PARTLY: 1, PRESENT: 2, NOT_KNOWN: float("nan")}

#: The numeric indicators compared, and whether a higher value is better.
INDICATORS = {
    "share_reaching": True,
    "side_items": False,
    "triangulated_items": True,
    "barriers_per_interview": False,
}


def wave_indicators(study: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """The indicators compared between waves, per country of one study.

    Returns
    -------
    pandas.DataFrame
        Indexed by country: the three aspects, ``share_reaching`` (share of local and
        regional actors with a path to co-ordination, :func:`~impt_analysis.reach`),
        ``side_items`` (:func:`~impt_analysis.side_information`), ``triangulated_items``
        (:func:`~impt_analysis.triangulate`), ``barriers_per_interview`` (barrier rows per
        interview) and ``n_interviews``. In a public export ``barriers_per_interview`` is
        missing (NaN): its barrier rows name groups of interviews, each distinct row once, so
        they cannot be counted per interview. ``triangulated_items`` is missing for a
        country with an item whose status is unknown (in a selection of a public export).
    """
    aspects = three_aspects(study, rules)
    tri = triangulate(study)
    rows = []
    for country in study.countries:
        reached = reach(study, country, rules)["reaches"]
        n_interviews = len(rows_in_country(study, study.interviews, country, "wave_indicators"))
        # A public export's barrier rows are distinct rows of groups of interviews: not countable per interview.
        n_barriers = (
            float("nan")
            if study.public
            else len(rows_in_country(study, study.barriers, country, "wave_indicators"))
        )
        rows.append(
            {
                "country": country,
                **{a: aspects.loc[country, a] for a in ASPECTS},
                "share_reaching": float(reached.mean()) if len(reached) else 0.0,
                "side_items": len(side_information(study, country, rules)),
                "triangulated_items": _triangulated_items(tri[tri["country"] == country]),
                "barriers_per_interview": n_barriers / n_interviews,
                "n_interviews": n_interviews,
            }
        )
    return pd.DataFrame(rows).set_index("country")


def _triangulated_items(tri: pd.DataFrame) -> int | float:
    """Items triangulated; NaN when the status of some is unknown (a count would understate)."""
    if tri["status"].isna().any():
        return float("nan")
    return int((tri["status"] == "triangulated").sum())


def compare_studies(before: Study, after: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """Compare two waves country by country: the three aspects and the indicators, with the change.

    Parameters
    ----------
    before, after : Study
        The earlier and the later study, in that order (:func:`check_wave_order` raises a
        ``ValueError`` when they are the wrong way round); only countries present in both are
        compared.
    rules : AspectRules, optional
        The same rules are applied to both waves.

    Returns
    -------
    pandas.DataFrame
        Indexed by country. For each aspect: ``<aspect>_before``, ``<aspect>_after`` and
        ``<aspect>_change`` (``improved``, ``worse`` or ``same``, with ``-`` < ``(X)`` < ``X``;
        ``not known`` when either wave's verdict is, counted neither way).
        For each indicator (``share_reaching``, ``side_items``, ``triangulated_items``,
        ``barriers_per_interview``): ``_before``, ``_after`` and ``_change`` (after minus
        before; for side items and barriers a fall is an improvement). ``improved`` counts the
        aspects and indicators that got better, ``worse`` those that got worse; an indicator
        missing in either wave (see :func:`wave_indicators`) has a missing change and counts
        in neither.
    """
    check_wave_order(before, after)
    a, b = wave_indicators(before, rules), wave_indicators(after, rules)
    countries = [c for c in a.index if c in b.index]
    out = pd.DataFrame(index=pd.Index(countries, name="country"))
    better = pd.Series(0, index=out.index)
    worse = pd.Series(0, index=out.index)
    for aspect in ASPECTS:
        old, new = a.loc[countries, aspect], b.loc[countries, aspect]
        delta = new.map(_VERDICT_RANK) - old.map(_VERDICT_RANK)
        out[f"{aspect}_before"], out[f"{aspect}_after"] = old, new
        out[f"{aspect}_change"] = delta.map(
            lambda d: "not known" if pd.isna(d) else "improved" if d > 0 else "worse" if d < 0 else "same"
        )
        better += delta > 0
        worse += delta < 0
    for name, higher_is_better in INDICATORS.items():
        old, new = a.loc[countries, name], b.loc[countries, name]
        out[f"{name}_before"], out[f"{name}_after"], out[f"{name}_change"] = old, new, new - old
        gain = (new - old) if higher_is_better else (old - new)
        better += gain > 1e-12
        worse += gain < -1e-12
    out["improved"], out["worse"] = better, worse
    return out


def _wave_number(study: Study):
    """The package's ``wave`` field (or the demo generator's), None when it has none."""
    wave = study.meta.get("wave", (study.meta.get("impt:generator") or {}).get("wave"))
    return None if wave is None or isinstance(wave, bool) else int(wave)


def _first_interview(study: Study):
    """The earliest interview date (a public export: the earliest year, as 1 January), or None."""
    interviews = study.interviews
    if "date" in interviews.columns and interviews["date"].notna().any():
        return pd.Timestamp(interviews["date"].min())
    if "year" in interviews.columns and interviews["year"].notna().any():
        return pd.Timestamp(year=int(interviews["year"].min()), month=1, day=1)
    return None


def check_wave_order(before: Study, after: Study) -> None:
    """Raise a ``ValueError`` when ``before`` is the later wave: swapping the waves would
    silently invert every "improved" and "worse".

    The earlier wave is the one with the smaller ``wave`` field of its package, when both
    have one and they differ; otherwise the one whose interviews start earlier (the earliest
    interview date, or year in a public export). Waves that cannot be told apart (the same
    wave number and first date, or no dates) pass. Against a public export, which gives
    years only, the years are compared.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> from impt_analysis.demo import generate_study
    >>> check_wave_order(load_study(), generate_study(wave=2))  # passes
    >>> check_wave_order(generate_study(wave=2), load_study())
    Traceback (most recent call last):
    ...
    ValueError: compare_studies(before, after): the first study is the later wave (wave 2 against wave 1): pass the earlier wave first
    """
    wa, wb = _wave_number(before), _wave_number(after)
    if wa is not None and wb is not None and wa != wb:
        if wa > wb:
            raise ValueError(
                f"compare_studies(before, after): the first study is the later wave (wave {wa} against "
                f"wave {wb}): pass the earlier wave first"
            )
        return
    da, db = _first_interview(before), _first_interview(after)
    if da is None or db is None:
        return
    # A public export gives years only: then compare years (a date within the year is no later).
    by_year = "date" not in before.interviews.columns or "date" not in after.interviews.columns
    if (da.year > db.year) if by_year else (da > db):
        shown = (lambda d: d.year) if by_year else (lambda d: d.date())
        raise ValueError(
            f"compare_studies(before, after): the first study is the later wave (its interviews start "
            f"{shown(da)}, the second's {shown(db)}): pass the earlier wave first"
        )


WAVE_CHANGE_COLUMNS = [
    "country",
    "kind",
    "change",
    "source",
    "target",
    "before",
    "after",
    "flows_before",
    "flows_after",
    "verdicts_changed",
]


def _apply(G0, G1, u, v, change):
    """The earlier wave's flow graph with one tie's change from the later wave applied."""
    H = G0.copy()
    if change == "disappeared":
        H.remove_edge(u, v)
        return H
    for n in (u, v):
        if n not in H:
            H.add_node(n, **G1.nodes[n])
    H.add_edge(u, v, **G1.edges[u, v])
    return H


def _tie_changes(before: Study, after: Study, country: str, rules) -> list[dict]:
    from .coordination import country_aspects
    from .graph import flow_graph

    G0, G1 = flow_graph(before, country), flow_graph(after, country)
    base = country_aspects(G0, country, rules)
    rows = []
    for u, v in sorted(set(G0.edges) | set(G1.edges)):
        old = G0.edges[u, v]["frequency"] if G0.has_edge(u, v) else None
        new = G1.edges[u, v]["frequency"] if G1.has_edge(u, v) else None
        if old == new:
            continue
        change = "appeared" if old is None else "disappeared" if new is None else "frequency"
        moved = country_aspects(_apply(G0, G1, u, v, change), country, rules)
        rows.append(
            {
                "country": country,
                "kind": "flow",
                "change": change,
                "source": u,
                "target": v,
                "before": old,
                "after": new,
                "flows_before": list(G0.edges[u, v]["flow_ids"]) if G0.has_edge(u, v) else [],
                "flows_after": list(G1.edges[u, v]["flow_ids"]) if G1.has_edge(u, v) else [],
                "verdicts_changed": [a for a in ASPECTS if moved[a] != base[a]],
            }
        )
    return rows


def _known(study: Study, country: str) -> dict:
    from .codebook import verification_order

    items = set(study.items.loc[study.items["country"].astype(object) == country, "item_id"])
    k = study.knowledge[study.knowledge["item_id"].isin(items)]
    rank = {v: i for i, v in enumerate(verification_order(study.codebook))}
    out: dict = {}
    for actor, item, verification in zip(k["actor_id"], k["item_id"], k["verification"].astype(object)):
        best = out.get((actor, item))
        if best is None or rank.get(verification, -1) > rank.get(best, -1):
            out[(actor, item)] = verification
    return out


def wave_changes(before: Study, after: Study, rules: AspectRules | None = None) -> pd.DataFrame:
    """What changed between two waves, flow by flow and item by item, per country, and which
    verdicts each change moves.

    A *tie* (an ordered pair of actors with flows, :func:`~impt_analysis.graph.flow_graph`)
    *appeared*, *disappeared*, or changed ``frequency`` (regular / ad hoc); a *knowledge* pair
    (actor, item: who is reported to know what) appeared, disappeared or changed its strongest
    ``verification``. Actors and items are matched by id across the waves. For each tie change,
    ``verdicts_changed`` lists the aspects whose verdict moves when that change alone is
    applied to the earlier wave (knowledge does not enter the verdicts: always empty).

    Parameters
    ----------
    before, after : Study
        The earlier and the later wave, in that order (:func:`check_wave_order`).
    rules : AspectRules, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``country``, ``kind`` ("flow" or "knowledge"), ``change``, ``source`` and
        ``target`` (the tie's actors; for knowledge the actor and the item), ``before`` and
        ``after`` (frequency or verification; None where absent), ``flows_before`` and
        ``flows_after`` (the tie's flow ids in each wave; empty for knowledge),
        ``verdicts_changed``; only
        countries present in both waves, ties first.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> from impt_analysis.demo import generate_study
    >>> changes = wave_changes(load_study(), generate_study(wave=2))
    >>> sorted(set(changes["kind"]))
    ['flow', 'knowledge']
    """
    check_wave_order(before, after)
    rules = rules_or_default(rules)
    countries = [c for c in before.countries if c in after.countries]
    rows = []
    for country in countries:
        rows += _tie_changes(before, after, country, rules)
        k0, k1 = _known(before, country), _known(after, country)
        for actor, item in sorted(set(k0) | set(k1)):
            old, new = k0.get((actor, item)), k1.get((actor, item))
            if old != new:
                change = "appeared" if old is None else "disappeared" if new is None else "verification"
                rows.append(
                    {
                        "country": country,
                        "kind": "knowledge",
                        "change": change,
                        "source": actor,
                        "target": item,
                        "before": old,
                        "after": new,
                        "flows_before": [],
                        "flows_after": [],
                        "verdicts_changed": [],
                    }
                )
    out = pd.DataFrame(rows, columns=WAVE_CHANGE_COLUMNS)
    return out.sort_values(["country", "kind"], kind="stable").reset_index(drop=True)
