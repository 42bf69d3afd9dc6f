"""Open a ``.qdpx`` safely: ZIP entries checked before any is read, the XML parsed without a DTD.

A ``.qdpx`` is untrusted input. Entries with absolute paths, ``..``, NUL characters or
symbolic links are refused, as are duplicate entries; the number of entries and their
uncompressed size are capped (:data:`MAX_ENTRIES`, :data:`MAX_UNCOMPRESSED_BYTES`).
``project.qde`` is parsed with :mod:`defusedxml` and no DTD, so no entities and no external
references. Each of these stops the import with :class:`UnsafeArchiveError` before anything
is written.

Examples
--------
>>> from pathlib import Path
>>> archive = Archive(Path("project.qdpx"), MAX_UNCOMPRESSED_BYTES, MAX_ENTRIES)  # doctest: +SKIP
>>> parse_project(archive).tag                                                    # doctest: +SKIP
'Project'
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .project import NAMESPACE, QdpxError, UnsafeArchiveError

__all__ = ["MAX_ENTRIES", "MAX_UNCOMPRESSED_BYTES", "Archive", "parse_project"]

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB: far above any interview project, far below a ZIP bomb


class Archive:
    """The entries of a .qdpx, checked before anything is read from them."""

    def __init__(self, path: Path, max_bytes: int, max_entries: int):
        self.label = path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, OSError) as err:
            raise QdpxError(f"{path.name}: not a REFI-QDA project: the file is not a ZIP archive ({err})") from None
        infos = self.zip.infolist()
        if len(infos) > max_entries:
            raise UnsafeArchiveError(f"{path.name}: refused: the archive holds {len(infos)} entries, "
                                     f"more than the {max_entries} allowed")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            why = _unsafe_name(name)
            if why is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
                why = "is a symbolic link"
            if why:
                raise UnsafeArchiveError(f"{path.name}: refused: the entry {info.filename!r} {why}; "
                                         "a .qdpx holds only project.qde and sources/")
            if name in self.entries:
                raise UnsafeArchiveError(f"{path.name}: refused: the entry {name!r} appears twice")
            if info.flag_bits & 0x1:
                raise QdpxError(f"{path.name}: the entry {name!r} is encrypted; export the project without a password")
            total += info.file_size
            if total > max_bytes:
                raise UnsafeArchiveError(f"{path.name}: refused: the entries unpack to more than "
                                         f"{max_bytes:,} bytes (the limit)")
            self.entries[name] = info
        self.folded = {n.casefold(): n for n in self.entries}

    def read(self, name: str) -> bytes | None:
        """The bytes of an entry (exact name, else any case), or None if there is none."""
        name = self.folded.get(name.casefold()) if name not in self.entries else name
        if name is None:
            return None
        info = self.entries[name]
        try:
            with self.zip.open(info) as handle:
                return handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            raise QdpxError(f"{self.label}: the entry {name!r} cannot be read: {err}") from None


def _unsafe_name(name: str) -> str | None:
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    if "\x00" in name:
        return "holds a NUL character"
    return None


def parse_project(archive: Archive) -> ET.Element:
    """The ``Project`` element of ``project.qde``, its tags reduced to their local names."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    data = archive.read("project.qde")
    if data is None:
        raise QdpxError(f"{archive.label}: not a REFI-QDA project: project.qde is missing from the archive")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise UnsafeArchiveError(f"{archive.label}: refused: project.qde declares a DTD, entities or external "
                                 f"references ({type(err).__name__}); REFI-QDA files need none") from None
    except ET.ParseError as err:
        raise QdpxError(f"{archive.label}: project.qde is not well-formed XML: {err}") from None
    for element in root.iter():  # work with local names: the REFI-QDA namespace, or none
        ns, _, local = element.tag.rpartition("}")
        if ns and ns[1:] != NAMESPACE:
            raise QdpxError(f"{archive.label}: project.qde uses the namespace {ns[1:]!r}, not {NAMESPACE!r}")
        element.tag = local
    if root.tag != "Project":
        raise QdpxError(f"{archive.label}: project.qde holds <{root.tag}>, not a REFI-QDA <Project>")
    return root
