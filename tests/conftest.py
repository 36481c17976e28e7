import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Keep the check cache of test runs out of the user's cache directory."""
    os.environ["OFFICEBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("officebook-cache"))
    yield


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under root (UTF-8), making folders; returns root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
