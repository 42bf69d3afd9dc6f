"""The ``impt`` command line: exit codes, help texts, no tracebacks on bad data."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from impt_analysis import __version__, load_study
from impt_analysis.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_help_of_every_command_has_an_example():
    result = run("--help")
    assert result.exit_code == 0
    for name in main.commands:
        sub = run(name, "--help")
        assert sub.exit_code == 0, name
        assert "Example" in sub.output, f"impt {name} --help gives no example"


def test_validate_demo_prints_summary():
    result = run("validate")
    assert result.exit_code == 0
    assert "60 interviews in 9 countries" in result.output
    assert "SYNTHETIC" in result.output


def test_validate_bad_data_exits_1_with_problems(demo_copy):
    path = demo_copy / "flows.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("regular", "weekly").replace("ad_hoc", "weekly")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", demo_copy)
    assert result.exit_code == 1
    assert "flows.csv, row 4, column frequency: 'weekly'" in result.output
    assert "Traceback" not in result.output


def test_validate_missing_folder_exits_1(tmp_path):
    result = run("validate", tmp_path / "nowhere")
    assert result.exit_code == 1 and "no such study folder" in result.output


def test_usage_error_exits_2():
    assert run("demo-data").exit_code == 2  # --out is required
    assert run("demo-data", "--out", "x", "--interviews", "3").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_demo_data_writes_a_valid_study(tmp_path):
    result = run("demo-data", "--out", tmp_path / "s", "--interviews", 90, "--seed", 3)
    assert result.exit_code == 0, result.output
    assert len(load_study(tmp_path / "s").interviews) == 90


def test_console_script_runs_without_traceback(demo_copy):
    (demo_copy / "items.csv").write_bytes(b"item_id,country\n\xff\xfe,DK\n")
    proc = subprocess.run(
        [sys.executable, "-m", "impt_analysis.cli", "validate", str(demo_copy)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "not UTF-8" in proc.stderr


def test_many_problems_of_one_kind_are_summarised(demo_copy):
    """An emptied interviews.csv breaks hundreds of references: five lines of each kind, then a count."""
    (demo_copy / "interviews.csv").write_text("interview_id,country\n", encoding="utf-8")
    result = run("validate", demo_copy)
    assert result.exit_code == 1
    assert "interviews.csv, row 1, column date: required column is missing" in result.output
    assert "more of this kind (rows" in result.output
    assert len(result.output.splitlines()) < 80
    full = run("validate", "--all", demo_copy)
    assert full.exit_code == 1 and len(full.output.splitlines()) > 500
