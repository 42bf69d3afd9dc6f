"""How sure is each verdict? Leave one interview or one flow out, and say what it rests on.

With six or seven interviews per country a verdict of the three aspects can hang on a single
reported flow or a single interview. :func:`verdict_stability` judges each country again
without each interview in turn (every row it reported) and without each flow row in turn,
and calls a verdict *robust* when no single removal changes it, or says which interviews and
flows it *rests on*, named. It also says the *margin* in words: how many more sectors or
reaching actors the next verdict up would need, and how many could be lost before it falls.

Leaving one out is the jackknife of the verdicts (Quenouille 1949, Tukey 1958): it asks
whether the finding survives losing any one source, not how likely it is.

Examples
--------
>>> from impt_analysis import load_study
>>> table = verdict_stability(load_study(), countries=["DK"])
>>> table[["aspect", "verdict"]].values.tolist()
[['coordination', 'X'], ['networks', 'X'], ['local_input', 'X']]
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import pandas as pd

from .coordination import NOT_KNOWN, _consultations, coordinator_sectors, country_aspects, local_input_counts
from .graph import _country_parts, flow_graph
from .reach import reach_table
from .reference import ASPECTS, PARTLY
from .rules import AspectRules, coordination_actors, home_actors, judged_graph, rules_or_default
from .study import Study, interview_column

__all__ = ["verdict_stability", "verdict_margin", "stability_counts", "tie_informants", "STABILITY_COLUMNS"]

STABILITY_COLUMNS = [
    "country",
    "aspect",
    "verdict",
    "stability",
    "interviews",
    "flows",
    "without",
    "n_interviews_tested",
    "n_flows_tested",
    "margin",
    "summary",
]


def _without(study: Study, flows: pd.DataFrame, country: str, rules: AspectRules) -> dict[str, str]:
    return country_aspects(flow_graph(replace(study, flows=flows), country), country, rules)


def _plural(n: int, word: str) -> str:
    return f"{'one' if n == 1 else n} {word}{'s' * (n != 1)}"


def verdict_stability(study: Study, rules: AspectRules | None = None, *, countries=None) -> pd.DataFrame:
    """Each verdict of :func:`~impt_analysis.three_aspects` with each single interview left out
    and each single flow row removed.

    The country's flows are those of its :func:`~impt_analysis.graph.flow_graph` (at least one
    end is the country's actor). Leaving an interview out removes every flow it reported (its
    knowledge and barrier rows do not enter the verdicts); the interviews tested are the
    country's own and any other that reported one of its flows. In a public export, whose rows
    name a group of interviews (``interview_group``), the unit left out is the group.

    Parameters
    ----------
    study : Study
    rules : AspectRules, optional
        The rules of the verdicts (the defaults when omitted).
    countries : list of str, optional
        Only these countries (default: every country of the study).

    Returns
    -------
    pandas.DataFrame
        One row per country and aspect (in :data:`~impt_analysis.reference.ASPECTS` order):
        ``verdict``; ``stability`` ("robust", "rests on", or "not known" when the verdict is);
        ``interviews`` and ``flows``: the interviews (groups) and flow ids whose removal alone
        changes the verdict (sorted lists); ``without``: each of those -> the verdict without
        it; ``n_interviews_tested`` and ``n_flows_tested``; ``margin`` (:func:`verdict_margin`)
        and ``summary``, e.g. "X, rests on one flow: F012 from interview DK-I03 (without it (X))".

    Raises
    ------
    UnknownCountryError
        A ``ValueError``, for a country none of the study's interviews is from
        (:meth:`~impt_analysis.study.Study.check_country`).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> row = verdict_stability(load_study(), countries=["DK"]).iloc[0]
    >>> row["stability"] in ("robust", "rests on")
    True
    """
    rules = rules_or_default(rules)
    if countries is None:
        chosen = study.countries
    else:
        chosen = [study.check_country(c, caller="verdict_stability") for c in countries]
    key = interview_column(study.flows)
    unit = "interview group" if key != "interview_id" else "interview"
    rows = []
    for country in chosen:
        _, _, flows, _ = _country_parts(study, country, "verdict_stability")
        mine = replace(study, flows=flows)
        G = flow_graph(mine, country)
        base = country_aspects(G, country, rules)
        own = study.interviews.loc[study.interviews["country"].astype(object) == country, key]
        units = sorted(set(own.astype(str)) | set(flows[key].astype(str)))
        by_unit = {u: _without(mine, flows[flows[key].astype(str) != u], country, rules) for u in units}
        by_flow = {f: _without(mine, flows[flows["flow_id"] != f], country, rules) for f in flows["flow_id"]}
        reporter = dict(zip(flows["flow_id"], flows[key].astype(str)))
        for aspect in ASPECTS:
            verdict = base[aspect]
            hung_units = sorted(u for u, v in by_unit.items() if v[aspect] != verdict)
            hung_flows = sorted(f for f, v in by_flow.items() if v[aspect] != verdict)
            without = {
                **{u: by_unit[u][aspect] for u in hung_units},
                **{f: by_flow[f][aspect] for f in hung_flows},
            }
            stability = NOT_KNOWN if verdict == NOT_KNOWN else "rests on" if without else "robust"
            rows.append(
                {
                    "country": country,
                    "aspect": aspect,
                    "verdict": verdict,
                    "stability": stability,
                    "interviews": hung_units,
                    "flows": hung_flows,
                    "without": without,
                    "n_interviews_tested": len(units),
                    "n_flows_tested": len(by_flow),
                    "margin": verdict_margin(G, country, aspect, verdict, rules),
                    "summary": _summary(verdict, stability, hung_units, hung_flows, without, reporter, unit),
                }
            )
    return pd.DataFrame(rows, columns=STABILITY_COLUMNS)


def _summary(verdict, stability, units, flows, without, reporter, unit) -> str:
    if stability != "rests on":
        return f"{verdict}, {stability}" if stability == "robust" else f"{NOT_KNOWN}: no flows coded"
    parts = []
    if flows:
        listed = ", ".join(f"{f} from {unit} {reporter[f]} (without it {without[f]})" for f in flows)
        parts.append(f"{_plural(len(flows), 'flow')}: {listed}")
    if units:
        listed = ", ".join(f"{u} (without it {without[u]})" for u in units)
        parts.append(f"{_plural(len(units), unit)}: {listed}")
    return f"{verdict}, rests on " + "; and on ".join(parts)


def verdict_margin(
    G: nx.DiGraph, country: str, aspect: str, verdict: str, rules: AspectRules | None = None
) -> str:
    """The margin of a verdict in words: what the next verdict up would need, and how much
    could be lost before this one falls.

    Examples
    --------
    >>> from impt_analysis import load_study, flow_graph
    >>> verdict_margin(flow_graph(load_study(), "LT"), "LT", "local_input", "-")
    '0 of 10 local and regional actors feed co-ordination: (X) needs 1 more, X needs 5.'
    """
    rules = rules_or_default(rules)
    if verdict == NOT_KNOWN:
        return "no flows are coded, so there is no margin to state."
    G = judged_graph(G, rules)
    if aspect == "coordination":
        return _coordination_margin(G, country, verdict, rules)
    if aspect == "networks":
        return _networks_margin(G, country, verdict, rules)
    if aspect == "local_input":
        return _local_margin(G, country, verdict, rules)
    raise ValueError(f"verdict_margin: unknown aspect {aspect!r} (one of {', '.join(ASPECTS)})")


def _coordination_margin(G, country, verdict, rules) -> str:
    best = coordinator_sectors(G, country, rules)
    need = rules.min_sectors
    if best is None:
        if verdict == PARTLY:
            return f"no national co-ordinator: X needs one fed by regular flows from {need} sectors."
        return (
            "no national co-ordinator or contact point: (X) needs one, X a co-ordinator fed by "
            f"{need} sectors."
        )
    n = len(best[1])
    if n >= need:
        spare = n - need
        return (
            f"{n} sectors feed the co-ordinator, {spare} more than the {need} needed"
            if spare
            else f"exactly the {need} sectors needed: losing any one gives (X)"
        ) + "."
    return f"{n} of the {need} sectors needed: X needs {need - n} more."


def _networks_margin(G, country, verdict, rules) -> str:
    networks = home_actors(G, country, kinds=rules.network_kinds)
    if not networks:
        return "no professional network among the country's actors: X needs one with a regular tie to co-ordination."
    targets = coordination_actors(G, country, rules)
    strong = [
        t
        for n in networks
        for t in _consultations(G, n, targets, rules)
        if t[2]["regular"] or not rules.network_regular_only
    ]
    if strong:
        k = len(strong)
        reports = sum(d["n_flows"] for _, _, d in strong)
        informants = sum(d.get("n_interviews", 1) for _, _, d in strong)
        return (
            f"{_plural(k, 'regular tie')} between networks and co-ordination "
            f"({_plural(reports, 'flow row')}, {_plural(informants, 'informant')})"
            + (": X stands while this tie does." if k == 1 else f": {k - 1} could be lost and X would stand.")
        )
    if verdict == PARTLY:
        return "networks are in contact with co-ordination, but not regularly: X needs one regular tie."
    return "no contact between networks and co-ordination: (X) needs any, X a regular tie."


def _local_margin(G, country, verdict, rules) -> str:
    levels = " and ".join(rules.local_levels)
    if not coordination_actors(G, country, rules):
        return "there is no coordination actor to feed: X or (X) needs one, and local actors feeding it."
    table = reach_table(G, country, rules)
    yes, n, needed = local_input_counts(table, rules)
    if n == 0:
        return f"the country has no {levels} actors."
    head = f"{yes} of {n} {levels} actors feed co-ordination"
    if yes >= needed:
        spare = yes - needed
        return f"{head}, {spare} more than the {needed} needed for X" + (
            "." if spare else ": losing one gives (X)."
        )
    if yes >= rules.local_min_reaching:
        return f"{head}: X needs {needed - yes} more."
    return f"{head}: (X) needs {rules.local_min_reaching - yes} more, X needs {needed}."


def stability_counts(stability: pd.DataFrame) -> dict[str, int]:
    """The figures of a :func:`verdict_stability` table: cells judged, robust, resting on one
    flow or on one interview (group), and not known.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> sorted(stability_counts(verdict_stability(load_study(), countries=["DK"])))
    ['cells', 'not_known', 'rests_on_a_flow', 'rests_on_an_interview', 'robust']
    """
    s = stability
    return {
        "cells": len(s),
        "robust": int((s["stability"] == "robust").sum()),
        "rests_on_a_flow": int(s["flows"].map(bool).sum()),
        "rests_on_an_interview": int(s["interviews"].map(bool).sum()),
        "not_known": int((s["stability"] == NOT_KNOWN).sum()),
    }


def tie_informants(study: Study) -> pd.DataFrame:
    """How many of each country's ties rest on one informant.

    A tie is an ordered pair of actors with flows in the country's
    :func:`~impt_analysis.graph.flow_graph`; its informants are the distinct interviews
    reporting a flow of it (``n_interviews``; in a public export the groups of interviews, so
    a lower bound). ``AspectRules(min_informants=2)`` judges only the confirmed ones.

    Returns
    -------
    pandas.DataFrame
        Indexed by country: ``ties``, ``one_informant`` (ties reported by a single
        interview), ``confirmed`` (by two or more) and ``share_one_informant`` (NaN without ties).

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> t = tie_informants(load_study())
    >>> bool((t["one_informant"] + t["confirmed"] == t["ties"]).all())
    True
    """
    rows = []
    for country in study.countries:
        n = [d.get("n_interviews", 1) for _, _, d in flow_graph(study, country).edges(data=True)]
        one = sum(1 for k in n if k <= 1)
        rows.append(
            {
                "country": country,
                "ties": len(n),
                "one_informant": one,
                "confirmed": len(n) - one,
                "share_one_informant": one / len(n) if n else float("nan"),
            }
        )
    return pd.DataFrame(
        rows, columns=["country", "ties", "one_informant", "confirmed", "share_one_informant"]
    ).set_index("country")
