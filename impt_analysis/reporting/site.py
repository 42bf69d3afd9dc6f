"""The report site's frame: the page template, the links between pages, and the methods page.

Every page of ``impt report`` is converted by nbconvert with the site's own template
(``templates/impt_page``, extending nbconvert's ``lab`` template): no script from any
server (the site opens from a USB stick), a viewport tag, a layout that reads on a 390 px
phone (tables and wide figures scroll inside their box) and on a wide screen, and the
navigation, banner and provenance footer in its blocks. :func:`nav_html` links a page to the
index, the methods page, the regional overview and, on a country's page, to that country's
other page. :func:`write_methods_page` renders ``docs/methods.md`` into ``methods.html`` with
the same frame.

Examples
--------
>>> from impt_analysis.reporting.site import nav_html
>>> print(nav_html("barrier_analysis_DK", {"country_mapping_DK", "barrier_analysis_DK", "regional_overview"}))
<nav class="impt-nav" aria-label="Pages"><a href="index.html">All reports</a> <a href="country_mapping_DK.html">Denmark: mapping</a> <span aria-current="page">Denmark: barriers</span> <a href="regional_overview.html">Regional overview</a> <a href="methods.html">Methods</a></nav>
"""

from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = [
    "TEMPLATES",
    "TEMPLATE_NAME",
    "exporter",
    "nav_html",
    "write_methods_page",
    "methods_source",
    "table_html",
    "CodebookLabels",
    "REPORT_HEADERS",
    "CODED",
]

#: The folder of the site's nbconvert template, and its name.
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "impt_page"
_PAGES = {"country_mapping": "mapping", "barrier_analysis": "barriers"}


