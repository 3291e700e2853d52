#!/usr/bin/env python3
"""report.py CONTEXT RESULTS.jsonl VERIFY.jsonl STATEMENTS NPROC: the markdown
report of bench/run. With several runs, each figure is the median over runs,
and each ratio the median of the ratios each run measured. Rows with a
`round` are the side-by-side turns: a ratio of reads is then, per run, the
median over its rounds of a turn's req/s over its round's `list`, and over
runs the median of those."""
import json
import re
import statistics
import sys
from collections import defaultdict

context_path, results_path, verify_path, statements_path, nproc = sys.argv[1:6]
cores = int(nproc)
every_row = [json.loads(line) for line in open(results_path) if line.strip()]
rows = [row for row in every_row if "round" not in row]
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


def failed(turn):
    return turn["wrk"]["non2xx"] + sum(turn["wrk"][k] for k in SOCKET_ERRORS) > 0


measured_turns = [row for row in every_row if "round" in row and row["wrk"]]
failed_turns = [t for t in measured_turns if failed(t)]
turns = [t for t in measured_turns if not failed(t)]
verifies = [json.loads(line) for line in open(verify_path) if line.strip()]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


agora_ms = median([v["verify_agora_ms"] for v in verifies])
c_ms = median([v["verify_c_ms"] for v in verifies])
login_ceiling = cores * 1000 / agora_ms if agora_ms else None
login_ceiling_c = cores * 1000 / c_ms if c_ms else None

groups = defaultdict(list)
order = []
for row in rows:
    key = (row["scenario"], row["conns"])
    if key not in groups:
        order.append(key)
    groups[key].append(row)


def ratio(row):
    rps = row["wrk"]["rps"]
    if row["scenario"] == "login":
        return rps / login_ceiling if login_ceiling else None
    tps = row["pgbench_tps"]
    return rps / tps if tps else None


print("# Agora benchmark\n")
print("```")
with open(context_path) as context_file:
    context = context_file.read()
print(context.rstrip())
print("```\n")
runs = max((row["run"] for row in rows), default=0)
print(f"{runs} run(s); figures are medians over runs. `ceiling` is pgbench -M prepared tps of the "
      "endpoint's statements at the same concurrency (login: cores / one verify); "
      "`errors` are socket errors (connect/read/write/timeout); RSS is the server's VmHWM "
      "during the scenario; threads the most seen; CPU the server's CPU seconds.\n")
