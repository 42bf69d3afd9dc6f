"""Helpers for the report notebooks: parameter checks, display set-up and public-safe tables.

The notebooks stay thin stories; what they share lives here so that it is tested once.

Examples
--------
>>> from impt_analysis.notebook import check_parameters
>>> check_parameters(country="DK", countries=["DK", "SE"])
'DK'
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pandas as pd

from .study import Study, load_study

__all__ = ["check_parameters", "open_study", "setup", "public_table", "report_html", "synthetic_banner"]


def check_parameters(country=None, data=None, include_excerpts=False, public=False, countries=None,
                     allow_all=False) -> str | None:
    """Check a notebook's parameters at once, with a clear error naming the bad one.

    Parameters
    ----------
    country : str, optional
        An ISO country code present in the study, or ``"ALL"`` when ``allow_all``.
    data : str or None
        A study folder, or None for the synthetic demonstration study.
    include_excerpts, public : bool
    countries : list of str, optional
        The countries of the study; when given, ``country`` must be one of them.

    Returns
    -------
    str or None
        The country code, upper-cased.

    Examples
    --------
    >>> check_parameters(country="ALL", countries=["DK"], allow_all=True)
    'ALL'
    """
    if data is not None and not isinstance(data, (str, Path)):
        raise TypeError(f"parameter data must be a path (str) or None, not {type(data).__name__}")
    for name, value in (("include_excerpts", include_excerpts), ("public", public)):
        if not isinstance(value, bool):
            raise TypeError(f"parameter {name} must be True or False, not {value!r}")
    if country is None:
        return None
    if not isinstance(country, str):
        raise TypeError(f"parameter country must be a country code (str), not {type(country).__name__}")
    code = country.strip().upper()
    if allow_all and code == "ALL":
        return code
    if countries is not None and code not in countries:
        extra = ' or "ALL"' if allow_all else ""
        raise ValueError(f"unknown country code {country!r}: the study has {', '.join(countries)}{extra}")
    return code


def open_study(data: str | Path | None) -> Study:
    """Load the study a notebook is parameterised with (None: the synthetic demonstration study)."""
    return load_study(data)


def setup(public: bool = False) -> None:
    """Prepare a report kernel: quiet warnings, compact tables, and public-safe display.

    With ``public=True`` every DataFrame shown has its counts of 1 to 4 replaced by "<5"
    (see :func:`public_table`), so a published page never shows a small cell.
    """
    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.WARNING)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.precision", 2)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside Jupyter
        return
    ip = get_ipython()
    if ip is None:
        return
    ip.run_line_magic("matplotlib", "inline")
    ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    ip.run_line_magic("config", "InlineBackend.rc = {'figure.dpi': 110}")
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, lambda frame: report_html(frame, public=public))


def report_html(frame: pd.DataFrame, public: bool = False) -> str:
    """A table as a report shows it: no row numbers, lists as text, small counts hidden if public.

    Examples
    --------
    >>> "<th>0</th>" in report_html(pd.DataFrame({"n": [7]}))
    False
    >>> "<td>yes</td>" in report_html(pd.DataFrame({"met": [True]}))
    True
    """
    shown = public_table(frame) if public else frame
    shown = shown.apply(lambda col: col.map(_as_text) if col.dtype == object else col)
    shown = shown.apply(lambda col: col.map(_yes_no) if col.dtype in (bool, "boolean") else col)
    plain_index = isinstance(shown.index, pd.RangeIndex)
    return shown.to_html(index=not plain_index, na_rep="", border=0, classes="dataframe impt-table")


def _as_text(value):
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return value


def _yes_no(value) -> str:
    if value is pd.NA or value is None:
        return "not known"  # e.g. a check a public export cannot settle
    return "yes" if value else "no"


def public_table(frame: pd.DataFrame, below: int = 5) -> pd.DataFrame:
    """A copy of ``frame`` fit to publish: counts from 1 to ``below - 1`` shown as "<5".

    The whole-number columns (counts of people, interviews or cases) form a table of counts
    that goes through :func:`~impt_analysis.suppression.suppress_small_cells`, the same
    suppression as the public export: small counts are hidden, and so are the cells that
    would give them away from row or column totals. Every hidden cell shows the same mark,
    "<5", so that a reader cannot tell the small ones from the others. Zeros stay, as they
    disclose no one. If no suppression pattern can protect the table, every count in it is
    hidden.

    Examples
    --------
    >>> public_table(pd.DataFrame({"n": [0, 3, 12, 40]}))["n"].tolist()
    ['0', '<5', '<5', '40']
    """
    from .suppression import suppress_small_cells

    counts = [c for c in frame.columns
              if pd.api.types.is_integer_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    if not counts:
        return frame.copy()
    mark = f"<{below}"
    block = frame[counts].reset_index(drop=True)
    block.columns = range(len(counts))  # column labels need not be unique or strings
    try:
        shown = suppress_small_cells(block.astype("float"), below).display(mark)
    except ValueError:
        shown = block.astype(object).where(block.isna(), mark)
    out = frame.copy()
    for i, col in enumerate(counts):
        out[col] = shown[i].to_numpy()
    return out


def synthetic_banner(study: Study) -> str:
    """A Markdown banner for notebooks showing synthetic data ("" for real data)."""
    if not study.synthetic:
        return ""
    return ("**Synthetic demonstration data.** This page shows the synthetic demonstration study, "
            "not the confidential 2010 interviews.")
