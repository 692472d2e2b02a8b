#!/usr/bin/env python3
"""Python's process pool on workload 8 (PoolBench): the anchor of issue 9's targets.

concurrent.futures.ProcessPoolExecutor(max_workers=2), standard library only, the same two
measurements as PoolBench:

  round trip  submit(one).result() one at a time, after a warm-up: p50/p99/p99.9 in us
  in flight   submit 10,000 trivial tasks, then wait for all: tasks/s

    python3 benchmarks/python/pool_baseline.py [--seconds 15] [--rounds 10] [--json out.json]

The default start method of this Python is used (fork on Linux before 3.14), as a user gets it.
"""

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import os
import platform
import sys
import time

IN_FLIGHT = 10_000


def one():
    return 1


def pid(_):
    time.sleep(0.02)
    return os.getpid()


def percentile(sorted_values, p):
    """Nearest rank, as LatencyFile.java and report.py compute it."""
    rank = int(math.ceil(p / 100.0 * len(sorted_values))) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


def await_workers(pool, workers):
    """Until every worker process is up: pairs of tasks that each take 20 ms land on two processes."""
    while len(set(pool.map(pid, range(workers)))) < workers:
        pass


def round_trips(pool, seconds):
    """One at a time for `seconds`: latencies in ns."""
    latencies = []
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)
    while True:
        start = clock()
        if pool.submit(one).result() != 1:
            raise AssertionError("one() did not return 1")
        end = clock()
        latencies.append(end - start)
        if end > deadline:
            return latencies


def in_flight(pool):
    """Submits 10,000 tasks, waits for all: tasks/s."""
    start = time.perf_counter_ns()
    futures = [pool.submit(one) for _ in range(IN_FLIGHT)]
    total = sum(f.result() for f in futures)
    elapsed = time.perf_counter_ns() - start
    if total != IN_FLIGHT:
        raise AssertionError("10,000 tasks summed to %d" % total)
    return IN_FLIGHT * 1e9 / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of round trips before measuring")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of measured round trips")
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds of 10,000 in flight (after 2 warm-up)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    with concurrent.futures.ProcessPoolExecutor(max_workers=args.workers) as pool:
        await_workers(pool, args.workers)
        round_trips(pool, args.warmup)
        lat = sorted(round_trips(pool, args.seconds))
        for _ in range(2):
            in_flight(pool)
        rates = [in_flight(pool) for _ in range(args.rounds)]

    us = {p: percentile(lat, p) / 1000.0 for p in (50, 99, 99.9)}
    mean_rate = sum(rates) / len(rates)
    print("Python %s, ProcessPoolExecutor(max_workers=%d), start method %s"
          % (platform.python_version(), args.workers, multiprocessing.get_start_method()))
    print("round trip, one at a time: %d samples  p50 %.1f us  p99 %.1f us  p99.9 %.1f us"
          % (len(lat), us[50], us[99], us[99.9]))
    print("10,000 in flight: %.0f tasks/s (mean of %d rounds; min %.0f, max %.0f)"
          % (mean_rate, len(rates), min(rates), max(rates)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "python": platform.python_version(),
                "workers": args.workers,
                "startMethod": multiprocessing.get_start_method(),
                "roundTripSamples": len(lat),
                "p50Us": us[50], "p99Us": us[99], "p99_9Us": us[99.9],
                "inFlightTasksPerSecond": rates,
                "inFlightMean": mean_rate,
            }, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
