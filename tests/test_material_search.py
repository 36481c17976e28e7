"""The patched Material search worker (build/material_search.py) must apply to the installed Material:
when a Material upgrade changes the worker's code, this fails, instead of Chinese search quietly
losing its fixes."""

from __future__ import annotations

from importlib import resources

from officebook.build.material_search import patch_search_worker


def test_the_search_worker_patch_applies_to_the_installed_material(tmp_path):
    assert patch_search_worker(tmp_path), (
        "Material's search worker no longer has the code build/material_search.py patches: "
        "update _SEGMENT_FIXES for this Material release")
    [patched] = (tmp_path / "assets" / "javascripts" / "workers").iterdir()
    original = (resources.files("material") / "templates" / "assets" / "javascripts" / "workers" / patched.name)
    source, fixed = original.read_text(encoding="utf-8"), patched.read_text(encoding="utf-8")
    assert fixed != source
    assert ".normalize('NFKC')" in fixed and ".normalize('NFKC')" not in source
    assert fixed.count("<=") > source.count("<=")  # the segmentation loop tries the whole query
    # the "missing term" note: wildcards taken off, a Chinese word found inside a matched word
    assert "(clauses,matched){" in fixed
    assert "m.includes(term)" in fixed and "m.includes(term)" not in source
