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
from .rules import AspectRules
from .reference import ASPECTS
from .study import Study
from .triangulation import triangulate

__all__ = ["compare_studies", "wave_indicators", "INDICATORS"]

# "not known" (a wave without flows for the country) has no rank: its change is "not known".
_VERDICT_RANK = {"-": 0, "(X)": 1, "X": 2, NOT_KNOWN: float("nan")}

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
        n_barriers = float("nan") if study.public else len(rows_in_country(study, study.barriers, country,
                                                                                "wave_indicators"))
        rows.append({
            "country": country,
            **{a: aspects.loc[country, a] for a in ASPECTS},
            "share_reaching": float(reached.mean()) if len(reached) else 0.0,
            "side_items": len(side_information(study, country, rules)),
            "triangulated_items": _triangulated_items(tri[tri["country"] == country]),
            "barriers_per_interview": n_barriers / n_interviews,
            "n_interviews": n_interviews,
        })
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
        The earlier and the later study; only countries present in both are compared.
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
    a, b = wave_indicators(before, rules), wave_indicators(after, rules)
    countries = [c for c in a.index if c in b.index]
    out = pd.DataFrame(index=pd.Index(countries, name="country"))
    better = pd.Series(0, index=out.index)
    worse = pd.Series(0, index=out.index)
    for aspect in ASPECTS:
        old, new = a.loc[countries, aspect], b.loc[countries, aspect]
        delta = new.map(_VERDICT_RANK) - old.map(_VERDICT_RANK)
        out[f"{aspect}_before"], out[f"{aspect}_after"] = old, new
        out[f"{aspect}_change"] = delta.map(lambda d: "not known" if pd.isna(d) else
                                            "improved" if d > 0 else "worse" if d < 0 else "same")
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
