"""File names built from study values stay inside their folder; a file is replaced whole or not at all."""

from __future__ import annotations

import os

import pytest

from impt_analysis.paths import file_in, replaced_atomically, safe_name


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("DK-I1", True),
        ("Interview DK 1", True),
        ("", False),
        (".", False),
        ("..", False),
        ("a/b", False),
        ("a\\b", False),
        ("tab\there", False),
        ("del" + chr(127), False),
        ("x" * 240, True),  # 240 bytes: the most
        ("x" * 241, False),
        ("é" * 121, False),  # 242 bytes in UTF-8
        (5, False),
    ],
)
def test_safe_name(value, safe):
    assert safe_name(value) is safe


def test_file_in_refuses_a_way_out(tmp_path):
    assert file_in(tmp_path, "DK-I1", ".txt") == tmp_path / "DK-I1.txt"
    with pytest.raises(ValueError, match="cannot be a file name inside"):
        file_in(tmp_path, "../x", ".txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "texts"
    folder.mkdir()
    os.symlink(outside / "I1.txt", folder / "I1.txt")  # a link planted in the folder
    with pytest.raises(ValueError, match="leads out of .* \\(a symbolic link\\): refused"):
        file_in(folder, "I1", ".txt")


def test_replaced_atomically_keeps_the_old_file_on_error(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with replaced_atomically(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no partial file left
    with replaced_atomically(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
