"""The importance-sampling engine against NUTS: every target row of issue 11, naive approach alongside.

Run by hand (not a test): ``python benchmarks/engine.py [--quick]``. Prints, each
as a median with the naive approach measured in the same run:

A. ``beliefs assess july-1914 --json``, whole process, default engine (auto)
   vs ``--engine nuts --sampler pymc`` (the former default).        target <= 1.5 s
B. ``beliefs replay july-1914 --json``, whole process, auto vs ``--engine nuts``
   (nutpie, compiling once).                                         target <= 2 s
C. Warm update, one new signal -> posterior + decision + watch list (july-1914,
   <= 30 signals), in process: auto vs the compiled nutpie model.    target <= 20 ms
D. 50-signal synthetic replay, warm (the NUTS model compiled beforehand, for the
   steps that fall back), auto vs NUTS at every step.                target <= 5 s
E. Accuracy: |P(expansionist) - exact| against tests/reference.py at every step of
   every bundled timeline, and on random and contested scenarios of 10-150
   signals; how many results are reliable; NUTS alongside.           target <= 0.01
F. ``beliefs --help``, whole process, beside the interpreter alone and
   ``import typer, rich`` (the floor under any typer CLI).            target <= 0.25 s
G. ``beliefs assess july-1914 --json``, whole process, against the naive numpy
   importance sampler of the same posterior (benchmarks/naive_sampler.py),
   also a whole process.                                             target <= 3x
H. The 50-signal synthetic replay (D's timeline, as a TOML file) as a whole
   process, ``beliefs replay FILE --json``; NUTS at every step alongside
   unless --quick.                                                   target <= 5 s

Issue 26's targets are C, F, G and H; A and B are issue 11's.

The tool sets up its own process (``beliefs.cli.process``: one OpenBLAS thread,
which the TUI, where warm updates happen, inherits); this script does the same
before numpy loads, so that C and D measure what the tool runs, and the child
processes of A, B, F, G and H (the naive sampler included) inherit it.

Wall-clock times depend on the machine's load (printed first): on a shared
2-core machine other processes take most of the CPU, so CPU seconds (user +
system of the process, children included) are printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "model")]

# isort: off
import beliefs.cli  # noqa: E402,F401  (the tool's process set-up, before numpy loads)
import numpy as np  # noqa: E402
from machine_info import machine  # noqa: E402
# isort: on


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def whole_process(
    args: list[str], runs: int, command: list[str] | None = None
) -> tuple[float, float, list[float]]:
    """Median wall and CPU seconds of ``beliefs ARGS`` (or ``python COMMAND ARGS``) as a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls, cpus = [], []
    head = [sys.executable, *(command or ["-m", "beliefs.cli"])]
    for _ in range(runs):
        c0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run([*head, *args], capture_output=True, text=True, env=env)
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - c0)
        if proc.returncode != 0:
            raise SystemExit(f"beliefs {' '.join(args)} failed: {proc.stderr[-500:]}")
    return statistics.median(walls), statistics.median(cpus), walls


def row(label: str, fast: tuple[float, float, list[float]], naive: tuple[float, float, list[float]]) -> None:
    print(
        f"  {label}: engine auto {fast[0]:.2f} s wall ({fast[1]:.2f} s CPU), "
        f"naive {naive[0]:.2f} s wall ({naive[1]:.2f} s CPU): {naive[0] / fast[0]:.0f}x faster "
        f"[runs: auto {', '.join(f'{x:.2f}' for x in fast[2])}; naive {', '.join(f'{x:.1f}' for x in naive[2])}]"
    )


def section_a_b(runs: int, naive_runs: int) -> None:
    print("A. beliefs assess july-1914 --json (whole process)")
    whole_process(["assess", "july-1914", "--json"], 1)  # file-system caches warm
    fast = whole_process(["assess", "july-1914", "--json"], runs)
    naive = whole_process(
        ["assess", "july-1914", "--json", "--engine", "nuts", "--sampler", "pymc"], naive_runs
    )
    row("assess", fast, naive)
    print("B. beliefs replay july-1914 --json (whole process)")
    fast = whole_process(["replay", "july-1914", "--json"], runs)
    naive = whole_process(["replay", "july-1914", "--json", "--engine", "nuts"], naive_runs)
    row("replay", fast, naive)


