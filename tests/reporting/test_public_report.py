"""`impt report --public`, read as an attacker would read it (issue 11).

A hand-made study with names planted in every free-text place (actor names, item labels,
notes, excerpts, title, description, contributors), a respondent of a sector no other
respondent has (DK's one judiciary interview), small barrier counts, and a country of two
interviews (EE, which the export suppresses). The public site is built over an earlier
``--include-excerpts`` run with ``--force``; then every page, every kept notebook (every
output mimetype) and every figure drawn with ``public=True`` is searched for what the export
hides.

Worked out by hand (k = 5, suppress_below = 5):

- DK: five police/national interviews and one judiciary/national one. Both sectors are state
  authorities: the export publishes all six as "state_authority", national (k = 6), so no page
  may say "judiciary". SE: three NGO/local and three police/local interviews: no common group,
  so "any_sector", local (k = 6). EE: two interviews, fewer than k: suppressed with every row
  reported in them.
- Barriers: in DK "lack_of_training" is named in all six interviews, "data_protection_rules"
  in two (a primary cell, "<5"), in SE "lack_of_training" in six and "legislation" in one.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner

from impt_analysis import load_study, study_from_tables
from impt_analysis.cli import main
from impt_analysis.reporting.explore import HEADERS, _humane
from impt_analysis.reporting.notebook import NOT_COUNTS, SECONDARY_MARK, open_study, public_table
from impt_analysis.reporting.report import ReportFolderError, check_public_folder, data_checksum, fold
from impt_analysis.reporting.site import REPORT_HEADERS
from impt_analysis.study import demo_path, write_study

KEY = b"a key of this test only, 32 byte"
NAMES = ["Ingrid Johansson", "Jan Kowalski", "Birgit Nilsson", "Mart Tamm", "Olga Petrova"]
CONTRIBUTOR = "Karin Lindqvist"  # the study's author: in the package's metadata, never on a page
TYPED = ["Police desk of", "seen at the station", "Street shelter run by", "county court of"]
SMALL = re.compile(r"(?<![\w.<])[1-4] (interview|report|mention|child|children|case)s?\b")


def planted_study():
    """The study of the module docstring, names planted everywhere free text goes."""
    actors = [
        (
            "DK-pol",
            "Police desk of Jan Kowalski (tel. +45 33 12 34 56)",
            "DK",
            "police",
            "national",
            "organisation",
        ),
        (
            "DK-judge",
            "Judge Ingrid Johansson, county court of Aarhus",
            "DK",
            "judiciary",
            "national",
            "organisation",
        ),
        (
            "DK-coord",
            "National coordinator Birgit Nilsson",
            "DK",
            "government",
            "national",
            "national_coordinator",
        ),
        ("DK-ngo", "Street shelter run by Olga Petrova", "DK", "ngo", "local", "organisation"),
        ("SE-pol", "Local police of Birgit Nilsson", "SE", "police", "local", "organisation"),
        ("SE-ngo", "Girls' shelter of Olga Petrova", "SE", "ngo", "local", "organisation"),
        ("SE-coord", "Coordinator Jan Kowalski", "SE", "government", "national", "national_coordinator"),
        ("EE-pol", "Police of Mart Tamm", "EE", "police", "national", "organisation"),
        ("EE-ngo", "NGO of Mart Tamm", "EE", "ngo", "local", "organisation"),
    ]
    actors = [dict(zip(["actor_id", "name", "country", "sector", "level", "kind"], a)) for a in actors]
    plan = (
        [("DK", "police", "national", "DK-pol")] * 5
        + [("DK", "judiciary", "national", "DK-judge")]
        + [("SE", "ngo", "local", "SE-ngo")] * 3
        + [("SE", "police", "local", "SE-pol")] * 3
        + [("EE", "police", "national", "EE-pol"), ("EE", "ngo", "local", "EE-ngo")]
    )
    interviews = [
        {
            "interview_id": f"{actor}-I{n:02d}",
            "country": c,
            "date": f"2010-0{1 + n % 9}-15",
            "sector": sector,
            "level": level,
            "actor_id": actor,
            "notes": f"Respondent {NAMES[n % 5]}, call +46 70 123 45 67",
        }
        for n, (c, sector, level, actor) in enumerate(plan, 1)
    ]
    items = [
        {
            "item_id": "DK-item",
            "country": "DK",
            "label": "Girl seen at the station with Jan Kowalski",
            "info_type": "incident",
            "child_group": "young_people_in_prostitution",
            "theme": "sexual_exploitation",
        },
        {
            "item_id": "DK-item2",
            "country": "DK",
            "label": "Begging ring named by Ingrid Johansson",
            "info_type": "trend",
            "child_group": "children_begging",
            "theme": "labour_begging_crime",
        },
        {
            "item_id": "SE-item",
            "country": "SE",
            "label": "Au pairs placed by Olga Petrova",
            "info_type": "trend",
            "child_group": "au_pairs",
            "theme": "labour_begging_crime",
        },
        {
            "item_id": "EE-item",
            "country": "EE",
            "label": "Mart Tamm's street children",
            "info_type": "trend",
            "child_group": "children_begging",
            "theme": "labour_begging_crime",
        },
    ]
    ngo = {"DK": "DK-ngo", "SE": "SE-ngo", "EE": "EE-ngo"}
    coord = {"DK": "DK-coord", "SE": "SE-coord", "EE": "EE-pol"}
    knowledge, flows, barriers, codings = [], [], [], []
    for n, i in enumerate(interviews):
        c, iid = i["country"], i["interview_id"]
        knower = ngo[c] if i["actor_id"] == "DK-judge" else i["actor_id"]  # the judge's court is in no row
        knowledge.append(
            {
                "interview_id": iid,
                "actor_id": knower,
                "item_id": f"{c}-item",
                "verification": "maybe",
                "source_type": "anecdote",
            }
        )
        if c == "DK":
            knowledge.append(
                {
                    "interview_id": iid,
                    "actor_id": "DK-coord",
                    "item_id": "DK-item2",
                    "verification": "official",
                    "source_type": "official_data",
                }
            )
        flows.append(
            {
                "flow_id": f"F{n}",
                "interview_id": iid,
                "source_actor": ngo[c],
                "target_actor": coord[c],
                "channel": "informal_contact",
                "frequency": "regular",
                "item_id": f"{c}-item",
            }
        )
        barriers.append(
            {
                "interview_id": iid,
                "barrier": "lack_of_training",
                "source_actor": "",
                "target_actor": "",
                "severity": 2,
            }
        )
        if (c == "DK" and n < 2) or (c == "SE" and n == 6) or c == "EE":
            barriers.append(
                {
                    "interview_id": iid,
                    "barrier": "data_protection_rules" if c != "SE" else "legislation",
                    "source_actor": "",
                    "target_actor": "",
                    "severity": 3,
                }
            )
        excerpt = f"{NAMES[n % 5]} told us the training never came."
        codings.append(
            {
                "segment_id": f"S{n}",
                "interview_id": iid,
                "code": "lack_of_training",
                "coder": "C1",
                "start": 0,
                "end": len(excerpt),
                "excerpt": excerpt,
            }
        )
    case_counts = [
        {
            "country": c,
            "year": 2009,
            "tier": t,
            "child_group": g,
            "count": v,
            "basis": "official",
            "source_actor": a,
        }
        for c, t, g, v, a in [
            ("DK", "identified", "other", 3, "DK-pol"),
            ("DK", "identified", "roma_children", 12, "DK-pol"),
            ("DK", "identified", "children_begging", 30, "DK-pol"),
            ("SE", "identified", "other", 8, "SE-pol"),
            ("SE", "identified", "roma_children", 20, "SE-pol"),
            ("SE", "identified", "children_begging", 25, "SE-pol"),
            ("DK", "suspected", "other", 40, "DK-coord"),
            ("SE", "suspected", "other", 50, "SE-coord"),
            ("EE", "identified", "other", 2, "EE-pol"),
        ]
    ]
    meta = {
        "name": "planted-report",
        "title": "Interviews of Ingrid Johansson's unit",
        "description": "Collected by Jan Kowalski and Mart Tamm.",
        "version": "1.0.0",
        "contributors": [{"title": CONTRIBUTOR, "roles": ["creator"]}],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
    }
    return study_from_tables(
        {
            "actors": actors,
            "interviews": interviews,
            "items": items,
            "knowledge": knowledge,
            "flows": flows,
            "barriers": barriers,
            "codings": codings,
            "case_counts": case_counts,
        },
        meta,
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return write_study(planted_study(), tmp_path_factory.mktemp("confidential") / "study")


def _cli(*args):
    return CliRunner().invoke(main, ["report", *map(str, args)])


@pytest.fixture(scope="module")
def runs(source, tmp_path_factory):
    """An --include-excerpts run, a --public run into it (refused), then with --force (the site)."""
    out = tmp_path_factory.mktemp("site") / "site"
    excerpt_run = _cli(
        "--data", source, "--country", "DK", "--out", out, "--jobs", "2", "--quiet", "--include-excerpts"
    )
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    names = out.parent / "names.txt"
    names.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    key = out.parent / "key"
    key.write_bytes(KEY)
    common = [
        "--data",
        source,
        "--country",
        "DK",
        "--country",
        "SE",
        "--out",
        out,
        "--jobs",
        "2",
        "--public",
        "--names-file",
        names,
        "--key-file",
        key,
    ]
    refused = _cli(*common)
    after_refusal = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    forced = _cli(*common, "--force")
    return {
        "out": out,
        "excerpt_run": excerpt_run,
        "before": before,
        "refused": refused,
        "after_refusal": after_refusal,
        "forced": forced,
    }


@pytest.fixture(scope="module")
def site(runs):
    assert runs["forced"].exit_code == 0, runs["forced"].output
    return runs["out"]


def _files(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file()]


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def _kept(site: Path) -> list[Path]:
    return sorted((site / "notebooks").glob("*.ipynb"))


def _outputs(path: Path):
    """(mimetype, text) of every output of a kept notebook."""
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                yield "stream", out["text"]
            for mime, value in out.get("data", {}).items():
                if not mime.startswith("image/"):
                    yield mime, value if isinstance(value, str) else json.dumps(value)


def _all_public_text(site: Path) -> dict[str, str]:
    """Every page and every non-image output of every kept notebook, by name."""
    # embedded images left out: their text is in the pixels (checked on the figures themselves), and their
    # base64 letters hold short names by chance
    texts = {
        p.name: re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]*", "", p.read_text(encoding="utf-8"))
        for p in _pages(site)
    }
    for path in _kept(site):
        for n, (mime, text) in enumerate(_outputs(path)):
            texts[f"{path.name}#{n}:{mime}"] = text
    return texts


class Tables(HTMLParser):
    """Every <table> of a page: header row and body rows, cell texts stripped."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = [tag, ""]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append((self._cell[0], self._cell[1].strip()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data


