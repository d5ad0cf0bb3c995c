"""``kotopaikka-place``: solve, generate, simulate, explain (and the outcome-model helpers).

Exit status: 0 done, 2 the instance (or result) was refused (one issue a line on stderr),
1 any other error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .errors import InstanceError


def _progress_bar(enabled: bool, desc: str):
    """A tqdm bar on stderr driven by ``progress(stage, share)`` callbacks."""
    if not enabled:
        return None, (lambda stage, share: None)
    from tqdm import tqdm

    bar = tqdm(
        total=100,
        desc=desc,
        file=sys.stderr,
        leave=False,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} [{elapsed}]",
    )

    def progress(stage: str, share: float) -> None:
        bar.n = round(100 * max(0.0, min(1.0, share)))
        bar.set_postfix_str(stage)
        bar.refresh()

    return bar, progress


def _gap(text: str) -> float:
    """A relative gap: a number from 0 up to (not including) 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {text}")
    return value


def cmd_solve(args: argparse.Namespace) -> int:
    from .io import load_instance
    from .results import save_result
    from .solve import solve

    t0 = time.perf_counter()
    inst = load_instance(Path(args.instance))
    bar, progress = _progress_bar(not args.quiet, "solving")
    try:
        res = solve(
            inst,
            time_limit=args.time_limit,
            seed=args.seed,
            method=args.method,
            target_gap=args.target_gap,
            explain=not args.no_explain,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    save_result(res, args.output, include_timings=args.timings)
    if not args.quiet:
        label = " (SYNTHETIC instance)" if res.synthetic else ""
        print(
            f"{res.method} {res.status}{label}: objective {res.objective:.6g}, bound "
            f"{res.bound:.6g}, proven gap {100 * res.gap:.4f} %; placed "
            f"{len(res.assignments)}/{inst.n_cases} cases; "
            f"{time.perf_counter() - t0:.1f} s -> {args.output}"
        )
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .io import save_instance
    from .synthetic import generate_instance

    model = None
    if args.scores == "model":
        from .outcome import default_model

        model = default_model(seed=args.seed)
    inst = generate_instance(
        args.cases,
        seed=args.seed,
        tightness=args.tightness,
        scores=args.scores,
        quota_share=args.quota_share,
        fairness_targets=args.fairness,
        model=model,
    )
    if args.fairness:
        inst.weights.fairness = args.fairness_weight
    out = args.output or f"synthetic-{args.cases}-seed{args.seed}.json"
    save_instance(inst, out)
    print(
        f"wrote {out}: {inst.n_cases} SYNTHETIC cases on {inst.n_municipalities} real "
        f"municipalities (scores: {args.scores})",
        file=sys.stderr,
    )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain_case
    from .results import load_result

    res = load_result(Path(args.result))
    try:
        print(explain_case(res, args.case_id))
    except KeyError:
        print(f"case {args.case_id} is not in {args.result}", file=sys.stderr)
        return 1
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from .dynamic import simulate_cli

    return simulate_cli(args)


def cmd_history(args: argparse.Namespace) -> int:
    from .outcome import write_history

    n = write_history(args.output, rows=args.rows, seed=args.seed)
    print(f"wrote {args.output}: {n} SYNTHETIC member-placements", file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .outcome import read_history, train

    model = train(read_history(args.history), kind=args.kind, seed=args.seed)
    report = model.report
    print(json.dumps(report, indent=1))
    if args.output:
        model.save(args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kotopaikka-place",
        description="Place cases (families, persons alone) into municipalities: optimal "
        "assignment with a proven gap and explanations.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("solve", help="solve an instance file")
    s.add_argument("instance")
    s.add_argument("-o", "--output", required=True, help="result file (JSON)")
    s.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--method", choices=["auto", "exact", "decompose", "greedy"], default="auto")
    s.add_argument(
        "--target-gap",
        type=_gap,
        default=1e-4,
        help="proven relative gap at which the decomposition stops using the time left "
        "(default 0.0001 = 0.01 %%)",
    )
    s.add_argument("--no-explain", action="store_true", help="leave explanations out")
    s.add_argument(
        "--timings",
        action="store_true",
        help="write timings into the result (then it differs between runs)",
    )
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_solve)

    g = sub.add_parser("generate", help="write a SYNTHETIC instance on the real municipalities")
    g.add_argument("--cases", type=int, required=True)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("-o", "--output")
    g.add_argument(
        "--tightness",
        type=float,
        default=0.95,
        help="persons capacity as a share of persons waiting (default 0.95)",
    )
    g.add_argument(
        "--scores",
        choices=["truth", "model", "none"],
        default="model",
        help="outcome scores: the synthetic ground truth, an outcome model trained "
        "on synthetic history (default), or none",
    )
    g.add_argument("--quota-share", type=float, default=0.3)
    g.add_argument(
        "--fairness",
        action="store_true",
        help="add regional targets (population shares) and a fairness weight",
    )
    g.add_argument("--fairness-weight", type=float, default=0.05)
    g.set_defaults(func=cmd_generate)

    e = sub.add_parser("explain", help="explain the proposal for one case of a result")
    e.add_argument("result")
    e.add_argument("case_id")
    e.set_defaults(func=cmd_explain)

    m = sub.add_parser("simulate", help="compare placement policies through a year (dynamic)")
    m.add_argument("--cases", type=int, default=1500, help="arrivals in the year")
    m.add_argument("--batches", type=int, default=26, help="batches in the year")
    m.add_argument("--sequences", type=int, default=3, help="arrival sequences to average")
    m.add_argument(
        "--samples", type=int, default=4, help="sampled futures per batch for the potentials"
    )
    m.add_argument("--tightness", type=float, default=0.95)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("-o", "--output", help="write the comparison as JSON")
    m.add_argument("-q", "--quiet", action="store_true")
    m.set_defaults(func=cmd_simulate)

    h = sub.add_parser("history", help="write SYNTHETIC historical placements with outcomes")
    h.add_argument("--rows", type=int, default=20000, help="placed cases")
    h.add_argument("--seed", type=int, default=0)
    h.add_argument("-o", "--output", required=True)
    h.set_defaults(func=cmd_history)

    t = sub.add_parser(
        "train", help="train an outcome model on a history file; print AUC and calibration"
    )
    t.add_argument("history")
    t.add_argument("--kind", choices=["logistic", "gbm"], default="logistic")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("-o", "--output", help="save the model (JSON)")
    t.set_defaults(func=cmd_train)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InstanceError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
