"""The mapping file: YAML or JSON, and clear errors for what does not fit the project."""

from __future__ import annotations

import json

import pytest

from impt_analysis.interop.refi_qda import QdpxError, read_mapping, read_qdpx
from tests.interop.refi_qda.handmade import DEFAULTS, two_sources


def test_mapping_errors_are_clear(tmp_path):
    path = two_sources(tmp_path)
    with pytest.raises(QdpxError, match="unknown section"):
        read_qdpx(path, {"default": {}})
    with pytest.raises(QdpxError, match="'Datenschutz' is not a code"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Datenschutz": "data_protection_rules"}})
    with pytest.raises(QdpxError, match="names 2 codes"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Phone": "informal_contact"}})
    with pytest.raises(QdpxError, match="'nonsense' is not a code of the codebook"):
        read_qdpx(path, {**DEFAULTS, "codes": {"Legislation": "nonsense"}})
    with pytest.raises(QdpxError, match="match none of its codes"):
        read_qdpx(path, {**DEFAULTS, "categories": {"Border crossing": "barrier"}})
    with pytest.raises(QdpxError, match="'Interview DK 9' is not a source"):
        read_qdpx(path, {**DEFAULTS, "sources": {"Interview DK 9": {"level": "local"}}})
    with pytest.raises(QdpxError, match="barrier_severity must be 1"):
        read_mapping({"barrier_severity": 5})


def test_mapping_files_yaml_and_json(tmp_path):
    (tmp_path / "m.yaml").write_text(
        "defaults:\n  country: DK\n  date: 2010-06-01\n  sector: government\n  level: national\n",
        encoding="utf-8",
    )
    (tmp_path / "m.json").write_text(json.dumps(DEFAULTS), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("defaults: [\n", encoding="utf-8")
    assert read_mapping(tmp_path / "m.yaml").defaults == DEFAULTS["defaults"]  # YAML dates become text
    assert read_mapping(tmp_path / "m.json").defaults == DEFAULTS["defaults"]
    with pytest.raises(QdpxError, match="not valid YAML"):
        read_mapping(tmp_path / "bad.yaml")
