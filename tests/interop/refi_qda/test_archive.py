"""A .qdpx is untrusted: entries outside the archive, bombs, DTDs and what is not a project are refused."""

from __future__ import annotations

import zipfile

import pytest

from impt_analysis.interop.refi_qda import QdpxError, UnsafeArchiveError, read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, _zip_with, project, qdpx


@pytest.mark.parametrize(
    "name, why",
    [
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.txt", "absolute path"),
        ("sources/../../evil.txt", "'..'"),
        ("..\\evil.txt", "'..'"),
    ],
)
def test_entries_outside_the_archive_are_refused(tmp_path, name, why):
    with pytest.raises(UnsafeArchiveError, match=why):
        read_qdpx(_zip_with(tmp_path, name), DEFAULTS)


def test_uncompressed_size_and_entries_are_capped(tmp_path):
    bomb = _zip_with(tmp_path, "sources/zeros.txt", b"0" * 2_000_000)  # deflates to a few kB
    with pytest.raises(UnsafeArchiveError, match="more than 1,000,000 bytes"):
        read_qdpx(bomb, DEFAULTS, max_bytes=1_000_000)
    many = tmp_path / "many.qdpx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("project.qde", project())
        for i in range(20):
            archive.writestr(f"sources/{i}.txt", "x")
    with pytest.raises(UnsafeArchiveError, match="21 entries, more than the 10 allowed"):
        read_qdpx(many, DEFAULTS, max_entries=10)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # entity expansion
        '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # external entity
        '<!DOCTYPE Project SYSTEM "http://example.org/project.dtd">',  # external DTD
    ],
)
def test_xml_with_dtd_or_entities_is_refused(tmp_path, doctype):
    xml = (
        project()
        .replace("<Project ", doctype + "<Project ", 1)
        .replace('name="Test project"', 'name="&b;"' if "ENTITY b" in doctype else 'name="x"')
    )
    path = qdpx(tmp_path / "xml.qdpx", xml)
    with pytest.raises(UnsafeArchiveError, match="DTD, entities or external references"):
        read_qdpx(path, DEFAULTS)


def test_not_a_project_is_a_clear_error(tmp_path):
    (tmp_path / "plain.qdpx").write_text("hello", encoding="utf-8")
    with pytest.raises(QdpxError, match="not a ZIP archive"):
        read_qdpx(tmp_path / "plain.qdpx")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("sources/a.txt", "x")
    with pytest.raises(QdpxError, match="project.qde is missing"):
        read_qdpx(empty)
    with pytest.raises(QdpxError, match="not well-formed XML"):
        read_qdpx(qdpx(tmp_path / "broken.qdpx", "<Project"))
    with pytest.raises(QdpxError, match="namespace"):
        read_qdpx(qdpx(tmp_path / "other.qdpx", '<Project xmlns="urn:other" name="x"/>'))