def section_c(updates: int, naive_updates: int) -> None:
    from beliefs.runs.assessment import assess_signals
    from beliefs.timeline import load_timeline
    from models.engine import Engine, SamplerSettings

    print("C. warm update: one new signal -> posterior + decision (july-1914, in process)")
    timeline, catalog = load_timeline("july-1914")
    signals = list(timeline.signals)

    def timed(engine: Engine, n: int) -> tuple[float, float]:
        walls, cpus = [], []
        for i in range(n):
            sigs = signals[: 1 + (i % len(signals))]
            c0, t0 = time.process_time(), time.perf_counter()
            assess_signals(timeline, catalog, sigs, engine=engine)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        return statistics.median(walls), statistics.median(cpus)

    auto = Engine(SamplerSettings())
    for i in range(len(signals)):  # warm: the session's prior sample and columns exist
        assess_signals(timeline, catalog, signals[: i + 1], engine=auto)
    fast = timed(auto, updates)
    nuts = Engine(SamplerSettings(method="nuts", sampler="nutpie"))
    assess_signals(timeline, catalog, signals[:1], engine=nuts)  # compile once
    naive = timed(nuts, naive_updates)
    print(
        f"  importance (auto): {fast[0] * 1000:.1f} ms wall, {fast[1] * 1000:.1f} ms CPU (median of {updates}); "
        f"NUTS (nutpie, compiled): {naive[0] * 1000:.0f} ms wall, {naive[1] * 1000:.0f} ms CPU "
        f"(median of {naive_updates}): {naive[0] / fast[0]:.0f}x faster"
    )


def section_d(n_signals: int) -> None:
    from replay import synthetic_timeline

    from beliefs.evidence.encode import encode_signals
    from beliefs.runs.replay_steps import replay
    from models.engine import Engine, SamplerSettings

    print(f"D. {n_signals}-signal synthetic replay, warm (benchmarks/replay.py's timeline, seed 0)")
    timeline, catalog = synthetic_timeline(n_signals, 0)
    auto = Engine(SamplerSettings())
    auto.prepare_nuts(encode_signals(timeline.scenario, [], catalog))  # warm: compiled for fallbacks
    nuts = Engine(SamplerSettings(method="nuts"))
    nuts._compiled, nuts._models = auto._compiled, auto._models  # the same compiled model
    c0, t0 = time.process_time(), time.perf_counter()
    rep = replay(timeline, catalog, engine=auto)
    fast, fast_cpu = time.perf_counter() - t0, time.process_time() - c0
    methods = [s.assessment.posterior.diagnostics.method for s in rep.steps]
    adapted = [s.index for s in rep.steps if s.assessment.posterior.diagnostics.proposal == "adapted"]
    imp = [
        s.assessment.seconds for s in rep.steps if s.assessment.posterior.diagnostics.method == "importance"
    ]
    c0, t0 = time.process_time(), time.perf_counter()
    naive = replay(timeline, catalog, engine=nuts)
    slow, slow_cpu = time.perf_counter() - t0, time.process_time() - c0
    diff = max(
        abs(a.assessment.posterior.mean("p_expansionist") - b.assessment.posterior.mean("p_expansionist"))
        for a, b in zip(rep.steps, naive.steps, strict=True)
    )
    print(
        f"  auto: {fast:.1f} s wall, {fast_cpu:.1f} s CPU (importance steps: {sum(imp):.1f} s wall in all; "
        f"{methods.count('importance')} steps by importance sampling (adapted proposal at steps {adapted}), "
        f"{methods.count('nuts')} fell back to NUTS; first fallback at step "
        f"{next((i for i, m in enumerate(methods) if m == 'nuts'), None)}), "
        f"{len(rep.unreliable_steps)} unreliable; NUTS at every step: {slow:.1f} s wall, {slow_cpu:.1f} s CPU, "
        f"{len(naive.unreliable_steps)} unreliable; {slow / fast:.1f}x faster; "
        f"max |P(exp) auto - NUTS| over steps {diff:.4f}"
    )


def _exact(path: Path, upto: int | None = None) -> float:
    from reference_files import reference_from_toml

    from beliefs.catalog import bundled_catalog_path

    return float(reference_from_toml(path, bundled_catalog_path(), upto=upto)["p_expansionist"])


