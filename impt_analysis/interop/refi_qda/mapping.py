"""The mapping file: how a coded project's variables, values and codes become the study's.

A project names its case variables and codes as its coders chose. The mapping file (YAML or
JSON, every section optional; its sections are described in :mod:`impt_analysis.interop.refi_qda`)
says which variable holds each interview field, which of our codes a value or a tool code
stands for, and the values of sources that have none. :func:`read_mapping` checks its shape
before the project is read: an unknown section or field is an error naming the file and
section, never ignored.

Examples
--------
>>> read_mapping({"variables": {"country": "Land"}}).variables
{'country': 'Land'}
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .project import FIELDS, QdpxError

__all__ = ["Mapping", "read_mapping"]

_MAPPING_KEYS = {
    "variables",
    "values",
    "defaults",
    "sources",
    "codes",
    "categories",
    "barrier_severity",
    "frame",
    "actors",
}
_ACTOR_KEYS = ("id", "country", "sector", "level", "kind")
MAX_MAPPING_BYTES = 1_000_000  # a mapping file is a few KB


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file (see the docstring of :mod:`impt_analysis.interop.refi_qda`)."""

    variables: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    barrier_severity: int | None = None
    frame: dict = field(default_factory=dict)  # tool code -> path of the coding frame ("Flow/Passes on to")
    actors: dict = field(
        default_factory=dict
    )  # actor code (name or id) -> {country, sector, level, kind, id}


def read_mapping(mapping: str | Path | dict | None) -> Mapping:
    """Read a mapping file (YAML or JSON), or check a mapping given as a dict.

    Examples
    --------
    >>> read_mapping({"defaults": {"country": "DK"}}).defaults
    {'country': 'DK'}
    """
    if mapping is None:
        return Mapping()
    where = "mapping"
    if not isinstance(mapping, dict):
        path = Path(mapping)
        where = f"mapping file {path.name}"
        try:
            if path.stat().st_size > MAX_MAPPING_BYTES:
                raise QdpxError(f"{where}: larger than {MAX_MAPPING_BYTES:,} bytes: not a mapping file")
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise QdpxError(f"{where}: no such file") from None
        except UnicodeDecodeError as err:
            raise QdpxError(f"{where}: not UTF-8 ({err})") from None
        import yaml

        try:
            mapping = (
                json.loads(text)
                if path.suffix.lower() == ".json"
                else (yaml.load(text, Loader=_loader()) or {})
            )
        except (json.JSONDecodeError, yaml.YAMLError) as err:
            raise QdpxError(
                f"{where}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {err}"
            ) from None
        except RecursionError:
            raise QdpxError(f"{where}: nested too deeply to read: not a mapping file") from None
    if not isinstance(mapping, dict):
        raise QdpxError(f"{where}: must be a mapping of sections ({', '.join(sorted(_MAPPING_KEYS))})")
    unknown = sorted(set(mapping) - _MAPPING_KEYS)
    if unknown:
        raise QdpxError(
            f"{where}: unknown section(s) {', '.join(map(repr, unknown))}; "
            f"the sections are {', '.join(sorted(_MAPPING_KEYS))}"
        )
    sections = {}
    for key in ("variables", "defaults", "codes", "categories", "frame"):
        sections[key] = _flat(mapping.get(key), f"{where}, section {key}")
    sections["values"] = {
        k: {_text(a): _text(b) for a, b in _flat_dict(v, f"{where}, values: {k}").items()}
        for k, v in _flat_dict(mapping.get("values"), f"{where}, section values").items()
    }
    sections["sources"] = {
        _text(k): _flat(v, f"{where}, sources: {k}")
        for k, v in _flat_dict(mapping.get("sources"), f"{where}, section sources").items()
    }
    for key in ("variables", "values"):
        bad = set(sections[key]) - set(FIELDS)
        if bad:
            raise QdpxError(f"{where}, section {key}: {', '.join(sorted(bad))} not among {', '.join(FIELDS)}")
    for key, given in [("defaults", sections["defaults"])] + [
        (f"sources: {k}", v) for k, v in sections["sources"].items()
    ]:
        bad = set(given) - set(FIELDS) - ({"coder"} if key == "defaults" else set())
        if bad:
            raise QdpxError(f"{where}, section {key}: {', '.join(sorted(bad))} not among {', '.join(FIELDS)}")
    sections["actors"] = {
        _text(k): _flat(v, f"{where}, actors: {k}")
        for k, v in _flat_dict(mapping.get("actors"), f"{where}, section actors").items()
    }
    for name, given in sections["actors"].items():
        bad = set(given) - set(_ACTOR_KEYS)
        if bad:
            raise QdpxError(
                f"{where}, actors: {name}: {', '.join(sorted(bad))} not among {', '.join(_ACTOR_KEYS)}"
            )
    severity = mapping.get("barrier_severity")
    if severity is not None and (isinstance(severity, bool) or severity not in (1, 2, 3)):
        raise QdpxError(
            f"{where}: barrier_severity must be 1 (minor), 2 (serious) or 3 (blocking), not {severity!r}"
        )
    return Mapping(barrier_severity=severity, **sections)


def _loader():
    """YAML's safe loader, refusing aliases and anchors (``&a``/``*a``): a 700-byte alias bomb
    would otherwise unfold into gigabytes, and a mapping file needs none."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"line {event.start_mark.line + 1}: aliases (*name) are not allowed in a "
                    "mapping file; write the value out"
                )
            return super().compose_node(parent, index)

    return NoAliasLoader


def _text(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def _flat_dict(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QdpxError(f"{where}: must be a mapping of names to values")
    return value


def _flat(value, where: str) -> dict[str, str]:
    given = _flat_dict(value, where)
    for k, v in given.items():
        if isinstance(v, (dict, list)):
            raise QdpxError(f"{where}: the value of {k!r} must be a single value")
    return {_text(k): _text(v) for k, v in given.items()}
