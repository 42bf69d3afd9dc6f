"""What reading and writing a REFI-QDA project share: the namespace, the fields, GUIDs, errors.

The case variables an interview needs (:data:`FIELDS`), the category of non-codable codes
(:data:`CODE_CATEGORY`), the errors an import stops with, and the GUIDs: how the tools write
them (``{...}``, any case) and how the workbench derives its own, so that an exported code,
source or selection is recognised when the project comes back.

Examples
--------
>>> from impt_analysis.interop.refi_qda.project import bare_guid, workbench_guid
>>> bare_guid("{6B1C3F0E-5A8D-4E57-9A55-1F0D2C7E3B91}")
'6b1c3f0e-5a8d-4e57-9a55-1f0d2c7e3b91'
>>> workbench_guid("user", "coder_1") == workbench_guid("user", "coder_1")
True
"""

from __future__ import annotations

import uuid
from xml.etree import ElementTree as ET

import pandas as pd

__all__ = [
    "CODE_CATEGORY",
    "FIELDS",
    "NAMESPACE",
    "REQUIRED_FIELDS",
    "QdpxError",
    "UnsafeArchiveError",
    "bare_guid",
    "case_elements",
    "ref_guid",
    "short_guid",
    "workbench_guid",
]

NAMESPACE = "urn:QDA-XML:project:1.0"
CODE_CATEGORY = "code_category"
FIELDS = ("country", "date", "sector", "level", "actor_id")
REQUIRED_FIELDS = ("country", "date", "sector", "level")
# GUIDs of what the workbench exports are name-based (UUID 5) in this namespace, so that an
# exported code, source or selection is recognised when the project comes back.
_GUIDS = uuid.UUID("6b1c3f0e-5a8d-4e57-9a55-1f0d2c7e3b91")


class QdpxError(ValueError):
    """The file is not a readable REFI-QDA project, or the mapping does not fit it."""


class UnsafeArchiveError(QdpxError):
    """The archive or its XML is refused as unsafe (path traversal, size, entities)."""


def workbench_guid(*parts: str) -> str:
    """The GUID the workbench gives what it exports, derived from its kind and identifiers."""
    return str(uuid.uuid5(_GUIDS, "\x1f".join(parts)))


def bare_guid(value: str | None) -> str:
    """A GUID as written in a project (``{...}``, any case, or absent) in one form: lower case, no braces."""
    return (value or "").strip("{}").lower()


def ref_guid(ref: ET.Element | None) -> str:
    """The GUID a reference element (``CodeRef``, ``VariableRef``) points to, or ``""``."""
    return bare_guid(ref.get("targetGUID")) if ref is not None else ""


def variable_elements(root: ET.Element, names) -> ET.Element:
    """Add the project's ``<Variables>``: one per case variable, with the workbench's fixed GUIDs.

    ``date`` is a REFI-QDA ``Date`` variable, every other one ``Text``; the GUIDs are the ones the
    cases' ``VariableValue`` elements point to, so every writer of a project calls this one function.

    Examples
    --------
    >>> root = ET.Element("Project")
    >>> [v.get("typeOfVariable") for v in variable_elements(root, ["country", "date"])]
    ['Text', 'Date']
    """
    variables = ET.SubElement(root, "Variables")
    for name in names:
        ET.SubElement(
            variables,
            "Variable",
            {
                "guid": workbench_guid("variable", name),
                "name": name,
                "typeOfVariable": "Date" if name == "date" else "Text",
            },
        )
    return variables


def case_elements(root: ET.Element, interviews: pd.DataFrame, names=FIELDS) -> ET.Element:
    """Add the project's ``<Variables>`` (:func:`variable_elements`) and ``<Cases>``: one case per interview.

    A case holds the interview's value of each variable (``date`` as ``YYYY-MM-DD``, every other
    one as text; a missing value is left out) and refers to the interview's source.

    Examples
    --------
    >>> root = ET.Element("Project")
    >>> day = pd.Timestamp(2010, 3, 1)
    >>> rows = pd.DataFrame({"interview_id": ["DK-I01"], "country": ["DK"], "date": [day]})
    >>> case = case_elements(root, rows, ["country", "date"])[0]
    >>> [v[1].text for v in case.findall("VariableValue")]
    ['DK', '2010-03-01']
    """
    variable_elements(root, names)
    cases = ET.SubElement(root, "Cases")
    for row in interviews.itertuples():
        case = ET.SubElement(
            cases, "Case", {"guid": workbench_guid("case", row.interview_id), "name": row.interview_id}
        )
        for name in names:
            value = getattr(row, name)
            if value is None or pd.isna(value):
                continue
            vv = ET.SubElement(case, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": workbench_guid("variable", name)})
            ET.SubElement(vv, "DateValue" if name == "date" else "TextValue").text = (
                value.strftime("%Y-%m-%d") if name == "date" else str(value)
            )
        ET.SubElement(case, "SourceRef", {"targetGUID": workbench_guid("source", row.interview_id)})
    return cases


def short_guid(guid: str) -> str:
    """The first eight hex digits of a GUID: the suffix that tells apart two things of one name."""
    return guid.replace("-", "")[:8]
