#!/usr/bin/env python3
"""Two Tessera builds side by side on one wrk scenario of bench/scim/wrk, rounds alternating
(fresh SQLite file per round, 2,000 users preloaded, nothing pinned: server and wrk share both
cores). For build changes such as decisions §32's SQLite flags:

    bench/scim/ab.py BEFORE_DIR AFTER_DIR [--scenario create|filter|patch] [--rounds 5] [--pin]

--pin puts the server on CPU 0 and wrk on CPU 1, as bench/scim/run's table beside the peer.
--postgres URL runs each round on a fresh PostgreSQL database instead (one server, nothing
pinned, as bench/scim/run's PostgreSQL table) and also prints PostgreSQL's transactions per
request, from pg_stat_database (every statement outside a transaction counts as one).

Each DIR holds a release `tessera-server` and `scim-seed`. Prints each round's rate, p50 and p99,
then the medians and the AFTER / BEFORE ratio per round pair. Needs wrk (bench/scim/run installs it)."""
import argparse, statistics, tempfile, time
import compare


def one_round(bindir, scenario, args):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.db"
        token = compare.seed(bindir, url, "bench")
        server_cpu, wrk_cpu = ("0", "1") if args.pin else (None, None)
        server = compare.start_tessera(bindir, url, "bench", token, server_cpu)
        try:
            env = compare.preload_for_wrk(server, args.seeded, tmp)
            return compare.wrk(server, scenario, args, wrk_cpu, env, "ab")
        finally:
            server.stop()


def postgres_round(bindir, scenario, args):
    import psycopg
    result = compare.measure_postgres(argparse.Namespace(**{**vars(args), "bin": bindir}),
                                      scenario, 1, 1)
    time.sleep(1.5)  # the servers' backends report their counts as they exit
    with psycopg.connect(args.postgres) as conn:
        xacts = conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                             "WHERE datname = 'tessera_bench'").fetchone()[0]
    rate = sum(result["rates"])
    return {"rate": rate, "p99": result["p99"], "errors": result["errors"],
            "xacts": xacts / (rate * args.seconds)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--scenario", default="create", choices=["create", "filter", "patch"])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--seeded", type=int, default=2000)
    p.add_argument("--pin", action="store_true", help="server on CPU 0, wrk on CPU 1")
    p.add_argument("--postgres", metavar="URL",
                   help="a PostgreSQL server's admin URL: rounds on a fresh database there")
    args = p.parse_args()
    measure = postgres_round if args.postgres else one_round
    runs = {"before": [], "after": []}
    for i in range(args.rounds):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        for side in order:
            r = measure(getattr(args, side), args.scenario, args)
            if r["errors"] > 0.001:
                raise SystemExit(f"{side}: {r['errors']:.2%} of answers were not 2xx")
            runs[side].append(r)
            p50 = f"  p50 {r['p50']:.1f} ms" if "p50" in r else ""
            xacts = f"  {r['xacts']:.2f} PostgreSQL transactions/request" if "xacts" in r else ""
            print(f"round {i + 1} {side:6s} {r['rate']:9,.0f}/s{p50}  p99 {r['p99']:.1f} ms{xacts}")
    for side, rs in runs.items():
        rates = [r["rate"] for r in rs]
        print(f"{side:6s} median {statistics.median(rates):,.0f}/s ({min(rates):,.0f}-{max(rates):,.0f}), "
              f"p99 median {statistics.median(r['p99'] for r in rs):.1f} ms")
    ratios = [a["rate"] / b["rate"] for a, b in zip(runs["after"], runs["before"])]
    print(f"after / before per round pair: median {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
