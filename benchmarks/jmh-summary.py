#!/usr/bin/env python3
"""Summarises a JMH result file (-rf json) as medians with their spread, which a shared, noisy machine needs.

For each benchmark (and parameter set): the median of the measured iterations, their spread (lowest to highest),
the best iteration, the allocation per operation when -prof gc ran, and the ratio of the median and of the best to
a control benchmark of the same run when --control names one.

    java -jar benchmarks/target/benchmarks.jar 'ParallelRunOverhead' -prof gc -rf json -rff result.json
    python3 benchmarks/jmh-summary.py result.json --control controlAlone
    python3 benchmarks/jmh-summary.py result.json --markdown      # a table for docs/benchmarks.md
    python3 benchmarks/jmh-summary.py result.json --forks         # with each fork's median

"Best" is the lowest score for time per operation and the highest for throughput. Only the Python standard
library is used.
"""

import argparse
import json
import statistics
import sys


def name_of(result):
    """The benchmark's short name (class.method), with its parameters."""
    parts = result["benchmark"].split(".")
    name = ".".join(parts[-2:])
    params = result.get("params") or {}
    if params:
        name += " [" + ", ".join(f"{k}={v}" for k, v in sorted(params.items())) + "]"
    return name


def iterations(metric):
    """Every measured iteration of every fork, in order."""
    return [value for fork in metric.get("rawData", []) for value in fork]


def summarise(result):
    metric = result["primaryMetric"]
    values = iterations(metric)
    unit = metric["scoreUnit"]
    higher_is_better = "/s" in unit.split("/")[-1] or unit.startswith("ops/")
    alloc = (result.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
    return {
        "name": name_of(result),
        "unit": unit,
        "n": len(values),
        "median": statistics.median(values),
        "low": min(values),
        "high": max(values),
        "best": max(values) if higher_is_better else min(values),
        "alloc": alloc["score"] if alloc else None,
        "forks": [statistics.median(fork) for fork in metric.get("rawData", []) if fork],
    }


def fmt(value):
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("result", help="a JMH result file written with -rf json")
    parser.add_argument("--control", help="the benchmark (method name, or a part of the name) to divide by")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--forks", action="store_true",
                        help="add each fork's median: how much of a figure is the fork rather than the code")
    args = parser.parse_args(argv)

    with open(args.result, encoding="utf-8") as file:
        rows = [summarise(r) for r in json.load(file)]
    control = None
    if args.control:
        matches = [r for r in rows if r["name"].split(" ")[0].endswith(args.control)]
        if not matches:
            sys.exit(f"no benchmark named {args.control!r} in {args.result}")
        control = matches[0]

    headers = ["benchmark", "median (spread)", "best", "allocation"]
    if args.forks:
        headers.append("per-fork medians")
    if control:
        headers += ["median / control", "median - control"]
        print(f"control: {control['name']}, median {fmt(control['median'])} {control['unit']}")
    lines = []
    for r in rows:
        cells = [
            r["name"],
            f"{fmt(r['median'])} ({fmt(r['low'])}-{fmt(r['high'])}) {r['unit']}, {r['n']} iterations",
            f"{fmt(r['best'])} {r['unit']}",
            "" if r["alloc"] is None else f"{r['alloc']:.0f} B/op",
        ]
        if args.forks:
            cells.append(", ".join(fmt(m) for m in r["forks"]))
        if control:
            cells += [f"{r['median'] / control['median']:.2f}x", f"{fmt(r['median'] - control['median'])}"]
        lines.append(cells)

    if args.markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
        for cells in lines:
            print("  ".join(c.ljust(w) for c, w in zip(cells, widths)))


if __name__ == "__main__":
    main(sys.argv[1:])