def _tables(html: str) -> list[pd.DataFrame]:
    """The report tables of a page as frames (header from the first row; row labels kept as a column)."""
    parser = Tables()
    parser.feed(html)
    frames = []
    for rows in parser.tables:
        rows = [r for r in rows if r]
        if len(rows) < 2:
            continue
        header = [text for _, text in rows[0]]
        body = [[text for _, text in r] for r in rows[1:] if len(r) == len(header)]
        frames.append(pd.DataFrame(body, columns=[h or f"_{i}" for i, h in enumerate(header)]))
    return frames


def _header(column: str) -> str:
    """A column's header as a reader sees it on a page (the tables are read as a reader reads them)."""
    return {**HEADERS, **REPORT_HEADERS}.get(column, _humane(column))


def _stated_totals(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"(\d+) interviews", text)}


# --- the run itself ----------------------------------------------------------------------


def test_a_public_run_into_an_earlier_site_is_refused_without_force(runs):
    assert runs["excerpt_run"].exit_code == 0, runs["excerpt_run"].output
    refused = runs["refused"]
    assert refused.exit_code == 2 and "--force" in refused.output  # an --out holding files: usage (2)
    assert "Traceback" not in refused.output and isinstance(refused.exception, SystemExit)
    assert runs["after_refusal"] == runs["before"], "a refused run changes nothing"


