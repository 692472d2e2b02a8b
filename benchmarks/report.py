#!/usr/bin/env python3
"""Turns JMH's JSON into benchmarks/results/RESULTS.md, chart.svg and summary.json.

Standard library only. benchmarks/run calls it after JMH; by hand:

    python3 benchmarks/report.py [--results benchmarks/results] [--jmh-args "..."] [--loadavg "..."]

Inputs (in --results):
  results.json       JMH's output (-rf json -rff results.json)
  exit-latency.json  optional; latencies the ExitLatency benchmark measured with the child's own
                     clock ({"runs": [{"benchmark": ..., "latenciesNs": [...]}, ...]}), one run per fork
  pool-python.json   optional; Python's ProcessPoolExecutor on PoolBench's workloads
                     (benchmarks/python/pool_baseline.py --json), compared with PoolBench's jipc rows
Outputs (in --results):
  RESULTS.md         header (machine, JDK, date, JMH options) and one table of every comparison
  chart.svg          bar chart of the ratios jipc/baseline on a log scale, targets as markers
  summary.json       the same rows and the metadata, as JSON

Naming convention (how jipc benchmarks are paired with their baselines)
------------------------------------------------------------------------
* One JMH class per workload: dev.jipc.bench.<Workload>, e.g. SpawnBench. WORKLOADS below says
  what each one's metrics, units and targets are.
* A method named "jipc" or "jipc_<variant>" measures jipc; a method named "base_<name>" measures a
  baseline. Every jipc method of a class is compared with every base_ method of the same class
  that ran in the same JMH mode with the same @Param values; the ratio is jipc / baseline.
* A class without base_ methods (FanInBench) is reported in absolute numbers, ratio "-".
* Extra latencies measured inside a benchmark (exit-latency.json) are keyed by the full
  benchmark name, and are paired the same way.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
from xml.sax.saxutils import escape

PREFIX = "dev.jipc.bench."

# Per workload: title, and the metrics it yields. A metric is
#   (mode, key, label, unit, better) where mode is the JMH mode ("thrpt", "sample", "ss") it is
#   taken from, key says how ("score", "p50", "p99", "p99.9", "median", "aux:<name>",
#   "stamp:p50", "stamp:p99", "mib"), and better is "higher" or "lower".
# Targets: (workload, jipc-method regex, baseline-method regex, params predicate, metric key)
#   -> (op, value) where op is ">=" / "<=" on the ratio, or "abs<" on the jipc value (absolute).
WORKLOADS = {
    "SpawnBench": {
        "title": "1 spawn",
        "metrics": [("thrpt", "score", "spawns/s", "1/s", "higher")],
    },
    "ExitLatency": {
        "title": "2 exit latency",
        "metrics": [
            ("sample", "stamp:p50", "exit->onExit p50 (child clock)", "us", "lower"),
            ("sample", "stamp:p99", "exit->onExit p99 (child clock)", "us", "lower"),
            ("sample", "p50", "stdin byte->onExit p50 (JMH)", "us", "lower"),
            ("sample", "p99", "stdin byte->onExit p99 (JMH)", "us", "lower"),
        ],
    },
    "StreamBench": {
        "title": "3 stream",
        "metrics": [
            ("thrpt", "score", "messages/s", "1/s", "higher"),
            ("thrpt", "mib", "MiB/s", "MiB/s", "higher"),
        ],
    },
    "PingPongBench": {
        "title": "4 ping-pong",
        "metrics": [
            ("thrpt", "score", "round trips/s", "1/s", "higher"),
            ("sample", "p50", "latency p50", "us", "lower"),
            ("sample", "p99", "latency p99", "us", "lower"),
            ("sample", "p99.9", "latency p99.9", "us", "lower"),
        ],
    },
    "ChildStartBench": {
        "title": "5 child start",
        "metrics": [("ss", "median", "start -> first message, median", "ms", "lower")],
    },
    "ManyChildrenBench": {
        "title": "6 1,000 children",
        "metrics": [
            ("ss", "aux:threadsAdded", "live threads added", "threads", "lower"),
            ("ss", "aux:rssKiB", "RSS added", "KiB", "lower"),
            ("ss", "score", "spawn all + 1 s settle", "ms", "lower"),
        ],
    },
    "FanInBench": {
        "title": "7 fan-in",
        "metrics": [("thrpt", "score", "round trips/s (total)", "1/s", "higher")],
    },
    "PoolBench": {
        "title": "8 process pool",
        "metrics": [
            ("thrpt", "score", "tasks/s, 10,000 in flight", "1/s", "higher"),
            ("sample", "p50", "round trip p50", "us", "lower"),
            ("sample", "p99", "round trip p99", "us", "lower"),
            ("sample", "p99.9", "round trip p99.9", "us", "lower"),
        ],
    },
}

TARGETS = [
    ("SpawnBench", r"^jipc", r"^base_processBuilder$", None, "score", (">=", 2.0)),
    ("ExitLatency", r"^jipc", r"^base_processOnExit$", None, "stamp:p50", ("<=", 0.5)),
    ("StreamBench", r"^jipc", r"^base_", lambda p: p.get("size") == "64" and p.get("codec") == "raw",
     "score", (">=", 1.2)),
    ("StreamBench", r"^jipc", r"^base_", lambda p: p.get("size") == "64" and p.get("codec") == "raw",
     "mib", (">=", 1.2)),
    # The 64,000 B target is stated without a codec: it applies to both.
    ("StreamBench", r"^jipc", r"^base_", lambda p: p.get("size") == "64000", "score", (">=", 1.5)),
    ("StreamBench", r"^jipc", r"^base_", lambda p: p.get("size") == "64000", "mib", (">=", 1.5)),
    ("StreamBench", r"^jipc", r"^base_", lambda p: p.get("size") == "1048576", "mib", (">=", 1.5)),
    ("PingPongBench", r"^jipc", r"^base_", None, "p50", ("<=", 0.8)),
    ("ChildStartBench", r"^jipc_startProcess$", r"^base_javaNoop$", None, "median", ("<=", 1.1)),
    ("ChildStartBench", r"^jipc_startProcessAotCache$", r"^base_javaNoopAotCache$", None, "median", ("<=", 1.1)),
    ("ManyChildrenBench", r"^jipc", r"^base_", None, "aux:threadsAdded", ("abs<", 10)),
    ("PoolBench", r"^jipc_roundTrip$", r"^base_", None, "p50", ("abs<", 30)),
]

# PoolBench against Python's ProcessPoolExecutor (pool-python.json, benchmarks/python/pool_baseline.py):
# metric key -> (the script's field, target on the ratio jipc / Python).
PYTHON_POOL = {
    "p50": ("p50Us", ("<=", 0.25)),
    "p99": ("p99Us", None),
    "p99.9": ("p99_9Us", None),
    "score": ("inFlightMean", (">=", 4.0)),
}

# Notes shown in the target column where the goal is not a number.
TARGET_NOTES = [
    ("ExitLatency", r"^jipc", r"^base_nuProcessOnExit$", "stamp:p50", "far below"),
]

NOTES = [
    "exit latency: \"child clock\" is from the child's CLOCK_MONOTONIC stamp just before _exit to a callback on "
    "the exit future (System.nanoTime()), measurement iterations only; \"JMH\" is JMH's SampleTime of writing "
    "the byte that lets the child exit until the future completes, so it includes delivering that byte "
    "(NuProcess queues stdin writes to its pump thread).",
    "stream: MiB/s = messages/s x payload size; for codec=fory the payload is a SmallRecord whose encoding has "
    "that size, encoded per message by the child and decoded by the parent on both sides.",
    "1,000 children: values are with the children running, relative to the fork before its first child; "
    "ProcessBuilder keeps its three pipes per child, jipc_pipe has stdin and stdout piped, jipc_discard none.",
    "fan-in has no baseline: absolute totals; _p2 runs with -Djdk.virtualThreadScheduler.parallelism=2.",
    "process pool: python is concurrent.futures.ProcessPoolExecutor(max_workers=2) running the same two "
    "measurements (benchmarks/python/pool_baseline.py, pool-python.json), right after JMH; threadPool is a "
    "ThreadPoolExecutor of 2 threads, the lower bound.",
    "spawn, interleaved: SpawnInterleaved (not JMH) alternates blocks of spawns of jipc and ProcessBuilder in one "
    "JVM after the JMH run, so that the machine's drift between JMH's benchmarks, minutes apart, does not decide "
    "the ratio.",
]

TIME_FACTORS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0}


def unit_time(unit):
    """'ops/us' or 'us/op' -> seconds per that time unit."""
    for part in unit.split("/"):
        if part in TIME_FACTORS:
            return TIME_FACTORS[part]
    raise ValueError("unknown JMH unit " + unit)


def split_name(full):
    """dev.jipc.bench.SpawnBench.jipc_discard -> (SpawnBench, jipc_discard)."""
    rest = full[len(PREFIX):] if full.startswith(PREFIX) else full
    cls, _, method = rest.rpartition(".")
    return cls, method


def percentile(sorted_values, p):
    """Nearest-rank percentile, as LatencyFile.java computes it."""
    if not sorted_values:
        return None
    rank = int(math.ceil(p / 100.0 * len(sorted_values))) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


def metric_value(entry, key, unit, stamps):
    """The value of one metric of one JMH result entry, in the metric's unit; None if absent."""
    pm = entry["primaryMetric"]
    jmh_unit = pm["scoreUnit"]
    if key == "score" and entry["mode"] == "thrpt":
        return pm["score"] / unit_time(jmh_unit)  # ops per second
    if key == "mib":
        size = float(entry.get("params", {}).get("size", "0"))
        return pm["score"] / unit_time(jmh_unit) * size / (1024 * 1024)
    to_unit = TIME_FACTORS.get(unit)
    if key == "score":  # a time per operation
        return pm["score"] * unit_time(jmh_unit) / to_unit
    if key in ("p50", "p99", "p99.9", "median"):
        pct = {"p50": "50.0", "median": "50.0", "p99": "99.0", "p99.9": "99.9"}[key]
        value = pm.get("scorePercentiles", {}).get(pct)
        return None if value is None else value * unit_time(jmh_unit) / to_unit
    if key.startswith("aux:"):
        sec = entry.get("secondaryMetrics", {}).get(key[4:])
        if sec is None:
            return None
        # JMH sums EVENTS counters over iterations: average the per-iteration raw data instead.
        raw = [v for fork in sec.get("rawData", []) for v in fork]
        return sum(raw) / len(raw) if raw else sec["score"]
    if key.startswith("stamp:"):
        samples = stamps.get(entry["benchmark"])
        if not samples:
            return None
        return percentile(samples, float(key[len("stamp:p"):])) * 1e-9 / to_unit
    raise ValueError("unknown metric key " + key)