print("| scenario | conns | req/s | p50 ms | p99 ms | non-2xx | errors | ceiling | ratio "
      "| RSS MB | threads | CPU s | load1 |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in order:
    group = groups[key]
    scenario, conns = key
    errors = median([sum(r["wrk"][k] for k in SOCKET_ERRORS) for r in group])
    ceiling = login_ceiling if scenario == "login" else median([r["pgbench_tps"] for r in group])
    ratio_value = median([ratio(r) for r in group])
    print(f"| {scenario} | {conns} | {fmt(median([r['wrk']['rps'] for r in group]))} "
          f"| {fmt(median([r['wrk']['p50_ms'] for r in group]), 1)} "
          f"| {fmt(median([r['wrk']['p99_ms'] for r in group]), 1)} "
          f"| {fmt(median([r['wrk']['non2xx'] for r in group]))} | {fmt(errors)} "
          f"| {fmt(ceiling)} | {fmt(ratio_value, 2)} "
          f"| {fmt(median([r['vmhwm_kb'] / 1024 if r['vmhwm_kb'] else None for r in group]), 1)} "
          f"| {fmt(median([r['threads'] for r in group]))} "
          f"| {fmt(median([r['cpu_s'] for r in group]), 1)} "
          f"| {fmt(median([r['load1'] for r in group]), 2)} |")

print("\n## Ratios the issue sets targets for (each from one run, median over runs)\n")


def per_run(scenario, conns):
    return {r["run"]: r for r in groups.get((scenario, conns), [])}


def paired(a, b, f):
    left, right = per_run(*a), per_run(*b)
    return median([f(left[run], right[run]) for run in left if run in right])


def rps(row):
    return row["wrk"]["rps"]


rounds = defaultdict(dict)
for turn in turns:
    rounds[(turn["run"], turn["round"])][turn["scenario"]] = turn["wrk"]["rps"]


def side_by_side(scenario):
    """Each round's ratio to its `list`, by run, in the order measured."""
    by_run = defaultdict(list)
    for (run, _), r in sorted(rounds.items()):
        if scenario in r and r.get("list"):
            by_run[run].append(r[scenario] / r["list"])
    return by_run


lines = []
for scenario, target in (("list-auth", "≥ 0.85"), ("deep", "≥ 0.90"), ("search", "≥ 0.5")):
    by_run = side_by_side(scenario)
    if by_run:
        each = "; ".join(", ".join(fmt(value, 2) for value in ratios) for ratios in by_run.values())
        lines.append((f"{scenario} / list, side by side at 64 (each round, runs apart by `;`: {each})",
                      median([median(ratios) for ratios in by_run.values()]), target))
# The same ratios from the scenarios' own rows: with turns beside them they
# are kept for comparison with earlier reports, the turns are the measure.
apart = ", minutes apart" if lines else ""
lines += [
    (f"list-auth / list at 64{apart}", paired(("list-auth", 64), ("list", 64), lambda a, b: rps(a) / rps(b)), "≥ 0.85"),
    (f"deep / list at 64{apart}", paired(("deep", 64), ("list", 64), lambda a, b: rps(a) / rps(b)), "≥ 0.90"),
    (f"search / list at 64{apart}", paired(("search", 64), ("list", 64), lambda a, b: rps(a) / rps(b)), "≥ 0.5"),
    ("one-auth / one at 64", paired(("one-auth", 64), ("one", 64), lambda a, b: rps(a) / rps(b)),
     "none set (list-auth's is 0.85)"),
]
for scenario in ("list", "list-auth", "deep", "search", "one", "one-auth"):
    for conns in (256, 1024):
        lines.append((f"{scenario} at {conns} / at 64",
                      paired((scenario, conns), (scenario, 64), lambda a, b: rps(a) / rps(b)), "≥ 0.90"))
print("| ratio | value | target |\n|---|---|---|")
for name, value, target in lines:
    if value is not None:
        print(f"| {name} | {fmt(value, 2)} | {target} |")
if measured_turns:
    measured = [s for s in ("list", "list-auth", "deep", "search") if any(t["scenario"] == s for t in turns)]
    print(f"\nSide by side: {', '.join(f'`{s}`' for s in measured)} in turns of "
          f"{measured_turns[0]['seconds']} s at 64 connections, one round after another, "
          "every other round in reverse order (bench/run); the scenarios' own rows above were "
          "measured minutes apart.")
    if failed_turns:
        print(f"\n{len(failed_turns)} turn(s) had non-2xx answers or socket errors and are left out: "
              + ", ".join(f"run {t['run']} round {t['round']} {t['scenario']}" for t in failed_turns))
    print("\n| scenario | turns | req/s, median | req/s, each |\n|---|---|---|---|")
    for scenario in measured:
        values = [t["wrk"]["rps"] for t in turns if t["scenario"] == scenario]
        if values:
            print(f"| {scenario} | {len(values)} | {fmt(median(values))} | "
                  f"{', '.join(fmt(v) for v in values)} |")

print("\n## Login and bcrypt\n")
print(f"- one verify at cost 12, median of the runs: Agora {fmt(agora_ms, 1)} ms, "
      f"C (Python bcrypt 3.2.2) {fmt(c_ms, 1)} ms; Agora / C = {fmt(agora_ms / c_ms if agora_ms and c_ms else None, 2)}")
print(f"- login ceiling ({cores} cores / one verify): {fmt(login_ceiling, 1)} logins/s with Agora's bcrypt, "
      f"{fmt(login_ceiling_c, 1)} with C's")
for conns in sorted({c for (s, c) in order if s == "login"}):
    group = groups[("login", conns)]
    sides = [r["side"] for r in group if r.get("side")]
    alone = [r["alone"]["rps"] for r in group if r.get("alone")]
    if alone:
        alone_ratio = median(alone) / login_ceiling if login_ceiling else None
        print(f"- login at {conns}, alone: {fmt(median(alone), 1)} logins/s, "
              f"{fmt(alone_ratio, 2)} of the ceiling (target ≥ 0.90)")
    print(f"- login at {conns}: {fmt(median([rps(r) for r in group]), 1)} logins/s; "
          f"`list` at 16 connections beside it: {fmt(median([s['rps'] for s in sides]))} req/s, "
          f"p99 {fmt(median([s['p99_ms'] for s in sides]), 1)} ms (target < 50 ms)")
if any(s == "login" for (s, _) in order):
    autogroup = re.search(r"^kernel \S+; kernel\.sched_autogroup_enabled (\S+)$", context, re.M)
    setting = autogroup.group(1) if autogroup else "not recorded"
    why = {"1": "on: the reader's p99 depends on how the kernel shares the cores between the "
                "server and PostgreSQL's backends, each a scheduling group of its own",
           "0": "off: the kernel shares the cores between threads"}.get(setting, "unknown")
    print(f"- kernel.sched_autogroup_enabled {setting} ({why}; docs/performance.md, finding 22)")
print("- the throttle's limits were not raised: it counts failures only, and the logins "
      "are correct passwords of many users (one check per email at a time; at most 16 "
      "checks per client network run at once, the others wait)")

print("\n## Statements per request (pg_stat_statements, first run)\n")
print("per request | mean ms | statement")
print(open(statements_path).read())