def test_with_force_nothing_of_the_earlier_run_survives(site, runs, source):
    excerpts = set(load_study(source).codings["excerpt"].dropna())
    for path in _files(site):
        if path.suffix in (".html", ".ipynb", ".md", ".csv", ".json", ".log", ".cff"):
            text = path.read_text(encoding="utf-8")
            assert not any(e in text for e in excerpts), path
    linked = set(re.findall(r'href="([^"]+\.html)"', (site / "index.html").read_text(encoding="utf-8")))
    assert {p.name for p in _pages(site)} == linked | {"index.html"}, "no page of the earlier run is left"
    assert {p.stem for p in _kept(site)} == {
        Path(p).stem for p in linked - {"methods.html"}
    }  # methods: no notebook
    assert not (site / "barrier_analysis_DK.html").read_text(encoding="utf-8").count("told us")


def test_the_pages_are_built_from_the_export_in_the_site(site, source):
    public = load_study(site / "data")
    assert public.public and sorted(public.countries) == ["DK", "SE"], "EE (2 interviews) is not published"
    export_sum = data_checksum(site / "data")
    for path in _kept(site):
        params = nbformat.read(path, as_version=4).metadata["papermill"]["parameters"]
        assert params["data"] == str(site / "data") and params["public"] is True, path.name
    for path in _pages(site):
        text = path.read_text(encoding="utf-8")
        assert "Public export <code>data/</code>" in text and export_sum[:16] in text, path.name