def section_e(random_sizes: list[int]) -> None:
    import tempfile

    from test_importance import contested_signals, long_scenario_toml, random_signals

    from beliefs.catalog import load_catalog
    from beliefs.runs.assessment import assess
    from beliefs.runs.replay_steps import replay
    from beliefs.timeline import bundled_timelines, load_timeline
    from models.engine import Engine, SamplerSettings

    print("E. accuracy: |P(expansionist) - exact quadrature|")
    auto = Engine(SamplerSettings())
    nuts = Engine(SamplerSettings(method="nuts"))
    worst, n_steps, unreliable = 0.0, 0, 0
    nuts_worst = 0.0
    for name, path in bundled_timelines().items():
        tl, cat = load_timeline(name)
        rep = replay(tl, cat, engine=auto)
        errs = []
        for step in rep.steps:
            errs.append(abs(step.assessment.posterior.mean("p_expansionist") - _exact(path, step.index)))
            unreliable += not step.reliable
        n_steps += len(rep.steps)
        worst = max(worst, max(errs))
        nuts._compiled, nuts._models = auto._compiled, auto._models
        nuts_err = abs(assess(tl, cat, engine=nuts).posterior.mean("p_expansionist") - _exact(path))
        nuts_worst = max(nuts_worst, nuts_err)
        print(
            f"  {name}: max error over {len(rep.steps)} steps {max(errs):.4f} (NUTS, last step: {nuts_err:.4f})"
        )
    print(
        f"  bundled: max error {worst:.4f} over {n_steps} steps, {unreliable} unreliable; NUTS max {nuts_worst:.4f}"
    )
    kinds = [k.id for k in load_catalog().kinds]
    with tempfile.TemporaryDirectory() as tmp:
        for n in random_sizes:
            for label, sigs in (
                ("random", random_signals(n, n, kinds)),
                ("contested", contested_signals(n, n, 0.37)),
            ):
                path = Path(tmp) / f"{label}-{n}.toml"
                path.write_text(long_scenario_toml(sigs, p0=0.4, offense=0.6, dist=0.6))
                tl, cat = load_timeline(path)
                t0 = time.perf_counter()
                a = assess(tl, cat, engine=auto)
                dt = time.perf_counter() - t0
                d = a.posterior.diagnostics
                try:
                    exact = _exact(path)
                except ValueError as why:  # the reference samples where quadrature cannot, and may refuse
                    print(
                        f"  {label} {n:3d} signals: no exact reference ({why}); {a.posterior.diagnostics.line()}"
                    )
                    continue
                err = abs(a.posterior.mean("p_expansionist") - exact)
                k = f"k {d.pareto_k:.2f}" if d.pareto_k is not None else d.note.split("(")[1].split(")")[0]
                print(
                    f"  {label} {n:3d} signals: exact {exact:.4f}, error {err:.4f}, {d.method}"
                    f"{' (adapted proposal)' if d.proposal == 'adapted' else ''} "
                    f"({k}), {'reliable' if a.reliable else 'UNRELIABLE: ' + '; '.join(d.problems)}, {dt:.1f} s"
                )


def _runs(x: tuple[float, float, list[float]]) -> str:
    return ", ".join(f"{v:.2f}" for v in x[2])


def section_f(runs: int) -> None:
    print("F. beliefs --help (whole process)")
    whole_process(["--help"], 1)
    fast = whole_process(["--help"], runs)
    bare = whole_process([], runs, ["-c", "pass"])
    floor = whole_process([], runs, ["-c", "import typer, typer.rich_utils"])
    print(
        f"  beliefs --help: {fast[0]:.3f} s wall ({fast[1]:.3f} s CPU) [runs: {_runs(fast)}]; "
        f"python alone {bare[0]:.3f} s; python + typer and its rich help {floor[0]:.3f} s"
    )


def section_g(runs: int) -> None:
    print("G. one-shot assess july-1914 vs the naive numpy importance sampler (both whole processes)")
    whole_process(["assess", "july-1914", "--json"], 1)
    fast = whole_process(["assess", "july-1914", "--json"], runs)
    naive = whole_process(["july-1914"], runs, [str(ROOT / "benchmarks" / "naive_sampler.py")])
    print(
        f"  beliefs assess: {fast[0]:.2f} s wall ({fast[1]:.2f} s CPU) [runs: {_runs(fast)}]; "
        f"naive sampler: {naive[0]:.2f} s wall ({naive[1]:.2f} s CPU) [runs: {_runs(naive)}]: "
        f"{fast[0] / naive[0]:.2f}x the naive wall time, {fast[1] / naive[1]:.2f}x its CPU time"
    )


def section_h(n_signals: int, runs: int, naive: bool) -> None:
    import tempfile

    import tomli_w
    from replay import synthetic_raw

    print(f"H. {n_signals}-signal synthetic replay, whole process (D's timeline as a file)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"synthetic-{n_signals}.toml"
        path.write_text(tomli_w.dumps(synthetic_raw(n_signals, 0)), encoding="utf-8")
        fast = whole_process(["replay", str(path), "--json"], runs)
        line = f"  beliefs replay: {fast[0]:.2f} s wall ({fast[1]:.2f} s CPU) [runs: {_runs(fast)}]"
        if naive:
            slow = whole_process(["replay", str(path), "--json", "--engine", "nuts"], 1)
            line += f"; --engine nuts: {slow[0]:.1f} s wall ({slow[1]:.1f} s CPU), {slow[0] / fast[0]:.0f}x"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", default="ABCDEFGH", help="sections to run, e.g. CFGH (issue 26's targets)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    print(f"machine: {machine()}")
    if "A" in args.only or "B" in args.only:
        section_a_b(runs=3 if args.quick else 5, naive_runs=1 if args.quick else 3)
    if "C" in args.only:
        section_c(updates=30, naive_updates=5 if args.quick else 15)
    if "D" in args.only:
        section_d(50)
    if "E" in args.only:
        section_e([10, 30, 50, 100, 150] if not args.quick else [10, 50, 150])
    if "F" in args.only:
        section_f(runs=5 if args.quick else 11)
    if "G" in args.only:
        section_g(runs=3 if args.quick else 7)
    if "H" in args.only:
        section_h(50, runs=1 if args.quick else 3, naive=not args.quick)
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
