#!/usr/bin/env python3
"""What idle webhook endpoints cost a server: two builds, rounds alternating, each on a fresh
SQLite file with N orgs, each with one invited user (its events) and one endpoint that a
loopback receiver acknowledges. Once every event is delivered (the receiver has been quiet
for 2 s), the server sits idle for --seconds with the default poll interval (1 s); the table
gives its CPU time and the bytes it wrote to disk (/proc/PID/io) in that time.

    bench/events/idle.py BEFORE_DIR AFTER_DIR [--endpoints 100] [--seconds 30] [--rounds 2]

Each DIR holds release builds of tessera-server and tessera-admin."""
import argparse, os, statistics, subprocess, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

last_arrival = [0.0]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        last_arrival[0] = time.monotonic()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def admin(bindir, url, *argv):
    subprocess.run([os.path.join(bindir, "tessera-admin"), "--database-url", url, *argv],
                   check=True, capture_output=True)


def usage(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/io") as f:
        written = int(next(line for line in f if line.startswith("write_bytes")).split()[1])
    return cpu, written


def one_round(bindir, args, hook_url):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/idle.db"
        admin(bindir, url, "migrate")
        for i in range(args.endpoints):
            admin(bindir, url, "org", "create", f"idle{i}")
            admin(bindir, url, "users", "invite", f"idle{i}", f"someone{i}@idle.example")
            admin(bindir, url, "webhooks", "add", f"idle{i}", hook_url)
        port = 20000 + os.getpid() % 10000
        env = dict(os.environ, TESSERA_DATABASE_URL=url, TESSERA_BIND=f"127.0.0.1:{port}",
                   TESSERA_PUBLIC_URL=f"http://127.0.0.1:{port}", TESSERA_DEMO_ORG="false",
                   TESSERA_WEBHOOKS_ALLOW_PRIVATE_URLS="true", RUST_LOG="warn")
        server = subprocess.Popen([os.path.join(bindir, "tessera-server")], env=env,
                                  stdout=subprocess.DEVNULL)
        try:
            last_arrival[0] = time.monotonic()
            while time.monotonic() - last_arrival[0] < 2.0:
                time.sleep(0.2)
            cpu0, written0 = usage(server.pid)
            time.sleep(args.seconds)
            cpu1, written1 = usage(server.pid)
            return {"cpu_s": cpu1 - cpu0, "written_kb": (written1 - written0) / 1024}
        finally:
            server.terminate()
            server.wait(timeout=20)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--endpoints", type=int, default=100)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    runs = {"before": [], "after": []}
    for i in range(args.rounds):
        for side in (("before", "after") if i % 2 == 0 else ("after", "before")):
            r = one_round(getattr(args, side), args, hook_url)
            runs[side].append(r)
            print(f"round {i + 1} {side:6s} idle {args.seconds} s with {args.endpoints} endpoints: "
                  f"server CPU {r['cpu_s']:.2f} s, written {r['written_kb']:,.0f} KB", flush=True)
    for side, rs in runs.items():
        print(f"{side:6s} median CPU {statistics.median(r['cpu_s'] for r in rs):.2f} s, "
              f"written {statistics.median(r['written_kb'] for r in rs):,.0f} KB")


if __name__ == "__main__":
    main()
