#!/usr/bin/env python3
"""make bench: time whole `board` processes against their peers and floors.

Generates deterministic boards with `board dev generate` (10,000 items over 100 closed
iterations; the same board as a 5,000-commit history; 1k/50k items and 500/20,000
commits for the scaling figures), imports the items into a temporary Taskwarrior, then
runs every command several times and prints median, spread and peak memory, the ratios
board/peer and board/floor, and exits 1 if a target of docs/benchmarks.md is missed.

`board portfolio status` is timed on a portfolio of 50 members of 2,000 items each (fetched
from file:// URLs), skipped with BENCH_QUICK=1.

Usage: scripts/bench.py path/to/release/board  (BENCH_RUNS=N, BENCH_QUICK=1 to skip 50k/20k and the portfolio,
BENCH_COMMITS=N for a shorter history than 5,000 commits)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BOARD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/board")
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
QUICK = os.environ.get("BENCH_QUICK") == "1"
COMMITS = int(os.environ.get("BENCH_COMMITS", "5000"))
WORK = tempfile.mkdtemp(prefix="board-bench-")
ENV = dict(os.environ, NO_COLOR="1", GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
           BOARD_TODAY="2026-01-15", HOME=WORK, GIT_CONFIG_NOSYSTEM="1")


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_once(cmd, cwd, env=None):
    """Seconds and peak resident memory (MiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed in {cwd}")
    return elapsed, usage.ru_maxrss / 1024


def measure(cmd, cwd, env=None, before=None):
    """Median, min, max seconds and peak MiB over RUNS runs, after one warm-up run.
    `before` runs ahead of each timed run (to empty a cache for cold figures)."""
    run_once(cmd, cwd, env)
    times, peak = [], 0.0
    for _ in range(RUNS):
        if before:
            before()
        seconds, mem = run_once(cmd, cwd, env)
        times.append(seconds)
        peak = max(peak, mem)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "mib": peak}


def generate(name, items, iterations, commits=0):
    path = os.path.join(WORK, name)
    log(f"generating {name}: {items} items, {iterations} iterations, {commits or 1} commits")
    args = [BOARD, "dev", "generate", path, "--items", str(items), "--iterations", str(iterations)]
    if commits:
        args += ["--commits", str(commits)]
    subprocess.run(args, env=ENV, check=True, stdout=subprocess.DEVNULL)
    # The record cache skips files changed in the second a load starts (git's racy-entry rule):
    # let the generated files age a second so the warm-up run fills the cache.
    time.sleep(1.1)
    return path


