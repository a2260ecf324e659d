#!/usr/bin/env python3
"""Two Tessera builds side by side on the ACS load of acs.py, rounds alternating (each round
as acs.py's: a fresh SQLite file, the server on CPU 0, wrk on CPU 1, returning users):

    bench/saml/acs_ab.py BEFORE_DIR AFTER_DIR [--rounds 3] [--seconds 10] [--responses 25000]

Each DIR holds release builds of tessera-server, tessera-admin and saml-rate. Run with the
python that bench/saml/acs installs ($TESSERA_BENCH_HOME/venv/bin/python, default
/var/tmp/tessera-bench). Prints each round, the medians and the AFTER / BEFORE ratio per
round pair."""
import argparse, statistics
import acs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--responses", type=int, default=25000,
                   help="fresh responses per round, at least what wrk sends")
    args = p.parse_args()
    args.server_cpu, args.client_cpu = "0", "1"
    runs = {"before": [], "after": []}
    for i in range(args.rounds):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        for side in order:
            args.bin = getattr(args, side)
            r = acs.measure(args, i)
            if r["errors"] > 0.001:
                raise SystemExit(f"{side}: {r['errors']:.2%} of answers were not 303")
            runs[side].append(r)
            print(f"round {i + 1} {side:6s} {r['rate']:7,.0f} logins/s  p50 {r['p50']:.1f} ms  "
                  f"p99 {r['p99']:.1f} ms  library {r['library']:,.0f}/s", flush=True)
    for side, rs in runs.items():
        rates = [r["rate"] for r in rs]
        print(f"{side:6s} median {statistics.median(rates):,.0f}/s ({min(rates):,.0f}-{max(rates):,.0f}), "
              f"p99 median {statistics.median(r['p99'] for r in rs):.1f} ms")
    ratios = [a["rate"] / b["rate"] for a, b in zip(runs["after"], runs["before"])]
    print(f"after / before per round pair: median {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
