#!/usr/bin/env python3
"""Turns the verifiers' JSON lines (DIR/*.jsonl) into the Markdown table of
docs/performance.md, between the `saml-peers` markers (--no-write: print it only)."""

import argparse
import datetime
import glob
import json
import os
import re
import statistics

ORDER = ["tessera", "python3-saml", "node-saml"]
BEGIN, END = "<!-- saml-peers:begin -->", "<!-- saml-peers:end -->"


def cell(rates):
    median = statistics.median(rates)
    return "%s (%s–%s)" % (format(round(median), ","), format(round(min(rates)), ","), format(round(max(rates)), ","))


def table(results, meta):
    names = [r["name"] for r in meta["responses"]]
    present = [v for v in ORDER if any(k[0] == v for k in results)]
    head = "| response | " + " | ".join("%s /s median (min–max)" % v for v in present)
    head += " | " + " | ".join("Tessera ÷ %s" % v for v in present[1:]) + " |"
    lines = [head, "|" + "---|" * (1 + 2 * len(present) - 1)]
    for item in meta["responses"]:
        name = item["name"]
        row = ["%s B, %s" % (format(item["bytes"], ","), item["what"])]
        for v in present:
            row.append(cell(results[(v, name)]) if (v, name) in results else "–")
        ours = statistics.median(results[("tessera", name)])
        for v in present[1:]:
            row.append("%.1f×" % (ours / statistics.median(results[(v, name)])) if (v, name) in results else "–")
        lines.append("| " + " | ".join(row) + " |")
    first, last = names[0], names[-1]
    growth = ["cost growth %s → %s" % (first, last)]
    for v in present:
        growth.append("%.2f×" % (statistics.median(results[(v, first)]) / statistics.median(results[(v, last)])))
    growth += [""] * (len(present) - 1)
    lines.append("| " + " | ".join(growth) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with open(os.path.join(args.dir, "responses.json"), encoding="utf-8") as f:
        meta = json.load(f)
    results = {}
    for path in glob.glob(os.path.join(args.dir, "*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    results[(r["verifier"], r["name"])] = r["rates"]
    rounds = len(next(iter(results.values())))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = "%s\n`bench/saml/run`, %s, %d rounds per cell, %s (load %s):\n\n%s\n%s" % (
        BEGIN, stamp, rounds, os.uname().nodename, "%.1f" % os.getloadavg()[0], table(results, meta), END)
    print(text)
    if args.no_write:
        return
    with open(args.doc, encoding="utf-8") as f:
        doc = f.read()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit("docs/performance.md has no %s … %s section" % (BEGIN, END))
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(pattern.sub(lambda _: text, doc))


if __name__ == "__main__":
    main()