def taskwarrior(board_dir):
    """A Taskwarrior data folder holding the board's items; None when `task` is missing."""
    if not shutil.which("task"):
        return None
    data = os.path.join(WORK, "taskdata")
    os.makedirs(data)
    rc = os.path.join(WORK, "taskrc")
    with open(rc, "w") as f:
        f.write(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
    items = json.loads(subprocess.run([BOARD, "-C", board_dir, "list", "--format", "json"], env=ENV,
                                      check=True, capture_output=True).stdout)
    tasks = [{"description": i["title"], "status": "pending", "project": i.get("iteration") or "backlog",
              "tags": i.get("tags") or [], "entry": "20260101T000000Z"} for i in items]
    with open(os.path.join(WORK, "tasks.json"), "w") as f:
        json.dump(tasks, f)
    env = dict(ENV, TASKRC=rc, TASKDATA=data)
    log(f"importing {len(tasks)} tasks into Taskwarrior")
    subprocess.run(["task", "import", os.path.join(WORK, "tasks.json")], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def has_command(name):
    return subprocess.run([BOARD, "help", name], env=ENV, capture_output=True).returncode == 0


def main():
    results, checks = {}, []

    def record(name, cmd, cwd, env=None, before=None):
        log(f"timing {name}")
        results[name] = measure(cmd, cwd, env, before)
        return results[name]

    flat = generate("flat-10k", 10_000, 100)
    record("board list (10k)", [BOARD, "list"], flat)
    record("board list --format json (10k)", [BOARD, "list", "--format", "json"], flat)
    record("cat backlog/*.md (10k)", ["sh", "-c", "cat backlog/*.md"], flat)
    record("board check (10k)", [BOARD, "check"], flat)
    # The generated iterations are all closed: plan needs a planned one to fill.
    subprocess.run([BOARD, "iteration", "new", "--goal", "Bench"], cwd=flat, env=ENV, check=True, stdout=subprocess.DEVNULL)
    record("board plan --dry-run (10k)", [BOARD, "plan", "--dry-run", "--velocity", "40"], flat)
    tw = taskwarrior(flat)
    if tw:
        record("task list (10k)", ["task", "list"], flat, tw)
        record("task export (10k)", ["task", "export"], flat, tw)

    history = generate("history-5k", 10_000, 100, commits=COMMITS)
    cache = os.path.join(history, ".git", "board-cache")
    history_commands = [c for c in ["velocity", "burndown", "scope", "flow"] if has_command(c)]
    for command in history_commands:
        args = [BOARD, command] + (["S100"] if command in ("burndown", "scope") else [])
        record(f"board {command} cold ({COMMITS} commits)", args, history,
               before=lambda: shutil.rmtree(cache, ignore_errors=True))
        record(f"board {command} warm ({COMMITS} commits)", args, history)
    record(f"git log --raw ({COMMITS} commits)", ["git", "log", "--raw", "--format=%H"], history)
    # Not a target: a report on an iteration halfway through history walks the half after it.
    if "burndown" in history_commands:
        record(f"board burndown S50 cold ({COMMITS} commits)", [BOARD, "burndown", "S50"], history,
               before=lambda: shutil.rmtree(cache, ignore_errors=True))

    if not QUICK and has_command("portfolio"):
        # 50 member boards of 2,000 items, each a bare repository reached by a file:// URL.
        team = generate("portfolio-team", 2_000, 20)
        portfolio = os.path.join(WORK, "portfolio")
        subprocess.run([BOARD, "portfolio", "init", portfolio], env=ENV, check=True, stdout=subprocess.DEVNULL)
        for n in range(50):
            bare = os.path.join(WORK, f"team-{n}.git")
            subprocess.run(["git", "clone", "-q", "--bare", team, bare], env=ENV, check=True)
            subprocess.run([BOARD, "portfolio", "add", f"team-{n}", "file://" + bare], cwd=portfolio, env=ENV,
                           check=True, stdout=subprocess.DEVNULL)
        log("fetching 50 members")
        subprocess.run([BOARD, "portfolio", "fetch"], cwd=portfolio, env=ENV, check=True, stdout=subprocess.DEVNULL)
        rows = os.path.join(portfolio, ".git", "board-portfolio")
        record("board portfolio status cold (50 x 2k)", [BOARD, "portfolio", "status"], portfolio,
               before=lambda: [os.remove(os.path.join(rows, f)) for f in os.listdir(rows) if f.endswith(".status.json")])
        record("board portfolio status (50 x 2k)", [BOARD, "portfolio", "status"], portfolio)

    if not QUICK:
        for n in (1_000, 50_000):
            path = generate(f"flat-{n}", n, max(1, n // 100))
            record(f"board list ({n // 1000}k)", [BOARD, "list"], path)
        for n in (500, 20_000):
            path = generate(f"history-{n}", 10_000, max(10, n // 50), commits=n)
            record(f"board velocity ({n} commits)", [BOARD, "velocity"], path)
            shutil.rmtree(path, ignore_errors=True)

    print(f"\n{'command':44} {'median':>9} {'min':>9} {'max':>9} {'peak MiB':>9}")
    for name, r in results.items():
        print(f"{name:44} {r['median']*1000:8.1f}ms {r['min']*1000:8.1f}ms {r['max']*1000:8.1f}ms {r['mib']:9.1f}")

    def ratio(a, b):
        return results[a]["median"] / results[b]["median"] if a in results and b in results else None

    def target(label, ok):
        checks.append((label, ok))

    print("\nratios and targets")
    lst = results["board list (10k)"]
    target("board list (10k) <= 100 ms median", lst["median"] <= 0.100)
    target("board list (10k) peak memory <= 100 MiB", lst["mib"] <= 100)
    r = ratio("cat backlog/*.md (10k)", "board list (10k)")
    floor = ratio("board list (10k)", "cat backlog/*.md (10k)")
    print(f"  board list / cat floor: {floor:.2f}x")
    target("board list <= 3x the cat floor", floor <= 3)
    if tw:
        speedup = ratio("task list (10k)", "board list (10k)")
        print(f"  task list / board list: {speedup:.2f}x faster")
        target("board list >= 4x faster than task list", speedup >= 4)
        print(f"  task export / board list --format json: {ratio('task export (10k)', 'board list --format json (10k)'):.2f}x")
    for name in ("board check (10k)", "board plan --dry-run (10k)"):
        target(f"{name} <= 200 ms", results[name]["median"] <= 0.200)
    if "board portfolio status (50 x 2k)" in results:
        target("board portfolio status (50 x 2k) warm <= 2 s", results["board portfolio status (50 x 2k)"]["median"] <= 2.0)
    for command in history_commands:
        cold = results[f"board {command} cold ({COMMITS} commits)"]["median"]
        warm = results[f"board {command} warm ({COMMITS} commits)"]["median"]
        gitfloor = results[f"git log --raw ({COMMITS} commits)"]["median"]
        print(f"  board {command} cold / git log --raw: {cold / gitfloor:.2f}x")
        target(f"board {command} cold <= 1 s", cold <= 1.0)
        target(f"board {command} cold <= 2x git log --raw", cold <= 2 * gitfloor)
        target(f"board {command} warm <= 100 ms", warm <= 0.100)
    scaling = [(f"board list ({n}k)", n * 1000) for n in (1, 10, 50)]
    scaling += [(f"board velocity ({n} commits)", n) for n in (500, COMMITS, 20_000)]
    results.setdefault(f"board velocity ({COMMITS} commits)", results.get(f"board velocity warm ({COMMITS} commits)"))
    shown = [(name, n) for name, n in scaling if results.get(name)]
    if len(shown) > 2:
        print("\nscaling (cost per item or per commit, microseconds)")
        for name, n in shown:
            print(f"  {name:40} {results[name]['median'] * 1e6 / n:8.1f}")
    missed = [label for label, ok in checks if not ok]
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")
    shutil.rmtree(WORK, ignore_errors=True)
    if missed:
        print(f"\n{len(missed)} target(s) missed")
        sys.exit(1)


if __name__ == "__main__":
    main()