def test_the_confidential_study_is_named_in_no_file_of_the_site(site, source):
    confidential = [
        str(Path(source).resolve()),
        str(source),
        data_checksum(Path(source)),
        data_checksum(Path(source))[:16],
    ]
    for path in _files(site):
        data = path.read_bytes().decode("utf-8", errors="replace")
        for secret in confidential:
            assert secret not in data, (path, secret)


# --- what the pages show ------------------------------------------------------------------


def test_no_planted_name_or_typed_text_on_any_page_or_kept_notebook(site):
    for where, text in _all_public_text(site).items():
        folded = fold(text)
        for planted in (
            NAMES
            + [
                CONTRIBUTOR,
                "Kowalski",
                "Johansson",
                "Nilsson",
                "Tamm",
                "Petrova",
                "Aarhus",
                "+46 70",
                "+45 33",
            ]
            + TYPED
        ):
            assert fold(planted) not in folded, (where, planted)


def test_the_unique_interviewee_sector_appears_nowhere(site):
    for where, text in _all_public_text(site).items():
        assert "judiciary" not in text.lower(), where
    dk = (site / "country_mapping_DK.html").read_text(encoding="utf-8")
    from impt_analysis.privacy.deidentify import HIERARCHIES

    who = [t for t in _tables(dk) if _header("total") in t.columns]
    published = HIERARCHIES["sector"]["state_authority"][0]  # the sector the export publishes, by its label
    assert who and who[0].iloc[:, 0].tolist() == [published, _header("total")], who[0]
    assert who[0].columns[0] == _header("sector") and "state_authority" not in dk


def test_no_count_of_1_to_4_in_a_table_cell(site):
    found_small = found_secondary = False
    for page in _pages(site):
        if page.name == "methods.html":  # the documentation of the rules: its tables hold defaults, not data
            continue
        for table in _tables(page.read_text(encoding="utf-8")):
            for col in table.columns:
                if col in {_header(c) for c in NOT_COUNTS}:
                    continue
                values = table[col].tolist()
                assert not [v for v in values if re.fullmatch(r"[1-4]", v)], (page.name, col, values)
                found_small |= "<5" in values
                found_secondary |= SECONDARY_MARK in values
    assert found_small, "the small counts are there, marked"
    assert found_secondary, "and so are the cells hidden to protect them"


