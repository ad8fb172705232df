"""The repository stands alone: nothing tracked points to a file outside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Spelled in two halves so that this file does not match itself.
OUTSIDE = ("../" + "shared", "DESIGN" + ".md", "STYLE" + ".md")


def tracked_text_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = []
    for name in out.splitlines():
        path = ROOT / name
        if path.is_file() and path.suffix not in (".png", ".ipynb") and path.stat().st_size < 2_000_000:
            files.append(path)
    return files


def test_no_tracked_file_refers_outside_the_repository():
    bad = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in OUTSIDE:
            if needle in text:
                line = next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)
                bad.append(f"{path.relative_to(ROOT)}:{line}: {needle}")
    assert bad == []
