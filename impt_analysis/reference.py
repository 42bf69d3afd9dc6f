"""The 2010 report's published findings, as data (``data/reference/``).

Examples
--------
>>> from impt_analysis import reference_table
>>> reference_table().loc["DK", "local_input"]
'X'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .paths import shipped

__all__ = ["reference_table", "reference_path", "VERDICTS", "PRESENT", "PARTLY", "ABSENT", "ASPECTS"]

ASPECTS = ("coordination", "networks", "local_input")
#: The report's three verdicts on an aspect: present, partly or weak, absent.
PRESENT, PARTLY, ABSENT = "X", "(X)", "-"
VERDICTS = (PRESENT, PARTLY, ABSENT)


def reference_path() -> Path:
    """The folder of the reference data package (wheel or source checkout)."""
    folder = shipped("data/reference", "datapackage.json")
    if folder is None:
        raise FileNotFoundError("the reference data are not installed with impt_analysis")
    return folder


def reference_table(with_notes: bool = False) -> pd.DataFrame:
    """The published 2010 table of the three aspects, indexed by country.

    Parameters
    ----------
    with_notes : bool
        Add the ``note`` column recording where the report's prose disagrees with its table
        (DE, LT and LV for national co-ordination).

    Returns
    -------
    pandas.DataFrame
        Indexed by country code, columns ``coordination``, ``networks``, ``local_input`` with
        values ``X``, ``(X)`` or ``-`` (the same shape as :func:`impt_analysis.three_aspects`).

    Examples
    --------
    >>> reference_table().loc["LT"].tolist()
    ['(X)', '(X)', '-']
    """
    frame = pd.read_csv(reference_path() / "three_aspects_2010.csv", dtype=str, keep_default_na=False)
    frame = frame.set_index("country")
    frame["note"] = frame["note"].replace("", None)
    return frame if with_notes else frame[list(ASPECTS)]