def test_no_share_gives_a_hidden_count_back(site):
    """A share times any number of interviews the page states is never a count from 1 to 4."""
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        totals = _stated_totals(re.sub(r"<[^>]+>", " ", html))
        for table in _tables(html):
            for col in [c for c in table.columns if "share" in c.lower() or c == _header("mean_severity")]:
                for value in table[col]:
                    try:
                        share = float(value)
                    except ValueError:
                        continue
                    for n in totals | set(
                        pd.to_numeric(
                            table.get(_header("n_interviews"), pd.Series(dtype=str)), errors="coerce"
                        )
                        .dropna()
                        .astype(int)
                    ):
                        k = round(share * n)
                        assert not (1 <= k <= 4 and abs(share - k / n) < 0.006), (page.name, col, value, n)


def test_no_total_gives_a_hidden_cell_back(site):
    """In a table with totals, a line never holds exactly one hidden cell beside its shown total."""
    for page in _pages(site):
        for table in _tables(page.read_text(encoding="utf-8")):
            total = _header("total")
            if total not in table.columns:
                continue
            body = table.drop(columns=[table.columns[0]])
            hidden = body.isin(["<5", SECONDARY_MARK])
            for _, row in hidden.iterrows():
                assert row.drop(total).sum() != 1 or row[total], (page.name, row)
            for col in body.columns:
                label = table.iloc[:, 0]
                total_row = hidden[col][label.eq(total)]
                assert hidden[col][~label.eq(total)].sum() != 1 or total_row.any(), (page.name, col)


def test_no_small_count_in_any_sentence_or_copy(site):
    for where, text in _all_public_text(site).items():
        plain = re.sub(r"<[^>]+>", " ", text)
        assert not SMALL.search(plain), (where, SMALL.search(plain).group(0))


def test_plain_text_copies_show_what_the_html_shows(site):
    """Every output kept as a table: its text/plain copy holds no number the HTML copy hides."""
    for path in _kept(site):
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "text/html" in data and "text/plain" in data and "<table" in data["text/html"]:
                    html_numbers = set(
                        re.findall(r"\d+(?:\.\d+)?", re.sub(r"<[^>]+>", " ", data["text/html"]))
                    )
                    plain_numbers = set(re.findall(r"\d+(?:\.\d+)?", data["text/plain"]))
                    assert plain_numbers <= html_numbers, (path.name, plain_numbers - html_numbers)
                    assert "<5" in data["text/plain"] or "<5" not in data["text/html"], path.name


def test_a_barrier_named_in_two_interviews_is_hidden_with_its_share(site):
    dk = (site / "country_mapping_DK.html").read_text(encoding="utf-8")
    named = [
        t
        for t in _tables(dk)
        if _header("mean_severity") in t.columns
        or _header("share") in t.columns
        and _header("label") in t.columns
    ]
    assert named, "the barriers table is on the page"
    table = named[0]
    row = table[table[_header("label")].str.contains("ata protection", case=False)]
    assert len(row) == 1 and row[_header("interviews")].iloc[0] in ("<5", SECONDARY_MARK)
    assert row[_header("share")].iloc[0] == SECONDARY_MARK


def test_barriers_by_sector_have_no_public_answer(site):
    for country in ("DK", "SE", "ALL"):
        text = (site / f"barrier_analysis_{country}.html").read_text(encoding="utf-8")
        assert text.count("has no public answer") == 3, country  # by sector, by level, named together


