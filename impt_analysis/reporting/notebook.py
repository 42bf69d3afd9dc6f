"""Helpers for the report notebooks: parameter checks, display set-up and public-safe tables.

The notebooks stay thin stories; what they share lives here so that it is tested once.

A public page (``public=True``) is built from a public export only (:func:`open_study`
refuses anything else). :func:`setup` then makes every table the kernel displays into text
with :func:`public_table` before any copy of it is made, so the HTML and the plain-text copies
kept in the executed notebook are the same: a small count reads "<5", a cell hidden to protect
one "suppressed", and so does every value beside a hidden count that would give it back.
Sentences use :func:`count_text`; a table the export cannot answer says so
(:func:`no_public_answer`).

Examples
--------
>>> from impt_analysis import load_study
>>> from impt_analysis.reporting.notebook import check_parameters
>>> check_parameters(country="dk", study=load_study())
'DK'
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..privacy import SUPPRESS_BELOW
from ..study import Study, load_study

__all__ = [
    "check_parameters",
    "open_study",
    "setup",
    "public_table",
    "report_html",
    "synthetic_banner",
    "count_text",
    "is_public",
    "no_public_answer",
    "public_note",
    "channels_text",
    "LABEL_COLUMNS",
    "NOT_COUNTS",
    "SECONDARY_MARK",
]


def check_parameters(
    country=None, data=None, include_excerpts=False, public=False, study=None, allow_all=False
) -> str | None:
    """Check a notebook's parameters at once, with a clear error naming the bad one.

    Parameters
    ----------
    country : str, optional
        An ISO country code present in the study, or ``"ALL"`` when ``allow_all``.
    data : str or None
        A study folder, or None for the synthetic demonstration study.
    include_excerpts, public : bool
    study : Study, optional
        The study; when given, ``country`` must be one of its countries
        (:meth:`~impt_analysis.study.Study.check_country`).

    Returns
    -------
    str or None
        The country code, upper-cased.

    Raises
    ------
    UnknownCountryError
        A ``ValueError`` for a country the study does not have ("ALL" where not allowed).
    TypeError
        For a parameter of the wrong type.

    Examples
    --------
    >>> check_parameters(country="all", study=load_study(), allow_all=True)
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
    if study is not None:
        hint = 'or "ALL" for the whole region' if allow_all else ""
        study.check_country(code, caller="parameter country", hint=hint)
    return code


def open_study(data: str | Path | None, public: bool = False) -> Study:
    """Load the study a notebook is parameterised with (None: the synthetic demonstration study).

    A page for publication (``public=True``) is built from a public export only (what
    ``impt report --public`` writes into the site's ``data/``): a confidential study is
    refused, so that no page can show what the export hides.
    """
    global _LABELS
    study = load_study(data)
    if public and not study.public:
        raise ValueError(
            "public=True needs a public export as data (impt export-public, or impt report --public, "
            "which writes one): a public page is never built from the confidential study"
        )
    _LABELS = study  # the codebook whose labels the kernel's tables show
    return study


_NO_PUBLIC_ANSWER = {
    "sector": "the respondent organisation's sector",
    "level": "the respondent organisation's level",
}


def no_public_answer(what: str) -> str:
    """The sentence a public page shows where a table has no public answer.

    In the public export the barriers, flows and knowledge rows name a group of at least k
    interviews (``interview_group``), not an interview: a count of interviews by the
    respondent's sector or level, or of interviews naming two barriers together, cannot be
    made from it, and making it from the confidential study would publish what the export
    generalised.

    Examples
    --------
    >>> no_public_answer("sector").startswith("*Not shown on a public page")
    True
    """
    if what == "cooccurrence":
        subject = "how many interviews name two barriers together"
    elif what in _NO_PUBLIC_ANSWER:
        subject = f"how many interviews name each barrier by {_NO_PUBLIC_ANSWER[what]}"
    else:
        raise ValueError(f"no_public_answer: unknown table {what!r}")
    return (
        f"*Not shown on a public page: {subject} has no public answer. The public export links each barrier "
        "to a group of at least k interviews, not to one interview, and publishes the respondents' sectors and "
        "levels only as generalised in `interviews.csv`; counting them from the confidential interviews would "
        "publish what the export hides.*"
    )


def public_note(study: Study) -> str:
    """A Markdown paragraph for a public page: what the page shows and what it does not ("" otherwise)."""
    if not _PUBLIC:
        return ""
    b = _BELOW
    return (
        f"\n\n*Public page, built from the public export only ({study.meta.get('title', study.name)}, "
        f'version {study.version}). Counts from 1 to {b - 1} are shown as "<{b}", cells hidden so that such '
        'a count cannot be worked out are shown as "suppressed", and so is every value beside them that '
        "would give them back (shares, means, lists); 0 is a true zero. Actor names and item labels are the "
        "export's generated descriptions.*"
    )


