"""The workbench's own error classes: each carries a sentence written for the user, and its exit code.

The ``impt`` command line catches these by name (and ``OSError``); any other exception is a
bug of the workbench and is said so. Exit codes: 1 the data or a file could not be used, 2 a
usage error (an option, an argument, an ``--out`` that cannot take the output).

Examples
--------
>>> err = OutputExistsError("out/ already holds a study; add --force to replace it")
>>> err.exit_code, isinstance(err, FileExistsError)
(2, True)
>>> UnknownCountryError("unknown country code XX").exit_code
2
>>> InvalidDataError("items.csv, row 3: ...").exit_code
1
"""

from __future__ import annotations

__all__ = ["ImptError", "InvalidDataError", "OutputExistsError", "UnknownCountryError", "UsageProblem"]


class ImptError(Exception):
    """An error of the workbench with a message for the user; exit code 1 unless a subclass says 2."""

    exit_code = 1


class InvalidDataError(ImptError, ValueError):
    """Input data that cannot be used (exit 1)."""


class UsageProblem(ImptError, ValueError):
    """An option or argument that cannot be used as given (exit 2)."""

    exit_code = 2


class UnknownCountryError(UsageProblem):
    """A country code the study (or its public export) does not have (exit 2)."""


class OutputExistsError(ImptError, FileExistsError):
    """An output (``--out``) that exists and may not be replaced, or is no folder (exit 2)."""

    exit_code = 2