def exporter():
    """nbconvert's HTML exporter with the site's template, inputs and prompts hidden.

    Examples
    --------
    >>> exporter().template_name
    'impt_page'
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _country(code: str) -> str:
    from ..selection import _country_name

    return "the whole region" if code == "ALL" else _country_name(code)


def nav_html(name: str, pages: set[str] | list[str]) -> str:
    """The links of a page (``name``, e.g. ``"country_mapping_DK"``) to the site's other pages.

    Parameters
    ----------
    name : str
        The page's name, its file without ``.html``.
    pages : set of str
        The names of the pages the site holds (a link to a page it lacks is not written).

    Returns
    -------
    str
        A ``<nav>``: all reports, the country's mapping and barrier pages, the regional overview,
        the methods page; the page itself named, not linked.
    """
    pages = set(pages)
    links = [("index", "All reports")]
    stem, _, code = name.rpartition("_")
    if stem in _PAGES and code:
        links += [(f"{kind}_{code}", f"{_country(code)}: {word}") for kind, word in _PAGES.items()]
    links += [("regional_overview", "Regional overview"), ("methods", "Methods")]
    parts = []
    for page, text in links:
        if page == name:
            parts.append(f'<span aria-current="page">{html.escape(text[:1].upper() + text[1:])}</span>')
        elif page in pages or page in ("index", "methods"):
            parts.append(f'<a href="{page}.html">{html.escape(text[:1].upper() + text[1:])}</a>')
    return f'<nav class="impt-nav" aria-label="Pages">{" ".join(parts)}</nav>'


def methods_source() -> Path | None:
    """``docs/methods.md`` installed with the package, or of the source checkout (None if neither)."""
    from ..paths import shipped

    folder = shipped("docs", "methods.md")
    return None if folder is None else folder / "methods.md"


def write_methods_page(out: Path, *, banner: str = "", footer: str = "", pages=()) -> Path | None:
    """Render ``docs/methods.md`` into ``out/methods.html``, framed like the other pages.

    Returns
    -------
    pathlib.Path or None
        The page written, or None when the methods text is not installed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = write_methods_page(Path(tmp))
    ...     "<h1>Methods" in page.read_text(encoding="utf-8")
    True
    """
    import mistune

    source = methods_source()
    if source is None:
        return None
    body = mistune.html(source.read_text(encoding="utf-8"))
    css = (TEMPLATES / TEMPLATE_NAME / "site.css").read_text(encoding="utf-8")
    page = Path(out) / "methods.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Methods: the information-flow '
        f"graph and the three aspects</title><style>{css}\nbody {{font: 16px/1.5 system-ui, sans-serif; color: #222;}}"
        "\npre, code {white-space: pre-wrap; overflow-wrap: anywhere;}</style></head>"
        f'<body class="jp-Notebook"><main class="jp-RenderedHTMLCommon">{nav_html("methods", pages)}{banner}{body}'
        f"</main>{footer}</body></html>\n",
        encoding="utf-8",
    )
    return page


class CodebookLabels:
    """Labels of a codebook's codes by category, as :meth:`Study.labels` gives them (for a page without a study).

    Examples
    --------
    >>> from impt_analysis.codebook import default_codebook
    >>> CodebookLabels(default_codebook()).labels("sector")["ngo"]
    'NGO'
    """

    def __init__(self, codebook):
        from ..codebook import label_map

        self._map = label_map(codebook)

    def labels(self, category: str) -> dict[str, str]:
        return {code: label for (c, code), label in self._map.items() if c == category}


#: Headers of the report tables in words, over the explorer's (:data:`~impt_analysis.reporting.explore.HEADERS`);
#: any other column is named by its code in words ("mean_severity": "Mean severity").
REPORT_HEADERS = {
    "label": "Label",
    "total": "Total",
    "rank": "Rank",
    "new_local_actors": "Local and regional actors brought in",
    "new_items": "Side-information items brought in",
    "new_actors": "Actors brought in",
    "cumulative_local": "Local and regional actors so far",
    "cumulative_items": "Items so far",
    "ties": "Channels that would bring as much",
    "coordination": "National co-ordination",
    "networks": "Professional networks",
    "local_input": "Local and regional input",
    "n_verifications": "Verification levels",
    "verifications": "Verification",
    "verification": "Verification",
    "source_types": "Source types",
    "holders": "Holders",
    "organisations": "Organisations",
    "levels": "Levels",
    "kind": "Kind",
    "status": "Status",
    "n_items": "Items",
    "n_reports": "Reports",
    "n_sources": "Sources",
    "n_figures": "Figures",
    "child_groups": "Child groups",
    "mean_severity": "Mean severity",
    "source_actor": "From (actor)",
    "target_actor": "To (actor)",
}

_COUNT_TEXT = re.compile(r"^(<\d+|\d[\d,.]*%?|suppressed|not known|)$")


def _numeric(column) -> bool:
    """Numbers, or counts a public page wrote as text ("12", "<5", "suppressed"): right-aligned."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_numeric_dtype(column):
        return True
    values = column.dropna().astype(str)
    return len(values) > 0 and values.str.match(_COUNT_TEXT).all() and values.ne("").any()