def setup(public: bool = False, suppress_below: int = SUPPRESS_BELOW) -> None:
    """Prepare a report kernel: quiet warnings, compact tables, and public-safe display.

    With ``public=True`` every DataFrame shown, in every copy the notebook keeps (``text/html``
    and ``text/plain``), is first made into text by :func:`public_table`: a published page or
    kept notebook never shows a small cell, nor a value beside it that gives it back.
    """
    global _PUBLIC, _BELOW
    _PUBLIC, _BELOW = bool(public), int(suppress_below)
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
    formatters = ip.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, lambda frame: report_html(frame, public=_PUBLIC))
    formatters["text/html"].for_type(pd.Series, lambda s: report_html(s.to_frame(), public=_PUBLIC))
    if public:
        formatters["text/plain"].for_type(pd.DataFrame, lambda frame, p, cycle: p.text(_plain(frame)))
        formatters["text/plain"].for_type(pd.Series, lambda s, p, cycle: p.text(_plain(s.to_frame())))


_PUBLIC, _BELOW = False, SUPPRESS_BELOW  # set by setup(): how this kernel shows tables
_LABELS = None  # set by open_study(): the study whose codebook labels the codes of a table


def _plain(frame: pd.DataFrame) -> str:
    shown = public_table(frame, _BELOW)
    return shown.to_string(index=not isinstance(shown.index, pd.RangeIndex))


def is_public() -> bool:
    """Whether this kernel was set up for publication (:func:`setup` with ``public=True``)."""
    return _PUBLIC


def count_text(n: int, public: bool | None = None, suppress_below: int | None = None) -> str:
    """A count for a sentence: ``"<5"`` on a public page when it is from 1 to ``suppress_below - 1``.

    Examples
    --------
    >>> count_text(3, public=True), count_text(7, public=True), count_text(3, public=False), count_text(0, True)
    ('<5', '7', '3', '0')
    """
    public = _PUBLIC if public is None else public
    below = _BELOW if suppress_below is None else suppress_below
    n = int(n)
    return f"<{below}" if public and 0 < n < below else str(n)


def report_html(frame: pd.DataFrame, public: bool = False, labels=None) -> str:
    """A table as a report shows it (:func:`~impt_analysis.reporting.site.table_html`, a pandas Styler).

    Codes by their codebook labels, headers in words, no row numbers, lists as text, empty cells
    empty, text left and numbers right; on a public page (``public=True``) first made into text by
    :func:`public_table`, so that the marks ``"<5"`` and ``"suppressed"`` show as they are.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
    public : bool
    labels : Study, optional
        Whose codebook labels the codes; default the study :func:`open_study` opened last, or the
        default codebook.

    Examples
    --------
    >>> page = report_html(pd.DataFrame({"sector": ["ngo"], "n_interviews": [7], "met": [True]}))
    >>> "<th>0</th>" in page, ">NGO<" in page, ">Interviews<" in page, ">yes<" in page
    (False, True, True, True)
    >>> ">&lt;5<" in report_html(pd.DataFrame({"label": ["a", "b"], "n": [3, 40]}), public=True)
    True
    """
    from .site import table_html

    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    shown = public_table(frame, _BELOW) if public else frame
    return table_html(shown, _Marks(labels if labels is not None else _default_labels(), _BELOW))


def _default_labels():
    if _LABELS is not None:
        return _LABELS
    from ..codebook import default_codebook
    from .site import CodebookLabels

    return CodebookLabels(default_codebook())


class _Marks:
    """A study's labels, with the public marks ("<5", "suppressed") shown as they are in a coded column."""

    def __init__(self, labels, below: int):
        self._labels, self._marks = labels, {f"<{below}": f"<{below}", SECONDARY_MARK: SECONDARY_MARK}

    def labels(self, category: str) -> dict[str, str]:
        return {**self._labels.labels(category), **self._marks}


#: Columns that name what a row is about: shown on a public page even beside a hidden count.
LABEL_COLUMNS = frozenset(
    {
        "country",
        "year",
        "tier",
        "barrier",
        "label",
        "item_id",
        "actor_id",
        "name",
        "info_type",
        "child_group",
        "theme",
        "aspect",
        "code",
        "category",
        "kind",
        "source_actor",
        "source_name",
        "target_actor",
        "target_name",
        "interview_group",
        "sector",
        "level",
        "source_sector",
        "source_level",
        "target_sector",
        "target_level",
        # the three-aspect verdicts (X, (X), -) rest on the flows, not on any count shown beside them
        *(
            f"{aspect}{when}"
            for aspect in ("coordination", "networks", "local_input")
            for when in ("", "_before", "_after", "_change")
        ),
        "derived",
        "published",
        "agrees",
        # assessments (impt_analysis.assessments): the tool's domain, level and words, and the figure's basis
        "domain",
        "domain_label",
        "level_label",
        "statement",
        "basis",
        "basis_label",
    }
)
#: Whole-number columns that are not counts of people, interviews or cases (never suppressed).
NOT_COUNTS = frozenset({"rank", "path_length", "year", "severity", "tiers_disseminated", "met"})
SECONDARY_MARK = "suppressed"


