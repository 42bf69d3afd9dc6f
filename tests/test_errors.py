"""The error classes and the command line's boundary: each class exits with its own code, in one sentence."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from impt_analysis import errors
from impt_analysis.cli import main


@pytest.mark.parametrize(
    "cls, code, base",
    [
        (errors.ImptError, 1, Exception),
        (errors.InvalidDataError, 1, ValueError),
        (errors.UsageProblem, 2, ValueError),
        (errors.UnknownCountryError, 2, errors.UsageProblem),
        (errors.OutputExistsError, 2, FileExistsError),
    ],
)
def test_each_class_has_its_exit_code(cls, code, base):
    assert cls.exit_code == code and issubclass(cls, base) and issubclass(cls, errors.ImptError)


@pytest.mark.parametrize(
    "raised, code",
    [
        (errors.InvalidDataError("items.csv, row 3, column label: empty"), 1),
        (errors.UsageProblem("--country XX is not a country of the study"), 2),
        (errors.OutputExistsError("g.gexf exists; add --force to replace it"), 2),
    ],
)
def test_the_cli_prints_the_sentence_and_exits_with_the_class_code(raised, code, monkeypatch, tmp_path):
    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr("impt_analysis.interop.export.export_graph", fail)
    result = CliRunner().invoke(main, ["graph", "--out", str(tmp_path / "g.gexf")])
    assert result.exit_code == code
    assert str(raised) in result.output and "Traceback" not in result.output


def test_any_other_error_is_said_to_be_a_bug_in_one_sentence(monkeypatch, tmp_path):
    def fail(*args, **kwargs):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr("impt_analysis.interop.export.export_graph", fail)
    result = CliRunner().invoke(main, ["graph", "--out", str(tmp_path / "g.gexf")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "unexpected ValueError: cannot convert float NaN to integer" in result.output
    assert "bug of the workbench" in result.output
