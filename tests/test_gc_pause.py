"""The garbage-collector pause used by check and pdf: off inside, restored after, whatever happens."""

from __future__ import annotations

import gc

import pytest

from officebook.gc_pause import paused_gc
from officebook.pipeline import run_check


@pytest.fixture
def collector_state():
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_off_inside_and_as_it_was_after(collector_state, enabled_before):
    (gc.enable if enabled_before else gc.disable)()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled_before
    with pytest.raises(RuntimeError), paused_gc(collect_after=True):
        raise RuntimeError("a stage that fails")
    assert gc.isenabled() is enabled_before


def test_cycles_made_inside_are_collected_after_when_asked(collector_state):
    gc.enable()
    gc.collect()

    class Node:
        pass

    with paused_gc(collect_after=True):
        for _ in range(1000):
            a, b = Node(), Node()
            a.other, b.other = b, a
        del a, b
        assert sum(isinstance(o, Node) for o in gc.get_objects()) == 2000  # nothing collected yet
    assert not any(isinstance(o, Node) for o in gc.get_objects())


def test_a_check_leaves_the_collector_running(collector_state, tmp_path):
    gc.enable()
    run_check(tmp_path, use_cache=False)
    assert gc.isenabled()