def public_table(frame: pd.DataFrame, below: int = SUPPRESS_BELOW, *, keep=()) -> pd.DataFrame:
    """The table as a public page shows it: text only, small counts and what gives them back hidden.

    - The counts (whole-number columns other than :data:`NOT_COUNTS` and ``keep``) go through
      :func:`~impt_analysis.privacy.suppression.suppress_small_cells`, the suppression of the public
      export: a count from 1 to ``below - 1`` shows ``"<5"`` (primary); a cell hidden so that
      a small one cannot be worked out from the row and column totals shows ``"suppressed"``
      (secondary). A count the public export left empty shows the mark of its ``suppression``
      column, which is then dropped. True zeros show ``0``.
    - In a row with a hidden count, every other value that could give it back (shares,
      means, other counts, lists, statuses: anything but the columns naming the row,
      :data:`LABEL_COLUMNS` and ``keep``) shows ``"suppressed"`` too, unless it is a zero.
    - Every cell becomes text (lists joined, booleans yes/no), so that every copy of the
      table a notebook keeps (HTML, plain text) shows the same thing.

    If no suppression pattern can protect the counts, every non-zero count is hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"label": list("abcd"), "n": [3, 0, 12, 40], "share": [0.05, 0.0, 0.22, 0.73]})
    >>> public_table(t).to_dict("list")  # the total 55 would give the 3 away: 12 is hidden too
    {'label': ['a', 'b', 'c', 'd'], 'n': ['<5', '0', 'suppressed', '40'], 'share': ['suppressed', '0.00', 'suppressed', '0.73']}
    >>> public_table(pd.DataFrame({"n": [0, 3, 12, 40]}))["n"].tolist()
    ['0', '<5', 'suppressed', '40']
    """
    from ..privacy.suppression import PRIMARY, SECONDARY, suppress_small_cells

    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if frame.index.name is None and pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index(drop=True)  # row numbers (e.g. after a query), not data
    primary_mark = f"<{below}"
    keep = set(keep)
    reasons = None
    if "suppression" in frame.columns:
        reasons = frame["suppression"].fillna("").astype(str).to_numpy()
        frame = frame.drop(columns="suppression")
    columns = list(frame.columns)
    is_count = [
        _is_count(frame.iloc[:, j]) and columns[j] not in NOT_COUNTS | keep for j in range(len(columns))
    ]
    text = pd.DataFrame(
        {
            j: (_count_text(frame.iloc[:, j]) if is_count[j] else frame.iloc[:, j].map(_cell_text)).to_numpy()
            for j in range(len(columns))
        },
        index=frame.index,
        dtype=object,
    )
    hidden = np.zeros(frame.shape, dtype=bool)
    counts = [j for j, c in enumerate(is_count) if c]
    if counts:
        block = (
            frame.iloc[:, counts].apply(pd.to_numeric, errors="coerce").astype(float).reset_index(drop=True)
        )
        block.columns = range(len(counts))
        try:
            status = suppress_small_cells(block, below).status.to_numpy()
        except ValueError:  # no pattern protects the table: hide every count that is not a zero
            status = np.where(block.fillna(0).to_numpy() != 0, SECONDARY, "")
        for k, j in enumerate(counts):
            col = status[:, k]
            text.iloc[col == PRIMARY, j] = primary_mark
            text.iloc[col == SECONDARY, j] = SECONDARY_MARK
            hidden[:, j] = col != ""
            if reasons is not None:  # left empty by the export: its own mark
                empty = block[k].isna().to_numpy()
                for why, mark in ((PRIMARY, primary_mark), (SECONDARY, SECONDARY_MARK)):
                    text.iloc[empty & (reasons == why), j] = mark
                hidden[:, j] |= empty & np.isin(reasons, (PRIMARY, SECONDARY))
    rows = hidden.any(axis=1)
    for j, name in enumerate(columns):
        if name in LABEL_COLUMNS or name in NOT_COUNTS or name in keep:
            continue
        missing = frame.iloc[:, j].map(_is_missing).to_numpy(dtype=bool)  # left empty, e.g. by the export
        zero = text.iloc[:, j].isin(("0", "0.00", "no", "")).to_numpy() & ~missing
        cover = rows & ~hidden[:, j] & ~zero
        text.iloc[cover, j] = SECONDARY_MARK
    text.columns = frame.columns
    return text


