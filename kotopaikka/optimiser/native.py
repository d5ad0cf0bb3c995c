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


def new_highs():
    """A ``highspy.Highs`` instance with logging off (its banner silenced too), on one
    thread (every LP and MIP of the optimiser runs so; the benchmark's times assume it)."""
    import highspy

    with quiet_native_output():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("threads", 1)
    return h


def stacked_rows(mdl):
    """The constraint matrix of a ``ModelArrays`` as HiGHS takes it: the inequality rows,
    then the equality rows (fairness), with their lower and upper row bounds."""
    import numpy as np
    import scipy.sparse as sp

    A = mdl.A_ub if mdl.A_eq is None else sp.vstack([mdl.A_ub, mdl.A_eq]).tocsr()
    n_ub = mdl.A_ub.shape[0]
    lower = np.full(A.shape[0], -np.inf)
    upper = np.empty(A.shape[0])
    upper[:n_ub] = mdl.b_ub
    if mdl.A_eq is not None:
        lower[n_ub:] = mdl.b_eq
        upper[n_ub:] = mdl.b_eq
    return A, lower, upper


def load_model(mdl, *, col_upper=None, integrality=None):
    """A quiet ``highspy.Highs`` holding the LP (or, with ``integrality``, the MIP) of a
    :class:`~kotopaikka.optimiser.lp.ModelArrays` (minimise ``c @ x``). ``col_upper``
    replaces the model's column upper bounds (infinite entries become HiGHS's infinity)."""
    import highspy
    import numpy as np

    inf = highspy.kHighsInf
    A, lower, upper = stacked_rows(mdl)
    ub = mdl.ub if col_upper is None else col_upper
    csc = A.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = len(mdl.c)
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = mdl.c
    lp.col_lower_ = np.where(np.isfinite(mdl.lb), mdl.lb, -inf)
    lp.col_upper_ = np.where(np.isfinite(ub), ub, inf)
    lp.row_lower_ = np.where(np.isfinite(lower), lower, -inf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data
    if integrality is not None:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
            for v in integrality
        ]
    h = new_highs()
    h.passModel(lp)
    return h