def load_stamps(path):
    """exit-latency.json -> {benchmark: sorted latencies in ns} (forks merged)."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    merged = {}
    for run in data.get("runs", []):
        merged.setdefault(run["benchmark"], []).extend(run["latenciesNs"])
    return {k: sorted(v) for k, v in merged.items()}


def interleaved_rows(path):
    """Rows of spawn-interleaved.json (SpawnInterleaved: jipc and ProcessBuilder alternating in one JVM)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        data = json.load(f)
    rates = data["spawnsPerSecond"]
    base = rates.get("processBuilder")
    rows = []
    for j in ("jipc_discard", "jipc_pipe"):
        if j not in rates or not base:
            continue
        ratio = rates[j] / base
        rows.append({
            "workload": "SpawnInterleaved",
            "title": "1 spawn, interleaved",
            "params": {},
            "metric": "spawns/s, blocks of %d alternating in one JVM" % data["block"],
            "metricKey": "score",
            "unit": "1/s",
            "better": "higher",
            "jipc": j,
            "jipcValue": rates[j],
            "baseline": "processBuilder",
            "baselineValue": base,
            "ratio": ratio,
            "target": goal_text((">=", 2.0)),
            "targetRatio": 2.0,
            "met": ratio >= 2.0,
        })
    return rows


