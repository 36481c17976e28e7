"""The suite's own helpers: a failing outside tool is reported in its own words."""

import sys

import pytest

from conftest import run_tool


def test_a_failing_tool_fails_the_test_with_its_own_output():
    with pytest.raises(pytest.fail.Exception) as failed:
        run_tool([sys.executable, "-c", "import sys; print('npm ERR! self-signed certificate', file=sys.stderr); "
                                        "print('partial output'); sys.exit(3)"])
    message = str(failed.value)
    assert "exited with 3" in message and "npm ERR! self-signed certificate" in message and "partial output" in message


@pytest.mark.slow
def test_a_tool_that_hangs_is_stopped_and_shows_what_it_printed():
    with pytest.raises(pytest.fail.Exception) as failed:
        run_tool([sys.executable, "-u", "-c", "import time; print('waiting for the registry'); time.sleep(30)"],
                 timeout=2)
    assert "did not finish in 2 s" in str(failed.value) and "waiting for the registry" in str(failed.value)
