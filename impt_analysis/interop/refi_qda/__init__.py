"""Bring coded interviews in from qualitative-analysis tools, and send them back: REFI-QDA.

A consultant codes the interviews in NVivo, ATLAS.ti, MAXQDA or QualCoder, not in our CSV
files. Those tools exchange projects as REFI-QDA ``.qdpx`` files: a ZIP archive holding
``project.qde`` (XML in the namespace ``urn:QDA-XML:project:1.0``) and the source texts under
``sources/``. This module answers "which passages of which interview did which coder code, and
with which code?" for such a project, by turning it into a study data package, and exports a
study back so that coding can continue in the tool.

What is mapped
--------------
=====================================  =====================================================
REFI-QDA                               study data package
=====================================  =====================================================
``Code`` (nested)                      ``codebook.csv``: category ``code``; ``isCodable="false"``
                                       codes get the category ``code_category``; ``parent``
                                       is the enclosing code
``User``                               ``codings.coder``: the user's name (use pseudonyms)
``TextSource``                         ``interviews.csv``: one interview per text source
``PlainTextSelection`` + ``Coding``    ``codings.csv``: start, end and the excerpt cut from
                                       the source text by Unicode code points
case variables                         ``interviews.country``, ``date``, ``sector``, ``level``,
                                       ``actor_id``
codes of the coding frame              ``actors``, ``items``, ``knowledge``, ``flows``,
(``docs/coding-frame.md``)             ``barriers``, ``case_counts``, each derived row with
                                       the segments it comes from (``evidence``)
=====================================  =====================================================

A code's identifier is its name made lower-case with runs of other characters than letters
and digits replaced by ``_`` (``"Data protection"`` becomes ``data_protection``). A name
already taken (by the workbench's codebook or an earlier code of the project) is prefixed with
its enclosing codes (``cs_as_programming/programming``) and, if still taken, suffixed with the
start of its GUID. The name itself is kept as the code's label.

Case variables are read wherever the tools put them: in named ``Case`` elements with
``VariableValue``\\ s and ``SourceRef``\\ s, in one unnamed ``Case`` per source, or in
``VariableValue``\\ s directly on a ``TextSource``. Values that disagree between places are an
error, never a choice. Without a mapping file, the variables named ``country``, ``sector``,
``level``, ``date`` and ``actor_id`` (in any case) are used. An interview needs a country, a
date, a sector and a level: a project without those variables (as many are) must give them in
the mapping file, under ``defaults`` for every source or ``sources`` for one; the import
otherwise stops with a list of what is missing. Without an ``actor_id``, each interview gets a
placeholder actor ``A-<interview_id>`` with the interview's country, sector and level.

The mapping file (YAML or JSON; every section optional)::

    variables:            # the case variable that holds each field (default: its own name)
      country: Land
      sector: Sektor
    values:               # a variable's values -> our codes (default: code or label, any case;
      sector:             # countries also by their English name)
        Polizei: police
    defaults:             # for sources without a value
      country: DK
      date: 2010-06-01
      sector: government
      level: national
      coder: coder_1      # for codings that name no user
    sources:              # per source (by name or GUID): overrides everything else
      "Interview 3": {country: EE, sector: ngo, level: local, date: 2010-05-20}
    codes:                # a tool code (by name, path "Parent/Child" or GUID) -> one of our codes
      Data protection: data_protection_rules
    categories:           # a tool category -> one of our vocabularies: its codes are matched to
      Barriers: barrier   # that vocabulary's codes or labels, and no new codes are made
    barrier_severity: 2   # codings with barrier codes become rows of barriers.csv (1-3)

The file is untrusted input: the XML is parsed with :mod:`defusedxml` and no DTD (so no
entities and no external references); ZIP entries with absolute paths or ``..`` are refused;
the number of entries and their uncompressed size are capped. Any of these stops the import
with :class:`UnsafeArchiveError` before anything is written.

Source texts are read from ``internal://`` paths inside the archive, or bare paths under
``sources/``, byte for byte: Windows line endings stay, as the positions count them. (Text
given inline as ``PlainTextContent`` passes through the XML parser, which turns ``\r\n`` into
``\n``; no common tool writes it.) A source whose plain text is empty (a ``.docx`` with an
empty ``.txt`` twin) or missing keeps its codings without excerpts, and the summary says so.

Every ``Coding`` in the file is imported or reported, with the reason, in the
:class:`ImportSummary` stored as ``study.meta["impt:import_summary"]`` (see
:func:`import_summary`).

Where each part lives
---------------------
=================  ============================================================================
``archive``        the safe opening of a ``.qdpx``: ZIP entries checked, XML without a DTD
``mapping``        the mapping file: :func:`read_mapping`
``codes``          the project's codes as the codebook
``sources``        the text sources and their plain texts
``cases``          the case variables as interviews and actors
``codings``        the codings of text selections (and barriers), every other one reported
``summary``        :class:`ImportSummary`, :func:`import_summary`, :func:`evidence`
``frame``          the coding frame: its codes, :func:`write_codebook`, :func:`write_starter`
``derive``         actors, items, knowledge, flows, barriers, case counts from the codings
``coded``          :func:`write_coded_qdpx`: a study's network as a project coded with the frame
``reader``         :func:`read_qdpx`, which puts these together
``writer``         :func:`write_qdpx`
``project``        what reading and writing share: namespace, fields, GUIDs, errors
=================  ============================================================================

Examples
--------
>>> import tempfile, pathlib
>>> from impt_analysis import load_study
>>> from impt_analysis.interop.refi_qda import read_qdpx, import_summary, write_coded_qdpx
>>> path = write_coded_qdpx(load_study(), pathlib.Path(tempfile.mkdtemp()) / "demo.qdpx")
>>> print(str(import_summary(read_qdpx(path))).splitlines()[0])  # doctest: +ELLIPSIS
demo.qdpx: ... codings imported, ... codes, 60 sources
"""

from __future__ import annotations

# The limits, the mapping and the format's constants stay importable from here, as they were
# before the module became a package.
from .archive import MAX_ENTRIES, MAX_UNCOMPRESSED_BYTES
from .coded import write_coded_qdpx
from .frame import write_codebook, write_starter
from .mapping import Mapping, read_mapping
from .project import CODE_CATEGORY, FIELDS, NAMESPACE, REQUIRED_FIELDS, QdpxError, UnsafeArchiveError
from .reader import read_qdpx
from .summary import ImportSummary, evidence, import_summary, unrowable_passages
from .writer import write_qdpx

__all__ = [
    "CODE_CATEGORY",
    "FIELDS",
    "ImportSummary",
    "MAX_ENTRIES",
    "MAX_UNCOMPRESSED_BYTES",
    "Mapping",
    "NAMESPACE",
    "REQUIRED_FIELDS",
    "QdpxError",
    "UnsafeArchiveError",
    "evidence",
    "import_summary",
    "read_mapping",
    "read_qdpx",
    "unrowable_passages",
    "write_codebook",
    "write_coded_qdpx",
    "write_qdpx",
    "write_starter",
]
