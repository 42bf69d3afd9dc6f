"""The report site: `impt report` for two countries, and for publication."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from impt_analysis import study_from_tables
from impt_analysis.cli import main
from impt_analysis.errors import UnknownCountryError
from impt_analysis.reporting.explore import HEADERS, _humane
from impt_analysis.reporting.notebook import NOT_COUNTS
from impt_analysis.reporting.report import _published, plan
from impt_analysis.reporting.site import REPORT_HEADERS
from tests.reporting.test_public_report import _tables


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.classes, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        self.classes += (attrs.get("class") or "").split()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--country",
            "DK",
            "--country",
            "LT",
            "--out",
            str(out),
            "--jobs",
            "2",
            "--quiet",
            "--include-excerpts",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_index_links_resolve(site):
    index = parse(site / "index.html")
    pages = [link for link in index.links if not link.startswith("http")]
    assert sorted(pages) == sorted(
        [
            "country_mapping_DK.html",
            "country_mapping_LT.html",
            "barrier_analysis_DK.html",
            "barrier_analysis_LT.html",
            "barrier_analysis_ALL.html",
            "regional_overview.html",
            "methods.html",
        ]
    )
    for link in pages:
        assert (site / link).is_file()
    assert "Synthetic demonstration data" in " ".join(index.text)
    assert (site / "notebooks" / "country_mapping_DK.ipynb").is_file()


def test_pages_have_no_code_embedded_images_and_footer(site):
    for path in site.glob("*_*.html"):
        page = parse(path)
        assert "jp-InputArea-editor" not in page.classes and "highlight" not in page.classes, path.name
        code_cells = re.findall(r'class="(jp-Cell jp-CodeCell[^"]*)"', path.read_text(encoding="utf-8"))
        assert code_cells and all("jp-mod-noInput" in c for c in code_cells), path.name
        assert all(src.startswith("data:image/png;base64,") for src in page.images), path.name
        text = " ".join(page.text)
        assert "Provenance." in text and "impt_analysis" in text and "checksum" in text, path.name
        assert "Synthetic demonstration data" in text, path.name
    assert parse(site / "country_mapping_DK.html").images, "the country page shows figures"


def test_excerpts_shown_only_when_asked(site, demo):
    excerpt = demo.codings.loc[demo.codings["code"] == "lack_of_training", "excerpt"].iloc[0]
    assert excerpt[:40] in (site / "barrier_analysis_ALL.html").read_text(encoding="utf-8")


def test_public_pages_hold_no_excerpts_and_no_small_counts(tmp_path, demo):
    out = tmp_path / "public"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--country",
            "EE",
            "--out",
            str(out),
            "--jobs",
            "2",
            "--quiet",
            "--public",
            "--include-excerpts",
        ],
    )
    assert result.exit_code == 0, result.output
    excerpts = set(demo.codings["excerpt"].dropna())
    for path in out.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not any(e in html for e in excerpts), path.name
        # every column but ranks, path lengths, severities (NOT_COUNTS); the methods page holds the rules, not data
        for table in _tables(html) if path.name != "methods.html" else ():
            worded = {
                {**HEADERS, **REPORT_HEADERS}.get(c, _humane(c)) for c in NOT_COUNTS
            }  # headers in words
            for col in set(table.columns) - NOT_COUNTS - worded:
                assert not [c for c in table[col] if re.fullmatch(r"[1-4]", c)], (path.name, col)
    assert (out / "data" / "datapackage.json").is_file(), "built from the public export in the site"


def test_unknown_country_exits_2_before_running(tmp_path):
    result = CliRunner().invoke(main, ["report", "--country", "XX", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        "Error: --country: unknown country 'XX': the study has DE, DK, EE, FI, LT, LV, NO, PL, SE"
    ]  # one line, no usage block
    assert not (tmp_path / "r").exists()


ACTOR = {"actor_id": "A", "name": "Police", "country": "DK", "sector": "police", "level": "local"}
ACTOR |= {"kind": "organisation"}
INTERVIEW = {"interview_id": "DK-I1", "country": "DK", "date": "2010-05-01", "sector": "police"}
INTERVIEW |= {"level": "local", "actor_id": "A"}


def test_plan_and_the_public_export_check_the_asked_countries():
    study = study_from_tables({"actors": [ACTOR], "interviews": [INTERVIEW]})  # one interview, from DK
    assert [job.name for job in plan(study, [" dk "])][:2] == ["country_mapping_DK", "barrier_analysis_DK"]
    with pytest.raises(UnknownCountryError, match=r"^unknown country 'SE': the study has DK$"):
        plan(study, ["DK", "se"])  # upper-cased, as the command passes it on
    public = dataclasses.replace(study, meta={"impt:public": True})  # as if SE's interviews were all withheld
    assert _published(public, ["dk"], 5) == ["DK"] and _published(public, [], 5) is None
    with pytest.raises(UnknownCountryError) as info:
        _published(public, ["DK", "se"], 5)
    assert str(info.value) == (
        "no interview of SE is published in the public export (k=5), so it has no public page: "
        "leave it out or lower --k"
    )


def test_failed_notebook_is_reported_and_kept(tmp_path, monkeypatch):
    """A notebook that fails does not stop the others; exit 1 with the cell and the error."""
    import shutil

    from impt_analysis.reporting import report

    notebooks = tmp_path / "nb"
    shutil.copytree(report.notebooks_path(), notebooks)
    broken = (notebooks / "barrier_analysis.ipynb").read_text(encoding="utf-8")
    (notebooks / "barrier_analysis.ipynb").write_text(
        broken.replace(
            "plots.draw_barriers(study, scope, public=public, suppress_below=suppress_below)", "1 / 0"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(report, "notebooks_path", lambda: notebooks)
    result = CliRunner().invoke(
        main, ["report", "--country", "DK", "--out", str(tmp_path / "r"), "--jobs", "2", "--quiet"]
    )
    assert result.exit_code == 1
    assert "FAILED barrier_analysis_DK" in result.output and "ZeroDivisionError" in result.output
    assert (tmp_path / "r" / "notebooks" / "barrier_analysis_DK.ipynb").is_file()
    assert (tmp_path / "r" / "country_mapping_DK.html").is_file()


def test_a_reused_kernel_starts_each_notebook_empty(tmp_path):
    """Workers reuse their kernel, but each notebook sees nothing of the one before."""
    from impt_analysis.reporting import report

    km = report._warm_kernel(str(tmp_path))
    client = km.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    client.execute_interactive("leftover = 42", timeout=30)
    client.stop_channels()
    assert report._warm_kernel(str(tmp_path)) is km  # the same kernel, still alive
    client = km.blocking_client()
    client.start_channels()
    outputs = []
    reply = client.execute_interactive(
        "print('leftover' in dir())",
        timeout=30,
        output_hook=lambda msg: outputs.append(msg["content"].get("text", "")),
    )
    client.stop_channels()
    assert reply["content"]["status"] == "ok" and "False" in "".join(outputs)
    from jupyter_core.utils import run_sync

    run_sync(km.shutdown_kernel)(now=True)
    report._WORKER_KERNEL = None


def _notebook(path: Path, *sources: str) -> None:
    import nbformat

    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)


def test_a_reused_kernel_gives_each_notebook_its_own_log_and_default_settings(tmp_path, monkeypatch):
    """One worker runs two notebooks in one kernel: the first sets a pandas option, a warning filter and
    a formatter, and writes to the kernel's stderr; the second's log holds none of it and it sees the
    defaults."""
    from impt_analysis import load_study
    from impt_analysis.reporting import report

    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _notebook(
        notebooks / "first.ipynb",
        "import os, subprocess, warnings\nimport pandas as pd\n"
        "pd.set_option('display.max_rows', 3)\nwarnings.filterwarnings('error')\n"
        "get_ipython().display_formatter.formatters['text/html'].for_type(pd.DataFrame, lambda f: 'X')\n"
        "subprocess.run(['sh', '-c', 'echo FIRST-NOTEBOOK-WAS-HERE >&2'])",
    )
    _notebook(
        notebooks / "second.ipynb",
        "import subprocess, warnings\nimport pandas as pd\n"
        "subprocess.run(['sh', '-c', 'echo SECOND-NOTEBOOK-WAS-HERE >&2'])\n"
        "assert pd.get_option('display.max_rows') == 60, pd.get_option('display.max_rows')\n"
        "warnings.warn('only a warning')\n"
        "assert pd.DataFrame not in get_ipython().display_formatter.formatters['text/html'].type_printers",
    )
    out = tmp_path / "site"
    (out / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(report, "notebooks_path", lambda: notebooks)
    prov = report.provenance(load_study(), {})
    jobs = [report.Job("first", "first", "First", {}), report.Job("second", "second", "Second", {})]
    results = report._run_all(jobs, out, prov, 1, False)  # one worker: the second reuses the first's kernel
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    first = (out / "notebooks" / "first.log").read_text(encoding="utf-8")
    second = (out / "notebooks" / "second.log").read_text(encoding="utf-8")
    assert "FIRST-NOTEBOOK-WAS-HERE" in first and "SECOND-NOTEBOOK-WAS-HERE" not in first
    assert "SECOND-NOTEBOOK-WAS-HERE" in second and "FIRST-NOTEBOOK-WAS-HERE" not in second
