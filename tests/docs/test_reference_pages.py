"""The built site's reference: every file field has a meaning, type, default and range; no raw
reStructuredText roles anywhere; the API reference does not call ``__version__`` a function."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return out


def _rows(page: Path) -> list[list[str]]:
    text = page.read_text(encoding="utf-8")
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", text, flags=re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        if len(cells) == 5:
            rows.append(cells)
    return rows


@pytest.mark.parametrize("name", ["timeline", "catalog"])
def test_every_field_has_a_meaning_type_default_and_range(site, name):
    rows = _rows(site / "reference" / name / "index.html")
    assert len(rows) > 25
    for key, typ, default, rng, meaning in rows:
        assert typ and default and rng and meaning, (name, key)


def test_polarity_dependent_defaults_are_stated(site):
    rows = {r[0]: r for r in _rows(site / "reference" / "timeline" / "index.html")}
    for key in ("abandonment_cost", "entrapment_cost"):
        assert "polarity" in rows[key][4] and "bipolar" in rows[key][4] and "multipolar" in rows[key][4]


def test_no_raw_roles_and_no_version_function(site):
    role = re.compile(r":(?:func|class|meth|mod|data|attr|obj):`")
    for page in site.rglob("*.html"):
        assert not role.search(page.read_text(encoding="utf-8")), page
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert "function beliefs.__version__" not in api
    assert re.search(r"beliefs\.__version__: str", html.unescape(re.sub(r"<[^>]+>", "", api)))
