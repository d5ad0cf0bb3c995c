"""docs/security.md backs every claim with a test (issue 11, acceptance): each pointer it
gives must name a test (or fixture) that exists, so that the document cannot drift from the
suite unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
#: `tests/some/file.py`, `tests/some/file.py::name`, or `::name` (in the file named last)
POINTER = re.compile(r"(?P<file>tests/[\w/]+\.py)(?:::(?P<name>\w+))?|(?<![\w/.])::(?P<short>\w+)")


def pointers(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    last: str | None = None
    for match in POINTER.finditer(text):
        if match["file"]:
            last = match["file"]
            found.append((last, match["name"]))
        else:
            assert last is not None, f"::{match['short']} before any file is named"
            found.append((last, match["short"]))
    return found


def test_every_test_this_document_points_to_exists():
    found = pointers(DOC.read_text())
    assert len(found) > 60
    missing = []
    for file, name in found:
        path = ROOT / file
        if not path.exists():
            missing.append(file)
        elif name and not re.search(rf"^\s*def {name}\(", path.read_text(), re.MULTILINE):
            missing.append(f"{file}::{name}")
    assert missing == []


def test_a_short_pointer_means_the_file_named_last():
    text = "`tests/a.py::test_x`, `::test_y`; `tests/b.py` and `::test_z`"
    assert pointers(text) == [
        ("tests/a.py", "test_x"),
        ("tests/a.py", "test_y"),
        ("tests/b.py", None),
        ("tests/b.py", "test_z"),
    ]
