"""paths: file names from study values, and files and folders replaced atomically."""

from __future__ import annotations

import pytest

from impt_analysis.paths import file_in, folder_replaced_atomically, move_into_place, replaced_atomically


def test_file_in_refuses_a_path_out(tmp_path):
    assert file_in(tmp_path, "DK-I1", ".txt") == tmp_path / "DK-I1.txt"
    for bad in ("../x", "a/b", "..", "", "a\x00b", "a\nb"):
        with pytest.raises(ValueError, match="cannot be a file name"):
            file_in(tmp_path, bad, ".txt")


def test_move_into_place_swaps_a_folder_whole(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.csv").write_text("old")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "new.csv").write_text("new")
    move_into_place(tmp_path / "new", tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no old or partial folder left


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "study"
    out.mkdir()
    (out / "a.csv").write_text("kept")
    with pytest.raises(RuntimeError), folder_replaced_atomically(out) as tmp:
        (tmp / "a.csv").write_text("half")
        raise RuntimeError("disk full")
    assert (out / "a.csv").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]


def test_a_written_folder_replaces_the_old_one(tmp_path):
    out = tmp_path / "study"
    out.mkdir()
    (out / "old.csv").write_text("old")
    with folder_replaced_atomically(out) as tmp:
        (tmp / "new.csv").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]


def test_a_failed_file_write_leaves_the_file(tmp_path):
    target = tmp_path / "p.csv"
    target.write_text("kept")
    with pytest.raises(KeyboardInterrupt), replaced_atomically(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "kept" and [p.name for p in tmp_path.iterdir()] == ["p.csv"]


def test_shipped_prefers_the_installed_package_then_the_checkout(tmp_path, monkeypatch):
    from impt_analysis import paths

    package = tmp_path / "impt_analysis"
    monkeypatch.setattr(paths, "_PACKAGE", package)
    assert paths.shipped("data/demo", "datapackage.json") is None  # neither
    (tmp_path / "data" / "demo").mkdir(parents=True)
    (tmp_path / "data" / "demo" / "datapackage.json").write_text("{}")
    assert paths.shipped("data/demo", "datapackage.json") == tmp_path / "data" / "demo"  # a source checkout
    (package / "data" / "demo").mkdir(parents=True)
    assert paths.shipped("data/demo", "datapackage.json") == tmp_path / "data" / "demo"  # no marker: not it
    (package / "data" / "demo" / "datapackage.json").write_text("{}")
    assert paths.shipped("data/demo", "datapackage.json") == package / "data" / "demo"  # a wheel
