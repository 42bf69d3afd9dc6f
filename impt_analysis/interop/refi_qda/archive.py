"""Open a ``.qdpx`` safely: ZIP entries checked before any is read, the XML parsed without a DTD.

A ``.qdpx`` is untrusted input. Entries with absolute paths, ``..``, NUL characters or
symbolic links are refused, as are duplicate entries; the number of entries and their
uncompressed size are capped (:data:`MAX_ENTRIES`, :data:`MAX_UNCOMPRESSED_BYTES`).
``project.qde`` is parsed with :mod:`defusedxml` and no DTD, so no entities and no external
references. Each of these stops the import with :class:`UnsafeArchiveError` before anything
is written.

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis import load_study
>>> from impt_analysis.interop.refi_qda import write_qdpx
>>> path = write_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "project.qdpx")
>>> parse_project(Archive(path, MAX_UNCOMPRESSED_BYTES, MAX_ENTRIES)).tag
'Project'
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree as ET

from .project import NAMESPACE, QdpxError, UnsafeArchiveError

__all__ = [
    "MAX_ENTRIES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_XML_BYTES",
    "MAX_XML_DEPTH",
    "Archive",
    "parse_project",
]

MAX_ENTRIES = 10_000
# Sized to what a real study needs (a few MB): far above any interview project, far below a bomb.
MAX_UNCOMPRESSED_BYTES = 256 << 20  # 256 MiB: every entry together, as declared and as read
MAX_XML_BYTES = 32 << 20  # 32 MiB: project.qde
MAX_XML_DEPTH = 200  # nested elements (codes nested in codes): a real codebook has a handful


class Archive:
    """The entries of a .qdpx, checked before anything is read from them."""

    def __init__(self, path: Path, max_bytes: int, max_entries: int):
        self.label = path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, OSError) as err:
            raise QdpxError(
                f"{path.name}: not a REFI-QDA project: the file is not a ZIP archive ({err})"
            ) from None
        infos = self.zip.infolist()
        if len(infos) > max_entries:
            raise UnsafeArchiveError(
                f"{path.name}: refused: the archive holds {len(infos)} entries, "
                f"more than the {max_entries} allowed"
            )
        self.entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            why = _unsafe_name(name)
            if why is None and (info.external_attr >> 16) & 0o170000 == 0o120000:
                why = "is a symbolic link"
            if why:
                raise UnsafeArchiveError(
                    f"{path.name}: refused: the entry {info.filename!r} {why}; "
                    "a .qdpx holds only project.qde and sources/"
                )
            if name in self.entries:
                raise UnsafeArchiveError(f"{path.name}: refused: the entry {name!r} appears twice")
            if info.flag_bits & 0x1:
                raise QdpxError(
                    f"{path.name}: the entry {name!r} is encrypted; export the project without a password"
                )
            total += info.file_size
            if total > max_bytes:
                raise UnsafeArchiveError(
                    f"{path.name}: refused: the entries unpack to more than {max_bytes:,} bytes (the limit)"
                )
            self.entries[name] = info
        self.folded = {n.casefold(): n for n in self.entries}
        self.max_bytes = max_bytes
        self.read_bytes = 0  # every byte unpacked so far, across entries
        self.taken: set[str] = set()

    def read(self, name: str, limit: int | None = None) -> bytes | None:
        """The bytes of an entry (exact name, else any case), or None if there is none.

        Each entry is read at most once (two sources pointing at one text is refused), and the
        bytes read from all entries together stay under the archive's cap, whatever the
        entries' headers declare; ``limit`` caps this entry.
        """
        name = self.folded.get(name.casefold()) if name not in self.entries else name
        if name is None:
            return None
        if name in self.taken:
            raise UnsafeArchiveError(
                f"{self.label}: refused: the entry {name!r} is used twice (two sources name one "
                "text); each entry of a project is read once"
            )
        self.taken.add(name)
        info = self.entries[name]
        budget = self.max_bytes - self.read_bytes
        if limit is not None:
            budget = min(budget, limit)
        if info.file_size > budget:
            raise UnsafeArchiveError(
                f"{self.label}: refused: the entry {name!r} unpacks to {info.file_size:,} bytes, "
                f"more than the {budget:,} still allowed (the limit is {self.max_bytes:,} bytes "
                + (f", {limit:,} for this entry)" if limit is not None else "in all)")
            )
        try:
            with self.zip.open(info) as handle:
                data = handle.read(budget + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as err:
            raise QdpxError(
                f"{self.label}: the entry {name!r} cannot be read: the archive is damaged ({err}); "
                "export the project again"
            ) from None
        if len(data) > budget:
            raise UnsafeArchiveError(
                f"{self.label}: refused: the entry {name!r} unpacks to more than it declares"
            )
        self.read_bytes += len(data)
        return data


def _unsafe_name(name: str) -> str | None:
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    if "\x00" in name:
        return "holds a NUL character"
    return None


def _check_depth(data: bytes, label: str) -> None:
    """Refuse XML nested deeper than :data:`MAX_XML_DEPTH`, before a tree is built (a streaming pass)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        if depth[0] > MAX_XML_DEPTH:
            raise UnsafeArchiveError(
                f"{label}: refused: project.qde nests elements more than {MAX_XML_DEPTH} deep "
                f"(line {parser.CurrentLineNumber}); a REFI-QDA project needs a few levels"
            )

    def end(name):
        depth[0] -= 1

    class _Doctype(Exception):
        pass

    def doctype(*args):
        raise _Doctype()

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    parser.DefaultHandler = lambda data: None  # no entity is expanded here
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Doctype):
        pass  # not well-formed, or a DTD: refused by the parse that follows, with its own message