def _is_yes_no(column) -> bool:
    """Booleans, also with missing values (a check a public export cannot settle)."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(column):
        return True
    values = column.dropna()
    return column.dtype == object and len(values) > 0 and values.map(lambda v: isinstance(v, bool)).all()


def _yes_no(value) -> str:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "not known"
    return "yes" if value else "no"


#: Columns of the analyses' tables holding codes (one, or a list) beyond the explorer's: the category labelling them
#: (None: a status in words, e.g. "single_source" -> "Single source").
CODED = {
    "sectors": "sector",
    "levels": "level",
    "child_groups": "child_group",
    "verification": "verification",
    "verifications": "verification",
    "source_types": "source_type",
    "source_type": "source_type",
    "kind": "kind",
    "tier": "tier",
    "basis": "basis",
    "barrier": "barrier",
    "channel": "channel",
    "frequency": "frequency",
    "status": None,
}
_MARKS = re.compile(r"^(<\d+|suppressed)$")
_IDS = re.compile(r"^[A-Z]{1,3}-[A-Za-z0-9]+(, [A-Z]{1,3}-[A-Za-z0-9]+)*$")


def _label_codes(frame, labels):
    """The codes of :data:`CODED` columns (alone, in lists or in a public page's "a, b" text) by their labels."""
    from .explore import _humane

    out = frame.copy()
    for col, category in CODED.items():
        if col not in out.columns or str(out[col].dtype) not in ("object", "category", "string"):
            continue
        names = labels.labels(category) if category else {}

        def word(code, names=names):
            code = str(code).strip()
            return code if _MARKS.match(code) else names.get(code, _humane(code))

        def cell(value):
            if isinstance(value, (list, tuple, set)):
                return ", ".join(word(v) for v in value)
            if isinstance(value, str):
                return ", ".join(word(v) for v in value.split(",") if v.strip())
            return value

        out[col] = out[col].astype(object).map(cell)
    return out


def _short_ids(column) -> bool:
    """A few IDs per cell ("DK-A014, DK-A010", at most 40 letters): kept on one line, never broken at a hyphen."""
    values = column.dropna().astype(str)
    values = values[values.ne("")]
    return len(values) > 0 and bool(values.str.match(_IDS).all()) and int(values.str.len().max()) <= 40


def table_html(frame, labels) -> str:
    """A table for a reader (pandas Styler): codes by label, headers in words, no row numbers, empty cells empty,
    text left, numbers right, IDs unbroken.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, as an analysis returns it (an index other than the row numbers is shown as
        its first columns; a column axis named after a category, e.g. ``level``, is labelled).
    labels : Study or CodebookLabels
        Anything with ``labels(category) -> {code: label}``.

    Examples
    --------
    >>> import pandas as pd
    >>> from impt_analysis.codebook import default_codebook
    >>> page = table_html(pd.DataFrame({"sector": ["ngo"], "n_interviews": [3]}), CodebookLabels(default_codebook()))
    >>> "NGO" in page and ">Interviews<" in page and 'class="data row0 col1 num"' in page
    True
    """
    import pandas as pd

    from .explore import _CODED, _humane, readable

    shown = frame.copy()
    if isinstance(shown.columns, pd.MultiIndex):
        return shown.to_html(na_rep="", border=0, classes="dataframe impt-table")
    axis = shown.columns.name
    if axis in _CODED:
        names = labels.labels(_CODED[axis])
        shown.columns = [names.get(c, _humane(c)) if isinstance(c, str) else c for c in shown.columns]
    shown.columns.name = None
    if shown.index.name is None and pd.api.types.is_integer_dtype(shown.index):
        shown = shown.reset_index(drop=True)  # row numbers (e.g. after a query or head), not data
    if not isinstance(shown.index, pd.RangeIndex):
        shown = shown.reset_index()
        if "index" in shown.columns:
            shown = shown.rename(columns={"index": ""})
    shown = _label_codes(shown, labels)
    shown = readable(shown, labels, headers=REPORT_HEADERS)
    kinds = {
        c: (
            "num"
            if _numeric(shown[c])
            else "id"
            if c in ("Interview", "Item", "Segment", "Group of interviews", "Actor") or _short_ids(shown[c])
            else "text"
        )
        for c in shown.columns
    }
    shown = shown.apply(lambda s: s.map(_yes_no) if _is_yes_no(s) else s)
    classes = pd.DataFrame({c: [kinds[c]] * len(shown) for c in shown.columns}, index=shown.index)
    styler = (
        shown.style.hide(axis="index")
        .set_td_classes(classes)
        .format(na_rep="", precision=2, escape="html")
        .format_index(escape="html", axis=1)
        .set_table_attributes('class="dataframe impt-table"')
    )
    numeric = [c for c, kind in kinds.items() if kind == "num"]
    if numeric:
        styler = styler.set_table_styles(
            {c: [{"selector": "th", "props": "text-align: right"}] for c in numeric}, overwrite=False
        )
    return styler.to_html()
