"""The report notebooks: committed clean, parameterised, and executed by papermill."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    book = json.loads(path.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_with_typed_commented_defaults(path):
    import papermill

    book = nbformat.read(path, as_version=4)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = papermill.inspect_notebook(str(path))
    assert params, "papermill --help-notebook finds no parameters"
    assert all(p["inferred_type_name"] != "None" and p["help"] for p in params.values()), params


def test_country_mapping_executes_with_papermill(tmp_path, demo):
    """Run for LT with explicit parameters: the outputs hold LT's three-aspect verdicts."""
    import papermill

    from impt_analysis import three_aspects

    out = tmp_path / "lt.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "country_mapping.ipynb"),
        str(out),
        parameters={"country": "LT", "data": None, "include_excerpts": False, "public": False},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    book = nbformat.read(out, as_version=4)
    text = "\n".join(
        json.dumps(o.get("data", {})) + o.get("text", "")
        for c in book.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    verdicts = three_aspects(demo).loc["LT"]
    assert "Information mapping: LT" in text
    names = {
        "coordination": "National co-ordination",
        "networks": "Professional networks",
        "local_input": "Local and regional input",
    }
    for aspect, name in names.items():
        verdict = re.escape(verdicts[aspect])
        cell = r"<td [^>]*>"  # a Styler cell: its id and class (text, num, id)
        assert re.search(rf"{cell}{name}</td>\\n\s*{cell}{verdict}</td>", text), (aspect, verdicts[aspect])
    from impt_analysis import recommend_channels

    assert recommend_channels(demo, "LT", k=3)["ties"].tolist() == [2, 2, 2]  # each step a choice of two
    assert text.count("one of two channels that would each bring as many") == 3
    assert not [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    streams = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"]
    assert streams == [], "no warnings or log noise in a report"


def test_unknown_country_is_refused_at_once(tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(REPO / "notebooks" / "country_mapping.ipynb"),
            str(tmp_path / "x.ipynb"),
            parameters={"country": "XX"},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(REPO / "notebooks"),
        )
    assert info.value.ename == "UnknownCountryError"
    assert info.value.evalue.startswith("parameter country: unknown country 'XX': the study has DE, DK, ")
    assert info.value.exec_count <= 3  # the check runs before any analysis


def test_regional_overview_compares_with_a_later_wave(tmp_path):
    """With compare_with, the overview shows the change table and its figure."""
    import papermill

    from impt_analysis.demo import generate_study
    from impt_analysis.study import write_study

    later = write_study(generate_study(wave=2), tmp_path / "wave2")
    out = tmp_path / "overview.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "regional_overview.ipynb"),
        str(out),
        parameters={"data": None, "compare_with": str(later), "public": False},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    book = nbformat.read(out, as_version=4)
    last = [c for c in book.cells if c.cell_type == "code"][-1]
    kinds = [set(o.get("data", {})) for o in last.outputs]
    assert any("text/html" in k for k in kinds) and any("image/png" in k for k in kinds)
    assert "coordination_change" in json.dumps([o.get("data", {}) for o in last.outputs])


def test_the_recommended_channels_say_their_ties_with_plurals():
    """One row tied with nine others, one alone with one actor and no item; by hand."""
    import pandas as pd

    from impt_analysis.reporting.notebook import channels_text

    channels = pd.DataFrame(
        {
            "rank": [1, 2],
            "source_name": ["Parish youth work", "School social worker"],
            "target_name": ["Contact point", "Contact point"],
            "new_local_actors": [2, 1],
            "new_items": [["T1", "T2"], []],
            "ties": [10, 1],
        }
    )
    text = channels_text(channels)
    assert text.startswith("Two new channels:")
    first, second = text.splitlines()[2:]
    assert "brings two local or regional actors and two items of side information" in first
    assert "one of ten channels that would each bring as many" in first
    assert "brings one local or regional actor and no side information" in second
    assert "No other channel would bring as much" in second
    assert channels_text(channels.iloc[:1]).startswith("One new channel:")
    assert channels_text(channels.iloc[:0]).startswith("No new channel")
