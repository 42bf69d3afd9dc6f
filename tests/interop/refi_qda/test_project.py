"""What reading and writing share: GUIDs in the tools' form and the workbench's, the variables, the errors."""

from __future__ import annotations

import uuid
from xml.etree import ElementTree as ET

from impt_analysis.interop.refi_qda.project import (
    QdpxError,
    UnsafeArchiveError,
    bare_guid,
    ref_guid,
    short_guid,
    variable_elements,
    workbench_guid,
)


def test_a_guid_as_the_tools_write_it_is_read_in_one_form():
    # braces, upper case, or nothing at all
    assert bare_guid("{AB-01}") == bare_guid("ab-01") == bare_guid("AB-01") == "ab-01"
    assert bare_guid(None) == bare_guid("") == ""


def test_a_reference_gives_the_guid_it_points_to():
    assert ref_guid(ET.fromstring('<CodeRef targetGUID="{C0-DE}"/>')) == "c0-de"
    assert ref_guid(ET.fromstring("<VariableRef/>")) == ""  # no targetGUID: names nothing
    assert ref_guid(None) == ""  # no reference element at all


def test_short_guid_is_the_first_eight_hex_digits():
    assert short_guid("6b1c3f0e-5a8d-4e57-9a55-1f0d2c7e3b91") == "6b1c3f0e"
    assert short_guid("ab-cd-ef-01-23") == "abcdef01"  # hyphens do not count
    # the suffix that told "Good practice" apart from the workbench's good_practice (see test_codes)
    assert short_guid("00000000-0000-4000-8000-000000000030") == "00000000"


def test_workbench_guids_are_name_based_and_stable():
    country = workbench_guid("variable", "country")
    assert uuid.UUID(country).version == 5
    assert country == workbench_guid("variable", "country")
    # the GUID of the country variable in every project the workbench wrote (data/demo/demo.qdpx):
    # a new one would leave earlier exports unrecognised when they come back
    assert country == "fb0385ce-68b8-5818-9e51-07adcccd4721"
    assert workbench_guid("variable", "date") != country
    # the parts are kept apart: ("ab", "c") is not ("a", "bc")
    assert workbench_guid("ab", "c") != workbench_guid("a", "bc")


def test_variable_elements_add_one_variable_per_name_date_typed_as_a_date():
    root = ET.Element("Project")
    variables = variable_elements(root, ["country", "date", "sector"])
    assert root.find("Variables") is variables
    assert [(v.get("name"), v.get("typeOfVariable")) for v in variables] == [
        ("country", "Text"),
        ("date", "Date"),
        ("sector", "Text"),
    ]
    assert [v.get("guid") for v in variables] == [
        workbench_guid("variable", n) for n in ("country", "date", "sector")
    ]
    assert len(variable_elements(ET.Element("Project"), [])) == 0


def test_an_unsafe_archive_is_a_qdpx_error_and_a_value_error():
    # callers catching QdpxError (the command line) or ValueError catch the refusals too
    assert issubclass(UnsafeArchiveError, QdpxError) and issubclass(QdpxError, ValueError)
