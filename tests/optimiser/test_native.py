"""HiGHS (highspy) and OR-Tools in one process: both load, both solve, nothing is printed.

The issue warns that the two wheels have clashed (undefined symbols) when imported together;
the optimiser uses both (HiGHS for LP/MIP, OR-Tools for min-cost flow), so this proves the
versions pyproject.toml admits coexist, and that HiGHS's banner does not reach standard output (the CLI
writes JSON there).
"""

from __future__ import annotations

import numpy as np

from kotopaikka.optimiser.native import new_highs


def test_highspy_and_ortools_solve_in_one_process(capfd):
    import highspy
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arc_with_capacity_and_unit_cost(0, 1, 5, 2)
    flow.set_node_supply(0, 3)
    flow.set_node_supply(1, -3)
    assert flow.solve() == flow.OPTIMAL
    assert flow.optimal_cost() == 6

    h = new_highs()
    inf = highspy.kHighsInf
    h.addVars(2, np.zeros(2), np.array([inf, inf]))
    h.changeColsCost(2, np.array([0, 1], dtype=np.int32), np.array([-1.0, -2.0]))
    h.addRow(-inf, 4.0, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 1.0]))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == -8.0
    out = capfd.readouterr().out
    assert "HiGHS" not in out, out


def test_a_fresh_process_prints_no_highs_banner():
    """HiGHS prints its banner only for the first model of a process, which other tests have
    usually made by now: check it where this is the first one."""
    import subprocess
    import sys

    code = (
        "from kotopaikka.optimiser.native import new_highs; "
        "from ortools.graph.python import min_cost_flow; "
        "h = new_highs(); h.run()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "", done.stdout
