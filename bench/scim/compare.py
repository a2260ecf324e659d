#!/usr/bin/env python3
"""SCIM side by side: Tessera beside scim2-server (in memory) under wrk, and Tessera on
PostgreSQL with one and two servers, sampling pg_stat_activity and pg_locks.

Run by bench/scim/run, which installs wrk, scim2-server and psycopg and builds the release
binaries; this file only drives them. Results are medians over rounds with the range, and
the tables go into docs/performance.md between the `scim-peers` markers."""
import argparse, json, os, re, socket, statistics, subprocess, tempfile, threading, time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_DIR = os.path.join(HERE, "wrk")
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu, argv):
    return ["taskset", "-c", cpu, *argv] if cpu else argv


def wait_healthy(url, proc):
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer")


class Server:
    """A SCIM server under test: its process, the SCIM base URL and its bearer token."""

    def __init__(self, proc, base, token):
        self.proc, self.base, self.token = proc, base, token

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def cpu_seconds(self):
        """User + system CPU of the process so far (from /proc)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(bindir, database_url, workspace):
    out = subprocess.run([os.path.join(bindir, "scim-seed"), database_url, workspace],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def start_tessera(bindir, database_url, workspace, token, cpu, name="tessera"):
    port = free_port()
    env = dict(os.environ, PGAPPNAME=name, TESSERA_DATABASE_URL=database_url,
               TESSERA_BIND=f"127.0.0.1:{port}", TESSERA_PUBLIC_URL=f"http://127.0.0.1:{port}",
               TESSERA_DEMO_ORG="false", TESSERA_SCIM_RATE_LIMIT_PER_SECOND="0",
               RUST_LOG="warn")
    proc = subprocess.Popen(pinned(cpu, [os.path.join(bindir, "tessera-server")]), env=env,
                            stdout=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
    return Server(proc, f"http://127.0.0.1:{port}/scim/v2/{workspace}", token)


def start_peer(peer_exe, cpu):
    port, token = free_port(), "bench-token"
    proc = subprocess.Popen(pinned(cpu, [peer_exe, "--port", str(port), "--bearer-token", token]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v2"
    probe = urllib.request.Request(base + "/ServiceProviderConfig",
                                   headers={"Authorization": f"Bearer {token}"})
    for _ in range(600):
        try:
            urllib.request.urlopen(probe, timeout=1)
            return Server(proc, base, token)
        except OSError:
            time.sleep(0.05)
    raise SystemExit("scim2-server did not answer")


def scim(server, method, path, body):
    request = urllib.request.Request(
        server.base + path, method=method, data=json.dumps(body).encode(),
        headers={"Content-Type": "application/scim+json",
                 "Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def preload(server, users):
    """seed-0 … seed-N-1 for the filter scenario and a group for the PATCH scenario;
    returns (group id, the users' ids)."""
    def create(i):
        name = f"seed-{i}@bench.example"
        return scim(server, "POST", "/Users", {
            "schemas": [USER], "userName": name, "externalId": f"seed-{i}",
            "name": {"givenName": "Seed", "familyName": f"User {i}"},
            "emails": [{"value": name, "type": "work", "primary": True}], "active": True})["id"]
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(users)))
    group = scim(server, "POST", "/Groups", {"schemas": [GROUP], "displayName": "Bench team"})
    return group["id"], ids


