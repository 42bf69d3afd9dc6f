"""How reliable is the coding? Inter-coder agreement on segments coded by two or more coders.

When a consultant and a university (or two members of a team) code the same interview
segments, the study's findings are only as good as their agreement. For each segment that two
or more coders coded, each coder either applied a code or did not; this module compares those
decisions per code (or pooled over all codes) with three measures:

* **percent agreement**: the share of pairs of coders, over all segments, who made the same
  decision (for two coders, the share of segments on which they agree);
* **Cohen's kappa** [1]_: agreement corrected for chance, for exactly two coders
  (:func:`sklearn.metrics.cohen_kappa_score`);
* **Krippendorff's alpha** [2]_ (nominal): agreement corrected for chance for any number of
  coders, with segments that not every coder coded (:func:`krippendorff.alpha`).

Kappa and alpha are undefined (NaN) when every decision is the same, since chance then
explains everything; kappa is also NaN with more than two coders.

References
----------
.. [1] Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
   Psychological Measurement* 20(1), 37-46.
.. [2] Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
   https://repository.upenn.edu/asc_papers/43

Examples
--------
>>> import impt_analysis as impt
>>> table = impt.agreement(impt.load_study())
>>> list(table.columns)
['code', 'n_segments', 'n_coded', 'n_coders', 'percent_agreement', 'cohen_kappa', 'krippendorff_alpha']
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from .study import Study, interview_column

__all__ = ["agreement", "double_coded"]

#: What a public export's group of interviews has one value of (so its codings can be pooled by it).
_GROUP_ATTRIBUTES = ("country", "year", "sector", "level", "interview_group")
COLUMNS = ["n_segments", "n_coded", "n_coders", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]
# A segment is identified by its interview (in a public export, its group of interviews) and segment_id.
def _segment(codings: pd.DataFrame) -> list[str]:
    return [interview_column(codings), "segment_id"]


def double_coded(study: Study) -> pd.DataFrame:
    """The codings of segments that two or more coders coded.

    A segment is identified by its interview and ``segment_id``.

    Examples
    --------
    >>> from impt_analysis import load_study
    >>> double_coded(load_study())["coder"].nunique()
    2
    """
    codings = study.codings
    coders = codings.groupby(_segment(codings), observed=True)["coder"].transform("nunique")
    return codings[coders >= 2].reset_index(drop=True)


def agreement(study: Study, by: str | None = "code") -> pd.DataFrame:
    """Inter-coder agreement on the segments coded by two or more coders.

    Each coder's decision on a segment is whether they applied the code. Segments that only
    one coder coded are left out: there is nothing to compare.

    Parameters
    ----------
    study : Study
    by : {"code", None} or a column of ``interviews`` (e.g. ``"country"``)
        ``"code"``: one row per code applied to a double-coded segment, its units being all
        double-coded segments. Otherwise the decisions on every (segment, code) pair are
        pooled: over the whole study (``None``) or per value of an interview column (in a
        public export, one its groups of interviews share: ``country``, ``year``,
        ``sector``, ``level`` or ``interview_group``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_segments`` (double-coded segments), ``n_coded`` (segments,
        or when pooled (segment, code) pairs, on which at least one coder applied the code),
        ``n_coders``, ``percent_agreement`` (0 to 1), ``cohen_kappa`` (NaN unless exactly
        two coders), ``krippendorff_alpha``. Pooled rows take every code applied to a
        double-coded segment of the group, on every such segment.

    Examples
    --------
    >>> import impt_analysis as impt
    >>> table = impt.agreement(impt.load_study())
    >>> bool((table["n_coders"] == 2).all())
    True
    """
    if by is not None and by != "code" and by not in study.interviews.columns:
        raise ValueError(f"by must be 'code', None or a column of interviews, not {by!r}")
    codings = double_coded(study)
    key = interview_column(study.codings)
    if by is not None and by != "code" and key != "interview_id" and by not in _GROUP_ATTRIBUTES:
        raise ValueError(f"agreement: a public export's codings name groups of interviews, so they cannot be "
                         f"pooled by {by!r}; use one of {', '.join(_GROUP_ATTRIBUTES)}")
    segment = _segment(codings)
    # Segments x coders: True where the coder coded the segment (with any code).
    coded = codings.groupby(segment + ["coder"], observed=True).size().unstack("coder").notna()
    if by == "code":
        rows = [{"code": code, **_measures(_ratings(group, coded))}
                for code, group in codings.groupby("code", observed=True, sort=True)]
        return pd.DataFrame(rows, columns=["code"] + COLUMNS)
    label = "group" if by is None else by
    if by is None:
        groups = {"all": coded}
    else:
        of_interview = study.interviews.drop_duplicates(key).set_index(key)[by]
        of_segment = coded.index.get_level_values(key).map(of_interview)
        groups = {value: coded[of_segment == value] for value in sorted(of_segment.unique(), key=str)}
    rows = []
    for value, segments in groups.items():
        inside = codings.set_index(segment).index.isin(segments.index)
        ratings = np.vstack([np.empty((0, segments.shape[1]))] + [
            _ratings(group, segments) for _, group in codings[inside].groupby("code", observed=True, sort=True)])
        rows.append({label: value, **_measures(ratings), "n_segments": len(segments)})
    return pd.DataFrame(rows, columns=[label] + COLUMNS)


def _ratings(codings: pd.DataFrame, coded: pd.DataFrame) -> np.ndarray:
    """Segments x coders for one code: 1 applied it, 0 coded the segment otherwise, NaN did not code it."""
    applied = (codings.groupby(_segment(codings) + ["coder"], observed=True).size().unstack("coder")
               .reindex(index=coded.index, columns=coded.columns).notna())
    return np.where(coded.to_numpy(), applied.to_numpy(dtype=float), np.nan)


def _measures(data: np.ndarray) -> dict:
    rated = ~np.isnan(data)
    n_coders = int(rated.any(axis=0).sum())
    agree = pairs = 0
    for a, b in combinations(range(data.shape[1]), 2):
        both = rated[:, a] & rated[:, b]
        pairs += int(both.sum())
        agree += int((data[both, a] == data[both, b]).sum())
    kappa = alpha = float("nan")
    if len(np.unique(data[rated])) > 1:
        import krippendorff

        alpha = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal"))
        if n_coders == 2:
            from sklearn.metrics import cohen_kappa_score

            a, b = np.flatnonzero(rated.any(axis=0))
            both = rated[:, a] & rated[:, b]
            kappa = float(cohen_kappa_score(data[both, a], data[both, b]))
    return {"n_segments": int(rated.any(axis=1).sum()), "n_coded": int((data == 1).any(axis=1).sum()),
            "n_coders": n_coders, "percent_agreement": agree / pairs if pairs else float("nan"),
            "cohen_kappa": kappa, "krippendorff_alpha": alpha}
