"""File names built from study values: the one safe way, never a path out of their folder.

An interview id, a country code or a title comes from untrusted input (a CSV, a ``.qdpx``,
a workbook). Wherever one becomes part of a file name (``impt export-qdpx --texts``, report
pages, notebooks), it goes through :func:`file_in`, which refuses separators, ``..``, NUL
and control characters, and a result that resolves (symbolic links followed) outside the
folder.

The folders the workbench ships (the reference data, the report notebooks, the methods text)
are found by :func:`shipped`, in a wheel or a source checkout alike.

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
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "file_in",
    "safe_name",
    "replaced_atomically",
    "folder_replaced_atomically",
    "move_into_place",
    "shipped",
]

_MAX_NAME_BYTES = 240  # below the 255 bytes most file systems allow, with room for a suffix
_PACKAGE = Path(__file__).resolve().parent  # the impt_analysis package


def shipped(folder: str, marker: str) -> Path | None:
    """A folder shipped with the workbench (``data/demo``, ``notebooks``, ...), or None if it is not.

    A wheel holds it inside the package (pyproject.toml's ``force-include``), a source checkout
    beside the package, under the same name; the first of the two holding the file ``marker``.

    Examples
    --------
    >>> shipped("data/reference", "datapackage.json").name
    'reference'
    >>> shipped("data/reference", "no-such-file") is None
    True
    """
    for candidate in (_PACKAGE / folder, _PACKAGE.parent / folder):
        if (candidate / marker).is_file():
            return candidate
    return None


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


def move_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished folder ``tmp`` to ``out`` (its sibling); an existing ``out`` is swapped out first.

    The old ``out`` is renamed aside, the new one renamed in, then the old one removed: at no
    moment is ``out`` half written, and if the second rename fails the old ``out`` is put back.
    Whether an existing ``out`` may be replaced is for the caller to decide, before.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "out").mkdir(); _ = (root / "out" / "old.txt").write_text("old")
    >>> (root / "new").mkdir(); _ = (root / "new" / "new.txt").write_text("new")
    >>> move_into_place(root / "new", root / "out")
    >>> sorted(p.name for p in (root / "out").iterdir()), sorted(p.name for p in root.iterdir())
    (['new.txt'], ['out'])
    """
    tmp, out = Path(tmp), Path(out)
    old = None
    if out.exists() or out.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "previous")
    try:
        os.rename(tmp, out)
    except BaseException:
        if old is not None and not out.exists() and (old / "previous").exists():
            os.rename(old / "previous", out)
        raise
    finally:
        if old is not None and out.exists():
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def folder_replaced_atomically(out: Path) -> Iterator[Path]:
    """A new hidden folder beside ``out`` to write into, moved into place as ``out`` on success.

    On any error, a full disk, Ctrl-C or SIGTERM the temporary folder is removed and an existing
    ``out`` is left as it was. The folder gets the permissions of a new folder (0777 less the
    umask), not the 0700 of a temporary one.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "study"
    >>> with folder_replaced_atomically(out) as tmp:
    ...     _ = (tmp / "a.csv").write_text("x")
    >>> [p.name for p in out.iterdir()], [p.name for p in out.parent.iterdir()]
    (['a.csv'], ['study'])
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