def preload_for_wrk(server, users, tmp):
    """Preloads `server` (see `preload`) and returns the environment the wrk scenarios read:
    the seeded count, the group and a file of the users' ids in `tmp`."""
    group, ids = preload(server, users)
    ids_file = os.path.join(tmp, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(ids) + "\n")
    return {"BENCH_SEEDED": str(users), "BENCH_GROUP": group, "BENCH_IDS": ids_file}


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(server, scenario, args, cpu, extra_env, prefix):
    """One wrk run; returns requests/s, p50/p99 ms, and the share of non-2xx answers."""
    env = dict(os.environ, BENCH_WRK_DIR=WRK_DIR, BENCH_TOKEN=server.token,
               BENCH_PREFIX=prefix, BENCH_THREADS=str(args.wrk_threads), **extra_env)
    argv = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.seconds}s",
            "--latency", "-s", os.path.join(WRK_DIR, f"{scenario}.lua"), server.base]
    out = subprocess.run(pinned(cpu, argv), env=env, check=True, capture_output=True,
                         text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: float(v) * UNITS[u] for p, v, u in LATENCY.findall(out)}
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": latency["50"], "p99": latency["99"],
            "errors": (int(bad.group(1)) if bad else 0) / max(total, 1)}


def measure_side(side, args, round_no):
    """Fresh server (Tessera on a new SQLite file, or scim2-server), preload, then the
    create, filter and PATCH scenarios one after the other. `tessera-2` is Tessera with
    nothing pinned: server and wrk share both cores."""
    server_cpu, client_cpu = (None, None) if side == "tessera-2" else (args.server_cpu,
                                                                      args.client_cpu)
    with tempfile.TemporaryDirectory() as tmp:
        if side.startswith("tessera"):
            database_url = f"sqlite://{tmp}/bench.db"
            token = seed(args.bin, database_url, "bench")
            server = start_tessera(args.bin, database_url, "bench", token, server_cpu)
        else:
            server = start_peer(args.peer, server_cpu)
        try:
            env = preload_for_wrk(server, args.seeded, tmp)
            return {scenario: wrk(server, scenario, args, client_cpu, env, f"r{round_no}")
                    for scenario in ("create", "filter", "patch")}
        finally:
            server.stop()


class Sampler(threading.Thread):
    """Samples pg_stat_activity and pg_locks of the bench database every 50 ms."""

    # Per sample: sessions active, idle in transaction, and one row per lock wait: the
    # waiting statement, the lock it waits for, and whether a session of another server
    # (another application_name, set per server with PGAPPNAME) holds it.
    QUERY = """
      SELECT count(*) FILTER (WHERE state = 'active'),
             count(*) FILTER (WHERE state = 'idle in transaction'),
             coalesce((SELECT json_agg(json_build_array(
                         left(w.query, 60), l.locktype, l.relation::regclass::text,
                         EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(w.pid)) AS b(pid)
                                   JOIN pg_stat_activity h ON h.pid = b.pid
                                  WHERE h.application_name <> w.application_name)))
                FROM pg_stat_activity w
                JOIN pg_locks l ON l.pid = w.pid AND NOT l.granted
               WHERE w.datname = %(db)s), '[]'::json)
        FROM pg_stat_activity
       WHERE datname = %(db)s AND pid <> pg_backend_pid()"""

    def __init__(self, admin_url, database):
        super().__init__(daemon=True)
        import psycopg
        self.conn = psycopg.connect(admin_url, autocommit=True)
        self.database, self.samples, self.stop_flag = database, [], threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            self.samples.append(self.conn.execute(self.QUERY, {"db": self.database}).fetchone())
            time.sleep(0.05)

    def summary(self):
        self.stop_flag.set()
        self.join()
        self.conn.close()
        n = max(len(self.samples), 1)
        waits = [w for s in self.samples for w in s[2]]
        kinds = {}
        for query, locktype, relation, _ in waits:
            # A relation of the bench database reads as a bare OID from this one.
            named = relation if relation and not relation.isdigit() else ""
            key = f"{query.split('(')[0].strip()} ({locktype}{', ' + named if named else ''})"
            kinds[key] = kinds.get(key, 0) + 1
        return {"samples": len(self.samples),
                "active": sum(s[0] for s in self.samples) / n,
                "idle_in_tx": sum(s[1] for s in self.samples) / n,
                "lock_wait_share": sum(1 for s in self.samples if s[2]) / n,
                "cross_server_share": sum(1 for s in self.samples
                                          if any(w[3] for w in s[2])) / n,
                "waiting_on": sorted(kinds, key=kinds.get, reverse=True)[:3]}