def python_pool_rows(path, rows):
    """PoolBench's jipc results again, each against Python's ProcessPoolExecutor (pool_baseline.py)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        data = json.load(f)
    out = []
    seen = set()
    for r in rows:
        key = (r["jipc"], r["metricKey"], tuple(sorted(r["params"].items())))
        if r["workload"] != "PoolBench" or r["metricKey"] not in PYTHON_POOL or key in seen:
            continue
        seen.add(key)
        field, goal = PYTHON_POOL[r["metricKey"]]
        bv = data.get(field)
        if not bv:
            continue
        ratio = r["jipcValue"] / bv
        met = None
        if goal:
            op, value = goal
            met = ratio >= value if op == ">=" else ratio <= value
        row = dict(r)
        row.update({
            "baseline": "python ProcessPoolExecutor",
            "baselineValue": bv,
            "ratio": ratio,
            "target": goal_text(goal) if goal else None,
            "targetRatio": goal[1] if goal else None,
            "met": met,
        })
        out.append(row)
    return out


def params_text(params):
    return ", ".join("%s=%s" % kv for kv in sorted(params.items())) if params else ""


def find_target(cls, jipc, base, params, key):
    for t_cls, t_jipc, t_base, pred, t_key, goal in TARGETS:
        if (t_cls == cls and t_key == key and re.search(t_jipc, jipc) and re.search(t_base, base or "")
                and (pred is None or pred(params))):
            return goal
    return None


def find_note(cls, jipc, base, key):
    for n_cls, n_jipc, n_base, n_key, note in TARGET_NOTES:
        if n_cls == cls and n_key == key and re.search(n_jipc, jipc) and re.search(n_base, base or ""):
            return note
    return None


def build_rows(entries, stamps):
    """Pairs every jipc result with every baseline of its class, mode and params."""
    groups = {}  # (cls, mode, params key) -> {method: entry}
    order = []
    for e in entries:
        cls, method = split_name(e["benchmark"])
        gkey = (cls, e["mode"], tuple(sorted(e.get("params", {}).items())))
        if gkey not in groups:
            groups[gkey] = {}
            order.append(gkey)
        groups[gkey][method] = e
    rows = []
    known = list(WORKLOADS)
    order.sort(key=lambda g: (known.index(g[0]) if g[0] in known else len(known), g[2]))
    for gkey in order:
        cls, mode, params = gkey
        params = dict(params)
        workload = WORKLOADS.get(cls, {"title": cls, "metrics": [(mode, "score", "score", "", "higher")]})
        methods = groups[gkey]
        jipcs = [m for m in methods if m == "jipc" or m.startswith("jipc_")]
        # The JDK's baselines first, NuProcess last.
        bases = sorted((m for m in methods if m.startswith("base_")), key=lambda m: ("nuProcess" in m, m))
        for m_mode, key, label, unit, better in workload["metrics"]:
            if m_mode != mode:
                continue
            for j in jipcs:
                jv = metric_value(methods[j], key, unit, stamps)
                if jv is None:
                    continue
                for b in bases or [None]:
                    bv = metric_value(methods[b], key, unit, stamps) if b else None
                    ratio = jv / bv if (bv not in (None, 0)) else None
                    goal = find_target(cls, j, b, params, key)
                    met = None
                    target_ratio = None
                    if goal:
                        op, value = goal
                        if op == ">=":
                            met, target_ratio = (ratio is not None and ratio >= value), value
                        elif op == "<=":
                            met, target_ratio = (ratio is not None and ratio <= value), value
                        elif op == "abs<":
                            met = jv < value
                            target_ratio = value / bv if bv else None
                    rows.append({
                        "workload": cls,
                        "title": workload["title"],
                        "params": params,
                        "metric": label,
                        "metricKey": key,
                        "unit": unit,
                        "better": better,
                        "jipc": j,
                        "jipcValue": jv,
                        "baseline": b[len("base_"):] if b else None,
                        "baselineValue": bv,
                        "ratio": ratio,
                        "target": goal_text(goal) if goal else find_note(cls, j, b, key),
                        "targetRatio": target_ratio,
                        "met": met,
                    })
    return rows


def goal_text(goal):
    op, value = goal
    if op == "abs<":
        return "< %g (absolute)" % value
    return "%s %gx" % (op, value)


def fmt(value, unit=""):
    if value is None:
        return "-"
    a = abs(value)
    if a >= 100000:
        s = "{:,.0f}".format(value)
    elif a >= 100:
        s = "{:,.0f}".format(value)
    elif a >= 10:
        s = "{:.1f}".format(value)
    elif a >= 1:
        s = "{:.2f}".format(value)
    elif a == 0:
        s = "0"
    else:
        s = "{:.3g}".format(value)
    return s


def fmt_ratio(r):
    if r is None:
        return "-"
    if r >= 10:
        return "%.1fx" % r
    if r >= 0.1:
        return "%.2fx" % r
    return "%.3gx" % r


def cpu_shares(before, after):
    """Busy and steal shares of all CPUs' time between two /proc/stat 'cpu' lines; None if unknown."""
    try:
        b = [int(v) for v in before.split()[1:]]
        a = [int(v) for v in after.split()[1:]]
    except ValueError:
        return None
    if len(a) < 8 or len(b) != len(a):
        return None
    d = [y - x for x, y in zip(b, a)]
    total = sum(d[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    if total <= 0:
        return None
    return {"busy": 1.0 - (d[3] + d[4]) / total, "steal": d[7] / total}


def metadata(entries, args, results_file):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    first = entries[0] if entries else {}
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    revision = "?"
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        revision = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty"], capture_output=True,
                                  text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        # when JMH finished writing its results, not when this script ran
        "date": datetime.datetime.fromtimestamp(os.path.getmtime(results_file), datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": "%s %s %s" % (platform.system(), platform.release(), platform.machine()),
        "jdk": first.get("jdkVersion", "?"),
        "vm": "%s %s" % (first.get("vmName", "?"), first.get("vmVersion", "")),
        "jmhVersion": first.get("jmhVersion", "?"),
        "revision": revision,
        "jmhArgs": args.jmh_args,
        "loadavgBefore": args.loadavg,
        "wallClock": args.elapsed,
        "cpuDuringRun": cpu_shares(args.cpu_before, args.cpu_after),
    }


def write_markdown(path, rows, meta, missing):
    lines = []
    lines.append("# jipc benchmark results")
    lines.append("")
    lines.append("Machine: %s cpus (nproc), %s, %s RAM, %s. JDK %s (%s), JMH %s. Date: %s. jipc revision: %s."
                 % (meta["nproc"], meta["cpu"], meta["memory"] or "?", meta["kernel"], meta["jdk"], meta["vm"],
                    meta["jmhVersion"], meta["date"], meta["revision"]))
    lines.append("")
    extra = []
    extra.append("JMH options: `%s`" % (meta["jmhArgs"] or "(defaults of the annotations)"))
    if meta.get("loadavgBefore"):
        extra.append("load average before the run: %s" % meta["loadavgBefore"])
    if meta.get("wallClock"):
        extra.append("JMH wall clock: %s" % meta["wallClock"])
    if meta.get("cpuDuringRun"):
        extra.append("CPU during the run: %.0f%% busy, %.1f%% stolen by the hypervisor"
                     % (100 * meta["cpuDuringRun"]["busy"], 100 * meta["cpuDuringRun"]["steal"]))
    lines.append("; ".join(extra) + ".")
    lines.append("")
    lines.append("Ratio = jipc / baseline. For metrics marked (higher) a ratio above 1 favours jipc; for (lower), "
                 "below 1 does. Target: the goal for the ratio (or an absolute bound on jipc's value); "
                 "met: yes/no. Produced by `benchmarks/run` and `benchmarks/report.py` from `results.json`"
                 " (and `exit-latency.json`, `pool-python.json`); see `chart.svg`.")
    lines.append("")
    lines.append("| workload | params | metric | unit | jipc | jipc value | baseline | baseline value "
                 "| ratio | target | met |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        met = "-" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append("| %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["title"], params_text(r["params"]) or "-", r["metric"], r["better"], r["unit"], r["jipc"],
            fmt(r["jipcValue"]), r["baseline"] or "-", fmt(r["baselineValue"]), fmt_ratio(r["ratio"]),
            r["target"] or "-", met))
    lines.append("")
    lines.append("Notes:")
    lines.append("")
    for note in NOTES:
        lines.append("- " + note)
    lines.append("")
    if missing:
        lines.append("Expected but not in results.json (not selected, or failed: see JMH's output): "
                     + ", ".join(sorted(missing)) + ".")
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def write_svg(path, rows, meta):
    bars = [r for r in rows if r["ratio"] is not None and r["metricKey"] != "mib"]
    arrow = {"higher": "\u2191", "lower": "\u2193"}
    labels = []
    for r in bars:
        label = "%s: %s / %s, %s %s" % (r["title"], r["jipc"], r["baseline"], r["metric"], arrow[r["better"]])
        if r["params"]:
            label += " [%s]" % params_text(r["params"])
        labels.append(label)
    row_h = 22
    label_w = int(max([len(s) for s in labels] + [40]) * 6.3) + 16
    plot_w = 480
    value_w = 80
    top = 76
    height = top + max(1, len(bars)) * row_h + 40
    width = label_w + plot_w + value_w + 10
    positive = [r["ratio"] for r in bars if r["ratio"] > 0]
    ratios = positive + [r["targetRatio"] for r in bars if r["targetRatio"]] + [1.0]
    lo = 10 ** math.floor(math.log10(min(ratios)))
    hi = 10 ** math.ceil(math.log10(max(ratios)))
    if hi / lo < 100:
        lo, hi = min(lo, 0.1), max(hi, 10)
    span = math.log10(hi) - math.log10(lo)

    def x(v):
        if v <= 0:
            return label_w
        return label_w + (math.log10(v) - math.log10(lo)) / span * plot_w

    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
               'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">' % (width, height, width, height))
    out.append('<rect width="100%" height="100%" fill="white"/>')
    out.append('<text x="10" y="20" font-size="15" font-weight="bold">jipc / baseline, log scale '
               '(\u2191 higher is better for jipc, \u2193 lower is better)</text>')
    out.append('<text x="10" y="38">%s</text>' % escape(
        "%s cpus, %s, %s; JDK %s; %s; JMH options: %s" % (meta["nproc"], meta["cpu"], meta["kernel"], meta["jdk"],
                                                           meta["date"], meta["jmhArgs"] or "defaults")))
    out.append('<text x="10" y="54"><tspan fill="#2e8b3a">\u25a0 target met</tspan>   '
               '<tspan fill="#c8372d">\u25a0 target missed</tspan>   <tspan fill="#999">\u25a0 no target</tspan>'
               '   \u2503 target</text>')
    bottom = top + len(bars) * row_h
    d = lo
    while d <= hi * 1.0001:
        gx = x(d)
        one = abs(d - 1) < 1e-9
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="%s"/>' % (
            gx, top - 4, gx, bottom, "#444" if one else "#ddd", "1.5" if one else "1"))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%gx</text>' % (gx, bottom + 16, d))
        d *= 10
    previous = None
    for i, (r, label) in enumerate(zip(bars, labels)):
        y = top + i * row_h
        if previous is not None and r["workload"] != previous:
            out.append('<line x1="4" y1="%d" x2="%d" y2="%d" stroke="#bbb" stroke-dasharray="3,3"/>' % (
                y, width - 4, y))
        previous = r["workload"]
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_w - 8, y + 15, escape(label)))
        x0, x1 = sorted((x(1.0), x(r["ratio"])))
        color = "#999" if r["met"] is None else ("#2e8b3a" if r["met"] else "#c8372d")
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
            x0, y + 4, max(1.0, x1 - x0), row_h - 8, color))
        if r["targetRatio"]:
            tx = min(max(x(r["targetRatio"]), label_w), label_w + plot_w)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="3"/>' % (
                tx, y + 1, tx, y + row_h - 1))
        out.append('<text x="%d" y="%d">%s</text>' % (label_w + plot_w + 8, y + 15, escape(fmt_ratio(r["ratio"]))))
    if not bars:
        out.append('<text x="%d" y="%d">no ratios: no baseline results in this run</text>' % (label_w, top + 15))
    out.append('</svg>')
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    ap.add_argument("--jmh-args", default="", help="the JMH options of the run, for the header")
    ap.add_argument("--loadavg", default="", help="/proc/loadavg before the run")
    ap.add_argument("--elapsed", default="", help="how long JMH ran")
    ap.add_argument("--cpu-before", default="", help="the 'cpu' line of /proc/stat before the run")
    ap.add_argument("--cpu-after", default="", help="the 'cpu' line of /proc/stat after the run")
    args = ap.parse_args()
    results = os.path.join(args.results, "results.json")
    with open(results) as f:
        text = f.read().strip()
    entries = json.loads(text) if text else []
    stamps = load_stamps(os.path.join(args.results, "exit-latency.json"))
    rows = build_rows(entries, stamps)
    spawn_rows = [i for i, r in enumerate(rows) if r["workload"] == "SpawnBench"]
    at = spawn_rows[-1] + 1 if spawn_rows else 0
    rows[at:at] = interleaved_rows(os.path.join(args.results, "spawn-interleaved.json"))
    rows.extend(python_pool_rows(os.path.join(args.results, "pool-python.json"), rows))
    meta = metadata(entries, args, results)
    ran = {split_name(e["benchmark"])[0] for e in entries}
    missing = [w for w in WORKLOADS if w not in ran]
    write_markdown(os.path.join(args.results, "RESULTS.md"), rows, meta, missing)
    write_svg(os.path.join(args.results, "chart.svg"), rows, meta)
    with open(os.path.join(args.results, "summary.json"), "w") as f:
        json.dump({"metadata": meta, "rows": rows}, f, indent=1)
        f.write("\n")
    print("wrote %s, chart.svg, summary.json (%d rows)" % (os.path.join(args.results, "RESULTS.md"), len(rows)))
    for r in rows:
        print("  %-28s %-34s %-22s %-26s %s" % (r["title"], r["metric"], r["jipc"], r["baseline"] or "-",
                                                 fmt_ratio(r["ratio"]) if r["ratio"] is not None else fmt(r["jipcValue"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
