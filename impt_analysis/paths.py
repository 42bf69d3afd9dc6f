"""File names built from study values: the one safe way, never a path out of their folder.

An interview id, a country code or a title comes from untrusted input (a CSV, a ``.qdpx``,
a workbook). Wherever one becomes part of a file name (``impt export-qdpx --texts``, report
pages, notebooks), it goes through :func:`file_in`, which refuses separators, ``..``, NUL
and control characters, and a result that resolves (symbolic links followed) outside the
folder.

Examples
--------
>>> from pathlib import Path
>>> file_in(Path("texts"), "DK-I1", ".txt").name
'DK-I1.txt'
>>> file_in(Path("texts"), "../../secret_outside", ".txt")
Traceback (most recent call last):
...
ValueError: '../../secret_outside' cannot be a file name inside texts: it holds a path separator, '..', NUL or a control character
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["file_in", "safe_name", "replaced_atomically"]

_MAX_NAME_BYTES = 240  # below the 255 bytes most file systems allow, with room for a suffix


def safe_name(value: str) -> bool:
    """Whether a study value can be a file name as it is: no separator, '..', NUL or control character.

    Examples
    --------
    >>> safe_name("DK-I1"), safe_name(".."), safe_name("a/b"), safe_name(chr(0))
    (True, False, False, False)
    """
    return (
        isinstance(value, str)
        and value not in ("", ".", "..")
        and not any(c in value for c in "/\\")
        and all(ord(c) >= 32 and ord(c) != 127 for c in value)
        and len(value.encode("utf-8")) <= _MAX_NAME_BYTES
    )


def file_in(folder: Path, value: str, suffix: str = "") -> Path:
    """The file ``folder / (value + suffix)``, checked to stay inside ``folder``.

    Raises
    ------
    ValueError
        If the value is no plain name, or the file (its symbolic links followed) lies outside
        the folder.
    """
    folder = Path(folder)
    if not safe_name(value):
        raise ValueError(
            f"{value!r} cannot be a file name inside {folder}: it holds a path separator, '..', NUL "
            "or a control character"
        )
    path = folder / f"{value}{suffix}"
    root = folder.resolve()
    if not path.resolve().is_relative_to(root):
        raise ValueError(f"{path} leads out of {folder} (a symbolic link): refused")
    return path


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A hidden temporary file beside ``path`` to write into, renamed over ``path`` on success.

    A full disk, an error, Ctrl-C or SIGTERM leaves no half-written file, and an existing
    ``path`` stays as it was until the rename. The file gets the permissions of a new file
    (0666 less the umask), not the 0600 of a temporary one.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with replaced_atomically(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['out.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.partial-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