def postgres_database(admin_url, name):
    import psycopg
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return re.sub(r"/[^/]*$", f"/{name}", admin_url)


def measure_postgres(args, scenario, servers, orgs):
    """`servers` Tessera servers on one fresh PostgreSQL database, each driven by its own
    wrk at the same time, spread over `orgs` orgs."""
    database_url = postgres_database(args.postgres, "tessera_bench")
    workspaces = [f"bench{i}" for i in range(orgs)]
    tokens = {ws: seed(args.bin, database_url, ws) for ws in workspaces}
    running = [start_tessera(args.bin, database_url, workspaces[i % orgs],
                             tokens[workspaces[i % orgs]], None, f"tessera-{i}")
               for i in range(servers)]
    try:
        env = {}
        if scenario == "patch":
            group, ids = preload(running[0], args.seeded)
            ids_file = os.path.join(tempfile.gettempdir(), "tessera-bench-ids.txt")
            with open(ids_file, "w") as f:
                f.write("\n".join(ids) + "\n")
            env = {"BENCH_GROUP": group, "BENCH_IDS": ids_file}
        sampler = Sampler(args.postgres, "tessera_bench")
        cpu_before = [s.cpu_seconds() for s in running]
        started = time.monotonic()
        sampler.start()
        results = [None] * servers

        def drive(i):
            results[i] = wrk(running[i], scenario, args, None, env, f"s{i}")
        threads = [threading.Thread(target=drive, args=(i,)) for i in range(servers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        pg = sampler.summary()
        cpu = [(s.cpu_seconds() - b) / elapsed for s, b in zip(running, cpu_before)]
        return {"rates": [r["rate"] for r in results], "p99": max(r["p99"] for r in results),
                "errors": max(r["errors"] for r in results), "cpu": cpu, "pg": pg}
    finally:
        for s in running:
            s.stop()


def spread(values, fmt="{:,.0f}"):
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}–{fmt.format(max(values))})")


SCENARIOS = {"create": "`POST /Users`",
             "filter": "`GET /Users?filter=userName eq \"…\"`",
             "patch": "`PATCH /Groups/{id}` (add + remove one member)"}


def peer_table(rounds):
    lines = ["| scenario | Tessera /s median (min–max) | p99 ms | scim2-server /s median (min–max)"
             " | p99 ms | Tessera ÷ scim2-server |", "|---|---|---|---|---|---|"]
    for scenario, label in SCENARIOS.items():
        ours = [r["tessera"][scenario] for r in rounds]
        peer = [r["peer"][scenario] for r in rounds]
        ratio = statistics.median(o["rate"] / p["rate"] for o, p in zip(ours, peer))
        lines.append(
            f"| {label} | {spread([o['rate'] for o in ours])} "
            f"| {statistics.median(o['p99'] for o in ours):.1f} "
            f"| {spread([p['rate'] for p in peer])} "
            f"| {statistics.median(p['p99'] for p in peer):.1f} | {ratio:.1f}× |")
    return lines


def both_cores_table(rounds):
    lines = ["| scenario | Tessera /s median (min–max) | p50 ms | p99 ms |", "|---|---|---|---|"]
    for scenario, label in SCENARIOS.items():
        runs = [r["tessera-2"][scenario] for r in rounds]
        lines.append(f"| {label} | {spread([x['rate'] for x in runs])} "
                     f"| {statistics.median(x['p50'] for x in runs):.1f} "
                     f"| {statistics.median(x['p99'] for x in runs):.1f} |")
    return lines


PG_SCENARIOS = [("create", 1, 1, "creates, one server"),
                ("create", 2, 1, "creates, two servers, one org"),
                ("create", 2, 2, "creates, two servers, one org each"),
                ("patch", 1, 1, "PATCH, one server")]


