"""Package documentation: a README codebook and CITATION.cff that say everything about the data."""

from __future__ import annotations

import json

import pandas as pd
import yaml

from impt_analysis.codebook import default_codebook
from impt_analysis.interop.package_docs import citation_cff, codebook_readme, write_package_docs
from impt_analysis.schema import package_descriptor
from impt_analysis.study import demo_path, write_study


def test_the_demo_carries_readme_and_citation():
    folder = demo_path()
    descriptor = json.loads((folder / "datapackage.json").read_text())
    readme = (folder / "README.md").read_text()
    assert readme.startswith(f"# {descriptor['title']}\n\n> **SYNTHETIC DEMONSTRATION DATA.**")
    codebook = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    for r in descriptor["resources"]:
        rows = len(pd.read_csv(folder / r["path"], dtype=str))
        assert f"| [`{r['name']}`](#table-{r['name']}) | `{r['path']}` | {rows} |" in readme
        section = readme.split(f"### `{r['path']}`", 1)[1].split("\n### ", 1)[0]
        for f in r["schema"]["fields"]:
            assert f"| `{f['name']}` | {f['type']} |" in section, (r["name"], f["name"])
    for row in codebook.itertuples(index=False):
        assert f"| `{row.code}` | {row.label} |" in readme, row.code
    cff = yaml.safe_load((folder / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == descriptor["title"] and cff["version"] == descriptor["version"]
    assert cff["license"] == "CC-BY-4.0" and descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "IMPT Workbench contributors"}]
    assert cff["references"][0]["url"] == "https://www.childcentre.info"


def test_columns_link_to_their_vocabulary():
    """verification and basis hold the same three codes: each column links to its own."""
    cb = default_codebook()
    text = codebook_readme(package_descriptor({"title": "T"}, cb), cb)
    assert (
        "| `verification` | string | yes | Official, maybe or anecdotal. | a code of [`verification`]" in text
    )
    assert (
        "| `basis` | string | yes | What the figure is based on. | a code of [`basis`](#vocabulary-basis) |"
        in text
    )
    assert "| `severity` | integer | yes | 1 minor, 2 serious, 3 blocking. | 1 to 3 |" in text
    assert "Used in `actors.sector`, `interviews.sector`." in text
    assert "SYNTHETIC" not in text


def test_pipes_and_line_breaks_do_not_break_the_tables():
    cb = default_codebook()
    cb.loc[0, "description"] = "a | b\nc"
    text = codebook_readme(package_descriptor({"title": "T"}, cb), cb)
    assert "| `local` | Local | a \\| b c |" in text


def test_citation_of_people_and_organisations():
    text = citation_cff(
        {
            "title": "T",
            "version": "2",
            "licenses": [{"name": "CC-BY-4.0"}],
            "contributors": [
                {"givenName": "Aino", "familyName": "Virtanen", "organization": "Uni"},
                {"title": "CBSS", "roles": ["publisher"]},
            ],
            "sources": [{"title": "Report", "path": "https://example.org/r", "author": "CBSS"}],
        }
    )
    cff = yaml.safe_load(text)
    assert cff["authors"] == [
        {"family-names": "Virtanen", "given-names": "Aino", "affiliation": "Uni"},
        {"name": "CBSS"},
    ]
    assert cff["references"] == [
        {"type": "generic", "title": "Report", "authors": [{"name": "CBSS"}], "url": "https://example.org/r"}
    ]
    assert yaml.safe_load(citation_cff({"title": "T"}))["authors"] == [{"name": "anonymous"}]


def test_write_study_writes_the_docs(demo, tmp_path):
    folder = write_study(demo, tmp_path / "s")
    assert (folder / "README.md").read_text() == (demo_path() / "README.md").read_text()
    (folder / "README.md").unlink()
    assert [p.name for p in write_package_docs(folder)] == ["README.md", "CITATION.cff"]
    assert (folder / "README.md").read_text() == (demo_path() / "README.md").read_text()