def test_public_figures_hold_no_small_count(site):
    from impt_analysis.reporting import plots

    public = load_study(site / "data")
    figures = [plots.draw_barriers(public, None, public=True), plots.draw_three_aspects(public, public=True)]
    for country in public.countries:
        figures += [
            plots.draw_barriers(public, country, public=True),
            plots.draw_who_knows_what(public, country, public=True),
            plots.draw_flows(public, country, public=True),
        ]
    marks = []
    for fig in figures:
        texts = [t.get_text() for t in fig.texts]
        for ax in fig.axes:
            texts += [t.get_text() for t in ax.texts] + [ax.get_title(loc=w) for w in ("left", "center")]
            if ax.axison:  # tick labels of an axis switched off are not drawn
                texts += [
                    t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_visible()
                ]
            if ax.get_legend():
                texts += [t.get_text() for t in ax.get_legend().get_texts()]
        joined = "\n".join(texts)
        assert not SMALL.search(joined), SMALL.search(joined).group(0)
        assert not [t for t in texts if re.fullmatch(r"\s*[1-4]\s*", t)], "no count at the end of a bar"
        assert not any(fold(n) in fold(joined) for n in NAMES), "actor names and item labels are generated"
        marks += [t for t in texts if t in ("<5", SECONDARY_MARK)]
    assert "<5" in marks, "DK's data protection barrier (2 interviews) is marked, not drawn"


# --- the pieces, by hand ------------------------------------------------------------------


def test_public_table_marks_primary_secondary_and_true_zeros():
    """n: 3 (primary) and 12 (secondary: the column total 55 would give the 3 away); 0 is shown."""
    frame = pd.DataFrame(
        {
            "label": ["a", "b", "c", "d"],
            "n": [3, 0, 12, 40],
            "share": [0.05, 0.0, 0.22, 0.73],
            "organisations": [["x", "y"], [], ["z"], ["w"]],
        }
    )
    shown = public_table(frame)
    assert shown["n"].tolist() == ["<5", "0", SECONDARY_MARK, "40"]
    assert shown["share"].tolist() == [SECONDARY_MARK, "0.00", SECONDARY_MARK, "0.73"]
    assert shown["organisations"].tolist() == [SECONDARY_MARK, "", SECONDARY_MARK, "w"]
    assert shown["label"].tolist() == ["a", "b", "c", "d"]


def test_public_table_keeps_the_marks_of_the_export():
    """An empty count left by the export shows its reason; the reason column is not shown."""
    frame = pd.DataFrame(
        {
            "barrier": ["a", "b", "c"],
            "interviews": pd.array([None, None, 9], dtype="Int64"),
            "share": [None, None, 0.9],
            "suppression": ["primary", "secondary", ""],
        }
    )
    shown = public_table(frame)
    assert shown["interviews"].tolist() == ["<5", SECONDARY_MARK, "9"]
    assert "suppression" not in shown and shown["share"].tolist()[2] == "0.90"


def test_a_public_notebook_refuses_the_confidential_study():
    with pytest.raises(ValueError, match="public export"):
        open_study(str(demo_path()), public=True)


def test_a_folder_is_cleared_only_when_safe(tmp_path, monkeypatch):
    study = tmp_path / "study"
    study.mkdir()
    (study / "datapackage.json").write_text("{}", encoding="utf-8")
    full = tmp_path / "old"
    full.mkdir()
    (full / "x.html").write_text("old", encoding="utf-8")
    with pytest.raises(ReportFolderError, match="not empty"):
        check_public_folder(full, study, force=False)
    check_public_folder(full, study, force=True)  # allowed: cleared by the run
    check_public_folder(tmp_path / "new", study, force=False)
    with pytest.raises(ReportFolderError, match="study's own folder"):
        check_public_folder(tmp_path, study, force=True)
    with pytest.raises(ReportFolderError, match="study's own folder"):
        check_public_folder(study, study, force=True)
    monkeypatch.chdir(full)
    with pytest.raises(ReportFolderError, match="working directory"):
        check_public_folder(full, study, force=True)
    assert (full / "x.html").is_file() and (study / "datapackage.json").is_file()


def test_cli_refuses_to_clear_the_study_folder_with_a_sentence(source):
    result = _cli("--data", source, "--out", Path(source).parent, "--public", "--force", "--quiet")
    assert result.exit_code == 2 and "study's own folder" in result.output  # an --out it cannot use: usage
    assert "Traceback" not in result.output
    assert (Path(source) / "datapackage.json").is_file()


