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