def check_guids(root: ET.Element, label: str) -> None:
    """Refuse two elements of one kind with one GUID: a coding would go to the wrong code or source.

    Examples
    --------
    >>> root = ET.fromstring('<Project><Code guid="{A1}"/><Code guid="a1"/></Project>')
    >>> check_guids(root, "p.qdpx")
    Traceback (most recent call last):
    ...
    impt_analysis.interop.refi_qda.project.QdpxError: p.qdpx: two <Code> elements have the GUID 'a1': each GUID names one thing; fix the project in its tool and export it again
    """
    seen: dict[tuple[str, str], ET.Element] = {}
    for element in root.iter():
        guid = element.get("guid")
        if not guid:
            continue
        tag = element.tag.rpartition("}")[2]
        key = (tag, guid.strip("{}").lower())
        if key in seen:
            what = [e.get("name") for e in (seen[key], element) if e.get("name")]
            named = f" ({' and '.join(map(repr, what))})" if what else ""
            raise QdpxError(
                f"{label}: two <{tag}> elements{named} have the GUID {key[1]!r}: each GUID names one "
                "thing; fix the project in its tool and export it again"
            )
        seen[key] = element


def parse_project(archive: Archive) -> ET.Element:
    """The ``Project`` element of ``project.qde``, its tags reduced to their local names."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    data = archive.read("project.qde", MAX_XML_BYTES)
    if data is None:
        raise QdpxError(f"{archive.label}: not a REFI-QDA project: project.qde is missing from the archive")
    _check_depth(data, archive.label)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise UnsafeArchiveError(
            f"{archive.label}: refused: project.qde declares a DTD, entities or external "
            f"references ({type(err).__name__}); REFI-QDA files need none"
        ) from None
    except ET.ParseError as err:
        raise QdpxError(f"{archive.label}: project.qde is not well-formed XML: {err}") from None
    check_guids(root, archive.label)
    for element in root.iter():  # work with local names: the REFI-QDA namespace, or none
        ns, _, local = element.tag.rpartition("}")
        if ns and ns[1:] != NAMESPACE:
            raise QdpxError(f"{archive.label}: project.qde uses the namespace {ns[1:]!r}, not {NAMESPACE!r}")
        element.tag = local
    if root.tag != "Project":
        raise QdpxError(f"{archive.label}: project.qde holds <{root.tag}>, not a REFI-QDA <Project>")
    return root
