"""The ``impt`` command line: exit codes, help texts, no tracebacks on bad data."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from impt_analysis import __version__, load_study
from impt_analysis.cli import main
from impt_analysis.study import demo_path

DEMO = demo_path()


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


def _snapshot(folder):
    return sorted(
        (str(p.relative_to(folder)), p.read_bytes() if p.is_file() else b"") for p in folder.rglob("*")
    )


def test_an_existing_out_folder_exits_2_in_every_command(tmp_path):
    """'output folder exists' is the same usage error (exit 2) in import-xlsx and export-public, and nothing is written."""
    out = tmp_path / "taken"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    before = _snapshot(out)
    workbook = tmp_path / "w.xlsx"
    workbook.write_bytes(b"not read: --out is refused first")
    for args in (
        ["export-public", "-o", out],
        ["import-xlsx", workbook, "-o", out],
        ["import-qdpx", workbook, "-o", out],
        ["demo-data", "-o", out],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "already holds files" in result.output and "--force" in result.output, result.output
        assert "Traceback" not in result.output
        assert _snapshot(out) == before, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken", "w.xlsx"]


def test_an_existing_out_file_exits_2_without_force(tmp_path):
    for args, name in (
        (["export-qdpx"], "s.qdpx"),
        (["codebook"], "f.qdc"),
        (["starter"], "s.qdpx"),
    ):
        target = tmp_path / name
        target.write_bytes(b"earlier work")
        result = run(*args, "-o", target)
        assert result.exit_code == 2, (args, result.output)
        assert "already exists" in result.output and "--force" in result.output
        assert target.read_bytes() == b"earlier work"
        result = run(*args, "-o", target, "--force")
        assert result.exit_code == 0, result.output
        assert target.read_bytes() != b"earlier work"
        assert sorted(p.name for p in tmp_path.iterdir()) == [name]
        target.unlink()


def test_a_bug_is_not_called_a_data_error(monkeypatch, tmp_path):
    """A ValueError the workbench did not raise on purpose is said to be a bug (exit 1), not bad data."""
    from impt_analysis.interop.refi_qda import frame

    def broken(path):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr(frame, "write_codebook", broken)
    result = run("codebook", "-o", tmp_path / "f.qdc")
    assert result.exit_code == 1
    assert "unexpected ValueError: cannot convert float NaN to integer" in result.output
    assert "bug of the workbench" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_short_flags_and_quiet(tmp_path):
    result = run("graph", "-d", DEMO, "-o", tmp_path / "g.json", "--country", "DK")
    assert result.exit_code == 0 and (tmp_path / "g.json").is_file(), result.output
    result = run("export-public", "-d", DEMO, "-o", tmp_path / "pub", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == "" and (tmp_path / "pub" / "datapackage.json").is_file()


def test_report_refuses_a_folder_of_other_files(tmp_path):
    """A non-public site replaces its --out whole: a folder holding other files needs --force (exit 2)."""
    out = tmp_path / "docs"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    result = run("report", "--country", "DK", "-o", out, "-q")
    assert result.exit_code == 2, result.output
    assert "not an impt report site" in result.output and "--force" in result.output
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_progress_is_plain_lines_into_a_file(capsys):
    from impt_analysis.reporting.report import _progress

    bar = _progress(2, True)  # stderr is captured here: no terminal
    bar.update(1)
    bar.update(1)
    bar.close()
    err = capsys.readouterr().err
    assert "\r" not in err and err.splitlines() == [
        "reports: 1 of 2 notebooks done",
        "reports: 2 of 2 notebooks done",
    ]
    assert _progress(2, False).disable


def test_agreement_with_one_coder_says_so(tmp_path, demo_copy):
    path = demo_copy / "codings.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0]] + [x for x in lines[1:] if ",coder_1," in x]) + "\n", encoding="utf-8"
    )
    result = run("agreement", "-d", demo_copy, "--boot", 0)
    assert result.exit_code == 0, result.output
    assert "Only one coder coded this study: there is no agreement to measure." in result.output
    assert "Empty DataFrame" not in result.output


def test_force_says_what_it_replaces_as_out_is_a_file_or_a_folder():
    """--force replaces an existing file where --out is a file, a non-empty folder where it may be a folder."""
    forced = {}
    for name, command in main.commands.items():
        params = {p.name: p for p in command.params}
        if "force" in params and name != "report":  # report's --force says more
            forced[name] = params["force"].help
            assert params["out"].opts == ["-o", "--out"] and params["out"].required
            if params["out"].type.dir_okay:
                assert forced[name] == "Replace a non-empty --out folder.", name
            else:
                assert forced[name] == "Replace an existing --out file.", name
    assert len(forced) == 8, forced


def test_report_names_every_export_option_given_without_public(tmp_path):
    result = run(
        "report", "--out", tmp_path / "s", "--k", "3", "--suppress-below", "3", "--key-file", tmp_path / "k",
        "--names-file", tmp_path / "n", "--licence", "CC0-1.0",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--k, --suppress-below, --key-file, --names-file, --licence only go with --public" in result.output
    assert not (tmp_path / "s").exists()