def pg_table(results):
    lines = ["| scenario | total /s median (min–max) | p99 ms | server CPU (cores) "
             "| PostgreSQL sessions active / idle in transaction | samples with a lock wait "
             "| … held by the other server | what waited (lock) |",
             "|---|---|---|---|---|---|---|---|"]
    for (_, _, _, label), runs in zip(PG_SCENARIOS, results):
        totals = [sum(r["rates"]) for r in runs]
        last = runs[-1]
        cpu = " + ".join(f"{c:.2f}" for c in last["cpu"])
        waits = statistics.median(r["pg"]["lock_wait_share"] for r in runs)
        cross = statistics.median(r["pg"]["cross_server_share"] for r in runs)
        queries = "; ".join(f"`{q}`" for q in last["pg"]["waiting_on"]) or "none"
        lines.append(
            f"| {label} | {spread(totals)} | {statistics.median(r['p99'] for r in runs):.1f} "
            f"| {cpu} | {statistics.median(r['pg']['active'] for r in runs):.1f} / "
            f"{statistics.median(r['pg']['idle_in_tx'] for r in runs):.1f} "
            f"| {waits:.0%} | {cross:.0%} | {queries} |")
    return lines


def write_doc(doc, block):
    with open(doc) as f:
        text = f.read()
    begin, end = "<!-- scim-peers:begin -->", "<!-- scim-peers:end -->"
    if begin not in text:
        raise SystemExit(f"{doc}: no {begin} marker")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(doc, "w") as f:
        f.write(head + begin + "\n" + block + "\n" + end + tail)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", required=True, help="directory with tessera-server and scim-seed")
    p.add_argument("--peer", required=True, help="the scim2-server executable")
    p.add_argument("--postgres", help="admin URL of a PostgreSQL server (skipped without)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--seeded", type=int, default=2000)
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--client-cpu", default="1")
    p.add_argument("--doc")
    args = p.parse_args()

    rounds = []
    for r in range(args.rounds):
        order = ("tessera", "peer", "tessera-2") if r % 2 == 0 else ("tessera-2", "peer",
                                                                       "tessera")
        rounds.append({side: measure_side(side, args, r) for side in order})
        print(json.dumps({"round": r, **rounds[-1]}), flush=True)
    bad = [(side, s) for rnd in rounds for side, res in rnd.items() for s, v in res.items()
           if v["errors"] > 0.001]
    if bad:
        raise SystemExit(f"non-2xx answers above 0.1%: {bad}")
    load = os.getloadavg()[0]
    block = [f"`bench/scim/run`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"{args.rounds} rounds of {args.seconds} s per cell, wrk -t{args.wrk_threads} "
             f"-c{args.connections}; each server on CPU {args.server_cpu}, wrk on CPU "
             f"{args.client_cpu}; Tessera on a fresh SQLite file; load {load:.1f}:", "",
             *peer_table(rounds), "",
             "Tessera alone with nothing pinned (server and wrk share both cores), same rounds:",
             "", *both_cores_table(rounds)]
    if args.postgres:
        results = []
        for scenario, servers, orgs, label in PG_SCENARIOS:
            runs = [measure_postgres(args, scenario, servers, orgs) for _ in range(args.rounds)]
            for run in runs:
                if run["errors"] > 0.001:
                    raise SystemExit(f"{label}: {run['errors']:.1%} non-2xx answers")
            print(json.dumps({"scenario": label, "runs": runs}), flush=True)
            results.append(runs)
        block += ["", "PostgreSQL 15 on the same machine (servers, wrk and PostgreSQL share "
                  "both cores), a fresh database per run; lock waits are the share of "
                  "50 ms samples in which some session waited on a lock:", "",
                  *pg_table(results)]
    print("\n".join(block))
    if args.doc:
        write_doc(args.doc, "\n".join(block))


if __name__ == "__main__":
    main()