def test_cli_a_country_the_export_suppresses_has_no_page(source, tmp_path):
    result = _cli(
        "--data",
        source,
        "--country",
        "EE",
        "--out",
        tmp_path / "s",
        "--public",
        "--quiet",
        "--key-file",
        _key(tmp_path),
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        "Error: --country: no interview of EE is published in the public export (k=5), so it has no public "
        "page: leave it out or lower --k"
    ]
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())


def _key(tmp_path: Path) -> Path:
    key = tmp_path / "key"
    key.write_bytes(KEY)
    return key


def test_cli_a_study_without_licence_needs_licence_and_it_is_passed_through(source, tmp_path, monkeypatch):
    """The export asks for --licence when the study states none; the report passes it on, unchanged."""
    bare = planted_study()
    bare.meta.pop("licenses")
    folder = write_study(bare, tmp_path / "bare")
    result = _cli(
        "--data", folder, "--out", tmp_path / "s", "--public", "--quiet", "--key-file", _key(tmp_path)
    )
    assert result.exit_code == 2 and "--licence" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir()), "nothing is written"

    from impt_analysis.privacy import publish

    seen = {}

    def fake_export(study, out, **options):
        seen.update(options)
        raise ValueError("stopped by the test")

    monkeypatch.setattr(publish, "export_public", fake_export)
    result = _cli(
        "--data",
        folder,
        "--out",
        tmp_path / "t",
        "--public",
        "--quiet",
        "--licence",
        "CC0-1.0",
        "--k",
        "6",
        "--suppress-below",
        "3",
        "--key-file",
        _key(tmp_path),
    )
    assert result.exit_code == 1 and "stopped by the test" in result.output
    assert (
        seen["licence"] == "CC0-1.0" and seen["k"] == 6 and seen["suppress_below"] == 3 and seen["key"] == KEY
    )


def test_cli_public_options_need_public(tmp_path):
    result = _cli("--out", tmp_path / "s", "--force", "--k", "3")
    assert result.exit_code == 2 and "--k only go with --public" in result.output
    assert not (tmp_path / "s").exists()


def test_the_run_says_what_the_export_did(runs):
    output = runs["forced"].output
    assert "wrote a de-identified public export to" in output and "data" in output
    assert "disclosure check: passed" in output and "6 of 6 reports built" in output


def test_a_later_wave_is_compared_through_its_own_public_export(source, tmp_path):
    """--compare-with on a public site: the later wave is exported too (data-later/), never read as it is."""
    from impt_analysis.reporting.report import run_report

    later = write_study(planted_study(), tmp_path / "later")
    result = run_report(
        source,
        ["DK"],
        tmp_path / "site",
        jobs=2,
        public=True,
        progress=False,
        compare_with=later,
        key=KEY,
        names=NAMES,
    )
    assert not result.failed, result.summary()
    site = tmp_path / "site"
    assert load_study(site / "data-later").public
    params = nbformat.read(site / "notebooks" / "regional_overview.ipynb", as_version=4).metadata["papermill"]
    assert params["parameters"]["compare_with"] == str(site / "data-later")
    for path in _files(site):
        assert str(later) not in path.read_bytes().decode("utf-8", errors="replace"), path
    overview = (site / "regional_overview.html").read_text(encoding="utf-8")
    assert _header("coordination_change") in overview and not SMALL.search(re.sub(r"<[^>]+>", " ", overview))


def test_a_page_showing_a_listed_name_is_taken_down_but_not_for_image_bytes(tmp_path):
    """'Anna' in a table is found (case and accents aside: 'ÄNNA'); in an image's base64 letters it is not."""
    from impt_analysis.reporting.report import Job, JobResult, _refuse_names

    results = []
    for name, body in (
        ("named", "<td>ÄNNA</td>"),
        ("image", '<img src="data:image/png;base64,QUFBannaQUFB">'),
    ):
        page = tmp_path / f"{name}.html"
        page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
        results.append(JobResult(Job("country_mapping", name, name, {}), True, html=str(page)))
    checked = _refuse_names(tmp_path, results, ["Anna"])
    assert [r.ok for r in checked] == [False, True]
    assert "taken down" in checked[0].error and not (tmp_path / "named.html").exists()
    assert (tmp_path / "image.html").exists()
