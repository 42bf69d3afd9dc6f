"""Small REFI-QDA projects built by hand, shared by the tests of the package's modules.

A project is written as XML from a few building blocks (:func:`project`, :func:`source`,
:func:`selection`, :func:`value`), with GUIDs numbered by :func:`G`, and zipped with its source
texts by :func:`qdpx`; :func:`two_sources` is the two-interview project most tests start from.
"""

from __future__ import annotations

import zipfile

import pytest

from impt_analysis.codebook import default_codebook
from tests.conftest import SAMPLES

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the shared REFI-QDA samples are not in {SAMPLES}"
)
DEFAULTS = {"defaults": {"country": "DK", "date": "2010-06-01", "sector": "government", "level": "national"}}
N_DEFAULT = len(default_codebook())


# --- building small projects -----------------------------------------------------------------


def G(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


VARIABLES = {
    "Country": G(901),
    "Sector": G(902),
    "Level": G(903),
    "Date": G(904),
    "Land": G(905),
    "actor_id": G(906),
}


def project(codes: str = "", sources: str = "", cases: str = "", users: str = "", extra: str = "") -> str:
    users = (
        users or f'<Users><User guid="{G(1)}" name="coder_a"/><User guid="{G(2)}" name="coder_b"/></Users>'
    )
    variables = "".join(
        f'<Variable guid="{g}" name="{n}" typeOfVariable="Text"/>' for n, g in VARIABLES.items()
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Test project" '
        f'origin="hand">{users}<CodeBook><Codes>{codes or CODES}</Codes></CodeBook>'
        f"<Variables>{variables}</Variables>{cases}<Sources>{sources}</Sources>{extra}</Project>"
    )


def value(name: str, text: str, kind: str = "TextValue") -> str:
    return (
        f'<VariableValue><VariableRef targetGUID="{VARIABLES[name]}"/><{kind}>{text}</{kind}></VariableValue>'
    )


def selection(n: int, start: int, end: int, *codings: tuple[int, int]) -> str:
    inner = "".join(
        f'<Coding guid="{G(5000 + n * 10 + i)}" creatingUser="{G(user)}"><CodeRef targetGUID="{G(code)}"/>'
        f"</Coding>"
        for i, (code, user) in enumerate(codings)
    )
    return f'<PlainTextSelection guid="{G(4000 + n)}" startPosition="{start}" endPosition="{end}">{inner}</PlainTextSelection>'


def source(n: int, name: str, path: str, body: str = "", values: str = "") -> str:
    return (
        f'<TextSource guid="{G(3000 + n)}" name="{name}" plainTextPath="{path}">{body}{values}</TextSource>'
    )


# Codes: a non-codable category "Barriers" (10) with "Data protection" (11) and "Legislation"
# (12); "Border crossing" (20) with a child "Phone" (21) and a grand-child "Phone" (22); and
# "Good practice" (30), whose identifier the workbench's own codebook already holds.
CODES = (
    f'<Code guid="{G(10)}" name="Barriers" isCodable="false"><Description>What blocks information</Description>'
    f'<Code guid="{G(11)}" name="Data protection" isCodable="true"/>'
    f'<Code guid="{G(12)}" name="Legislation" isCodable="true"/></Code>'
    f'<Code guid="{G(20)}" name="Border crossing" isCodable="true"><Code guid="{G(21)}" name="Phone" isCodable="true">'
    f'<Code guid="{G(22)}" name="Phone" isCodable="true"/></Code></Code>'
    f'<Code guid="{G(30)}" name="Good practice" isCodable="true"/>'
)
TEXT1 = "Die Polizei ruft an. Datenschutz verbietet es."  # selection 0-20, 21-46
TEXT2 = "We phone the border guard.\r\nThen we wait.\r\n"


def qdpx(path, xml: str, files: dict | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, data in (files or {}).items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def two_sources(tmp_path, values1: str = "", values2: str = "", cases: str = "", name="p.qdpx"):
    sources = source(
        1,
        "Interview DK 1",
        "internal://s1.txt",
        selection(1, 0, 20, (20, 1), (20, 2)) + selection(2, 21, 46, (11, 1)),
        values1,
    ) + source(2, "Interview EE 1", "s2.txt", selection(3, 13, 26, (21, 1)), values2)
    return qdpx(
        tmp_path / name,
        project(sources=sources, cases=cases),
        {"sources/s1.txt": TEXT1, "sources/s2.txt": TEXT2},
    )


# --- an archive with one entry more ------------------------------------------------------------


def _zip_with(tmp_path, name: str, data: bytes = b"x", xml: str | None = None):
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml or project())
        archive.writestr(zipfile.ZipInfo(name), data)
    return path


# --- positions in UTF-16 code units (NVivo) ----------------------------------------------------


EMOJI_TEXT = "Hi \U0001f600 we call the police.\r\nThen we wait."
CALL = "we call the police"
# In code points "we" starts at 5; in UTF-16 code units (the emoji is two) at 6.
CP_START, U16_START = EMOJI_TEXT.index(CALL), EMOJI_TEXT.index(CALL) + 1


def emoji_project(tmp_path, origin: str, name="p.qdpx"):
    sel = selection(1, U16_START, U16_START + len(CALL), (20, 1))
    xml = project(sources=source(1, "Interview 1", "internal://s1.txt", sel)).replace(
        'origin="hand"', f'origin="{origin}"'
    )
    return qdpx(tmp_path / name, xml, {"sources/s1.txt": EMOJI_TEXT})