_NOT_A_COUNT_PREFIXES = ("share", "mean", "median", "betweenness", "ratio", "rate", "percent")


def _is_count(col: pd.Series) -> bool:
    """A column of counts: whole numbers (also as floats, where missing values made them so)."""
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        return False
    if pd.api.types.is_integer_dtype(col):
        return True
    if str(col.name).lower().startswith(_NOT_A_COUNT_PREFIXES):
        return False
    values = pd.to_numeric(col, errors="coerce").dropna()
    return len(values) > 0 and bool((values == values.round()).all()) and bool((values >= 0).all())


def _count_text(col: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(col, errors="coerce")
    return numbers.round().astype("Int64").astype(str).where(numbers.notna(), "")


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _cell_text(value) -> str:
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return ", ".join(str(v) for v in value)
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def md_text(value) -> str:
    """A study value (a title, a name) as literal text inside Markdown: never markup, a link or math.

    The value is untrusted: a title ``<script>...`` or ``[x](javascript:...)`` must show as
    typed, never run or link. HTML is escaped, Markdown's marks become character references,
    and the span tells MathJax to leave ``$...$`` alone.

    Examples
    --------
    >>> md_text("<b>[x](javascript:alert(1))</b> $x$")
    '<span class="tex2jax_ignore">&lt;b&gt;&#91;x&#93;(javascript:alert(1))&lt;/b&gt; &#36;x&#36;</span>'
    """
    import html

    text = "".join(
        html.escape(c, quote=True) if c in "&<>\"'" else f"&#{ord(c)};" if c in _MARKDOWN_MARKS else c
        for c in str(value)
    )
    return f'<span class="tex2jax_ignore">{text}</span>'


_MARKDOWN_MARKS = set("\\`*_[]#|~$")


def synthetic_banner(study: Study) -> str:
    """A Markdown banner for notebooks showing synthetic data ("" for real data)."""
    if not study.synthetic:
        return ""
    return (
        "**Synthetic demonstration data.** This page shows the synthetic demonstration study, "
        "not the confidential 2010 interviews."
    )


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _number(n: int, noun: str, plural: str | None = None, count: bool = True) -> str:
    """``n noun`` in words up to ten, the noun in the plural where it must be ("one actor", "13 channels").

    A count of people or cases (``count=True``) reads ``"<5"`` on a public page when it is small.
    """
    n = int(n)
    word = count_text(n) if count else str(n)
    if word == str(n) and 0 <= n < len(_WORDS):
        word = _WORDS[n]
    return f"{word} {noun if n == 1 else plural or noun + 's'}"


def channels_text(channels: pd.DataFrame) -> str:
    """The recommended channels in sentences (Markdown), saying when a choice is one of several tied ones.

    ``channels`` is :func:`~impt_analysis.channels.recommend_channels`'s table; its ``ties``
    column says how many candidates would each have brought the same gain at a step.

    Examples
    --------
    >>> row = {"rank": 1, "source_name": "Parish youth work", "target_name": "Contact point",
    ...        "new_local_actors": 2, "new_items": [["T1"]], "ties": 10}
    >>> print(channels_text(pd.DataFrame({k: [v[0] if isinstance(v, list) else v] for k, v in row.items()})))
    One new channel:
    <BLANKLINE>
    1. From <span class="tex2jax_ignore">Parish youth work</span> to <span class="tex2jax_ignore">Contact point</span>: brings two local or regional actors and one item of side information within reach of co-ordination. It is one of ten channels that would each bring as many; the first of them in the order of the candidates is proposed.
    """
    if channels.empty:
        return (
            "No new channel between an actor that is cut off and one that reaches co-ordination would "
            "bring a local or regional actor or any side information within reach."
        )
    lines = [
        f"{_number(len(channels), 'new channel')[:1].upper()}{_number(len(channels), 'new channel')[1:]}:",
        "",
    ]
    for row in channels.itertuples():
        items = len(row.new_items) if isinstance(row.new_items, (list, tuple, set, np.ndarray)) else 0
        gain = f"{_number(row.new_local_actors, 'local or regional actor')} and " + (
            _number(items, "item of side information", "items of side information")
            if items
            else "no side information"
        )
        ties = int(getattr(row, "ties", 1) or 1)
        if ties > 1:
            tie = (
                f" It is one of {_number(ties, 'channel', count=False)} that would each bring as many; "
                "the first of them in the order of the candidates is proposed."
            )
        else:
            tie = " No other channel would bring as much."
        lines.append(
            f"{row.rank}. From {md_text(row.source_name)} to {md_text(row.target_name)}: brings {gain} "
            f"within reach of co-ordination.{tie}"
        )
    return "\n".join(lines)
