"""Native solver plumbing: silence HiGHS's own prints, make a quiet ``highspy.Highs``.

HiGHS writes its banner and debug lines straight to the process's file descriptor 1, which
would corrupt the JSON the command-line tool writes to standard output.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_native_output():
    """Silence native prints on file descriptor 1 for the duration of the block."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (e.g. captured): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs(threads: int = 1):
    """A ``highspy.Highs`` instance with logging off (its banner silenced too)."""
    import highspy

    with quiet_native_output():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("threads", threads)
    return h
