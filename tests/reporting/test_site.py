"""The report site's frame: links between pages, the template without server scripts, the methods page."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from impt_analysis.reporting.site import exporter, nav_html, write_methods_page

SITE = {"index", "country_mapping_DK", "barrier_analysis_DK", "country_mapping_SE", "regional_overview"}


def links(nav: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', nav)


def test_a_country_page_links_to_its_other_page_the_region_and_the_methods():
    nav = nav_html("country_mapping_DK", SITE)
    assert links(nav) == ["index.html", "barrier_analysis_DK.html", "regional_overview.html", "methods.html"]
    assert '<span aria-current="page">Denmark: mapping</span>' in nav


def test_a_page_the_site_lacks_is_not_linked():
    nav = nav_html("country_mapping_SE", SITE)  # Sweden has no barrier page here
    assert "barrier_analysis_SE" not in nav and "Sweden: mapping" in nav
    assert links(nav_html("regional_overview", SITE)) == ["index.html", "methods.html"]


def test_the_template_loads_nothing_from_a_server_and_frames_the_page():
    nb = new_notebook(
        cells=[new_code_cell("1", outputs=[new_output("display_data", {"text/html": "<b>hi</b>"})])]
    )
    nb.metadata["title"] = "A page"
    body, _ = exporter().from_notebook_node(
        nbformat.from_dict(nb),
        resources={
            "impt": {
                "nav": '<nav class="impt-nav">N</nav>',
                "banner": "<div>B</div>",
                "footer": "<footer>F</footer>",
            }
        },
    )
    assert not re.search(r"""<(script|link)[^>]*(src|href)\s*=\s*["']?https?://""", body)
    assert "require.js" not in body and "MathJax" not in body
    assert 'name="viewport"' in body and "<title>A page</title>" in body
    assert (
        body.index('<nav class="impt-nav">N</nav>')
        < body.index("<div>B</div>")
        < body.index("<b>hi</b>")
        < body.index("<footer>F</footer>")
    )
    assert "overflow-x: auto" in body  # tables and figures scroll inside their box


def test_the_methods_page_is_rendered_with_the_frame(tmp_path):
    page = write_methods_page(tmp_path, banner="<div>B</div>", footer="<footer>F</footer>", pages=SITE)
    text = page.read_text(encoding="utf-8")
    assert page.name == "methods.html" and "<h1>Methods: the information-flow graph" in text
    assert '<meta name="viewport"' in text and "<div>B</div>" in text and "<footer>F</footer>" in text
    assert '<span aria-current="page">Methods</span>' in text and 'href="regional_overview.html"' in text


def test_a_report_table_reads_in_words(demo):
    import pandas as pd

    from impt_analysis.reporting.site import table_html

    frame = pd.DataFrame(
        {"local": [1, 0], "national": [0, 2]}, index=pd.Index(["child_protection", "ngo"], name="sector")
    )
    frame.columns.name = "level"
    page = table_html(frame, demo)
    assert re.findall(r"col_heading[^>]*>([^<]*)</th>", page) == ["Sector", "Local", "National"]
    assert re.findall(r'class="data row\d col0 text" >([^<]*)<', page) == ["Child protection", "NGO"]
    assert 'class="data row1 col2 num" >2<' in page and "row_heading" not in page  # no row numbers
    gaps = pd.DataFrame(
        {"actor_id": ["NO-T001"], "must_pass": [["A", "B"]], "path_length": [pd.NA], "reaches": [True]}
    ).astype({"path_length": "Int64"})
    page = table_html(gaps, demo)
    assert 'class="data row0 col0 id" >NO-T001<' in page and ">A, B<" in page and ">yes<" in page
    assert not re.search(r">(None|nan|&lt;NA&gt;|<NA>)<", page)


def test_a_report_table_escapes_what_it_shows(demo):
    import pandas as pd

    from impt_analysis.reporting.site import table_html

    page = table_html(pd.DataFrame({"<i>x</i>": ["<script>alert(1)</script>"], "n": ["<5"]}), demo)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;5" in page and "<i>x</i>" not in page


def test_counts_written_as_text_on_a_public_page_are_numbers_still(demo):
    import pandas as pd

    from impt_analysis.reporting.site import table_html

    page = table_html(
        pd.DataFrame({"barrier": ["a", "b", "c"], "interviews": ["12", "<5", "suppressed"]}), demo
    )
    assert re.findall(r'class="data row\d col1 (\w+)"', page) == ["num", "num", "num"]
    assert re.findall(r'class="data row\d col0 (\w+)"', page) == ["text", "text", "text"]


def test_codes_in_lists_and_statuses_read_as_labels_and_the_marks_stay(demo):
    """Side information's lists of sectors and a triangulation status, by hand; "<5" and "suppressed" as typed."""
    import pandas as pd

    from impt_analysis.reporting.notebook import report_html

    frame = pd.DataFrame(
        {
            "holders": [["DK-A018", "DK-A019"], ["DK-A001"]],
            "sectors": [["faith_based", "ngo"], ["government"]],
            "status": ["single_source", "triangulated"],
        }
    )
    page = report_html(frame, labels=demo)
    cells = re.findall(r'class="data row\d col\d (\w+)" >([^<]*)<', page)
    assert cells == [
        ("id", "DK-A018, DK-A019"),
        ("text", "Faith-based organisation, NGO"),
        ("text", "Single source"),
        ("id", "DK-A001"),
        ("text", "Government"),
        ("text", "Triangulated"),
    ]
    public = report_html(pd.DataFrame({"label": ["a", "b"], "status": ["x", "y"], "n": [3, 40]}), public=True)
    assert ">&lt;5<" in public and ">suppressed<" in public and "Suppressed" not in public
