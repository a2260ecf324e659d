#!/usr/bin/env python3
"""The ACS under HTTP load, beside the library on the same responses (issue #14).

Run by bench/saml/acs, which installs wrk and the python xmlsec binding and builds the
release binaries; this file only drives them. Per round, on a fresh SQLite file:

1. tessera-admin connects org `acme` (JIT) to the pysaml2 IdP of fixtures/saml;
   tessera-server starts pinned to one CPU, with https://sso.tessera.test as its public
   URL (the URL the responses are addressed to; it listens on 127.0.0.1);
2. one pysaml2 response (the 6 KB bench shape: Response and Assertion signed, KeyInfo,
   four attributes) becomes a template; every response is that template with its own
   Response ID, Assertion ID and user, signed afresh by libxmlsec1 (python-xmlsec);
3. each user logs in once (JIT creates the accounts), then wrk on the other CPU posts
   to POST /saml/acme/acs, every request a response never posted before: the steady
   state of returning users (replay cache, session, audit and event rows per login);
4. saml-rate validates one of those responses on the server's CPU: the library's rate.

The ACS rate over the library's is the share of one core's validations that survive
HTTP, the database and the session. Tables go into docs/performance.md between the
`saml-acs` markers."""
import argparse, base64, json, os, re, shutil, statistics, subprocess, sys, tempfile
import urllib.parse, urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "fixtures", "saml")
sys.path.insert(0, FIXTURES)
sys.path.insert(0, os.path.join(ROOT, "bench", "scim"))

import idp  # noqa: E402  (fixtures/saml/idp.py: the pysaml2 IdP of the tests)
import make_fixtures  # noqa: E402
from compare import LATENCY, UNITS, free_port, pinned, wait_healthy  # noqa: E402

import xmlsec  # noqa: E402  (python-xmlsec, on libxmlsec1)
from lxml import etree  # noqa: E402

PUBLIC_URL = "https://sso.tessera.test"
WORKSPACE = "acme"
PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
TEMPLATE_USER = "template.user@acme.example"


def admin(bindir, database_url, *args, cwd=None):
    subprocess.run([os.path.join(bindir, "tessera-admin"), "--database-url", database_url,
                    *args], check=True, capture_output=True, cwd=cwd)


def connect_org(bindir, database_url, tmp):
    """Org `acme`, SSO on, JIT, the mapping sheet round-tripped, the pysaml2 IdP set."""
    admin(bindir, database_url, "migrate")
    admin(bindir, database_url, "org", "create", WORKSPACE)
    admin(bindir, database_url, "org", "enable-sso", WORKSPACE)
    admin(bindir, database_url, "users", "invite", WORKSPACE, "boss@acme.example")
    admin(bindir, database_url, "connection", "set-mode", WORKSPACE, "jit")
    admin(bindir, database_url, "mapping", "export", WORKSPACE, cwd=tmp)
    admin(bindir, database_url, "mapping", "import", WORKSPACE,
          os.path.join(tmp, f"user-mapping-{WORKSPACE}.xlsx"))
    metadata = os.path.join(tmp, "idp.xml")
    with open(metadata, "w") as f:
        f.write(idp.idp_metadata())
    admin(bindir, database_url, "idp", "set", WORKSPACE, "--metadata", metadata)
    admin(bindir, database_url, "connection", "complete", WORKSPACE)


class Signer:
    """Fresh responses of one shape: the pysaml2 template, re-signed by libxmlsec1."""

    def __init__(self, template=None, now=None):
        attributes = dict(make_fixtures.PROFILE, email=[TEMPLATE_USER], groups=["Sales"])
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self.template = template or make_fixtures.response(
            name_id=TEMPLATE_USER, attributes=attributes, sign="none", now=self.now)
        self.ids = make_fixtures.ids(self.template)
        self.key = xmlsec.Key.from_file(os.path.join(FIXTURES, "keys", "idp.key"),
                                        xmlsec.constants.KeyDataFormatPem)
        self.key.load_cert_from_file(os.path.join(FIXTURES, "keys", "idp.crt"),
                                     xmlsec.constants.KeyDataFormatPem)

    def _sign(self, element):
        """Signs `element` as pysaml2 does: the signature after its Issuer."""
        c = xmlsec.constants
        signature = xmlsec.template.create(element, c.TransformExclC14N, c.TransformRsaSha256,
                                           ns="ns2")
        element.insert(1, signature)
        reference = xmlsec.template.add_reference(signature, c.TransformSha256,
                                                  uri="#" + element.get("ID"))
        xmlsec.template.add_transform(reference, c.TransformEnveloped)
        xmlsec.template.add_transform(reference, c.TransformExclC14N)
        key_info = xmlsec.template.ensure_key_info(signature)
        xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
        context = xmlsec.SignatureContext()
        context.key = self.key
        context.register_id(element, "ID")
        context.sign(signature)

    def response(self, n, user):
        response_id, assertion_id = self.ids
        xml = (self.template.replace(response_id, f"{response_id}-{n}")
               .replace(assertion_id, f"{assertion_id}-{n}").replace(TEMPLATE_USER, user))
        root = etree.fromstring(xml.encode())
        self._sign(root.find(f"{{{ASSERTION}}}Assertion"))
        self._sign(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


_worker_signer = None


def _start_worker(template, now):
    global _worker_signer
    _worker_signer = Signer(template, now)


def _signed_body(job):
    n, user = job
    return form_body(_worker_signer.response(n, user))


def signed_bodies(signer, users, count):
    """`count` form bodies, user after user, signed on every CPU."""
    jobs = [(n, users[n % len(users)]) for n in range(count)]
    with ProcessPoolExecutor(os.cpu_count(), initializer=_start_worker,
                             initargs=(signer.template, signer.now)) as pool:
        return list(pool.map(_signed_body, jobs, chunksize=500))


def form_body(xml):
    return "SAMLResponse=" + urllib.parse.quote(base64.b64encode(xml).decode(), safe="")


def post(url, body):
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "content-type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    try:
        return urllib.request.build_opener(NoRedirect).open(request, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code


def library_rate(bindir, signer, xml, cpu, tmp):
    """saml-rate on one of the posted responses, on the server's CPU: validations/s."""
    folder = os.path.join(tmp, "library")
    os.makedirs(folder)
    path = os.path.join(folder, "acs.xml")
    with open(path, "wb") as f:
        f.write(xml)
    meta = {"now": signer.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sp_entity_id": f"{PUBLIC_URL}/saml/{WORKSPACE}/metadata",
            "acs_url": f"{PUBLIC_URL}/saml/{WORKSPACE}/acs",
            "idp_entity_id": idp.IDP_ENTITY_ID,
            "idp_cert": os.path.join(FIXTURES, "keys", "idp.crt"),
            "responses": [{"name": "acs", "what": "ACS bench", "path": path,
                           "bytes": len(xml)}]}
    with open(os.path.join(folder, "responses.json"), "w") as f:
        json.dump(meta, f)
    out = subprocess.run(pinned(cpu, [os.path.join(bindir, "saml-rate"), "--dir", folder,
                                      "--rounds", "5", "--seconds", "1"]),
                         check=True, capture_output=True, text=True).stdout
    return statistics.median(json.loads(out.splitlines()[0])["rates"])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(args, round_no):
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite://{tmp}/acs.db"
        connect_org(args.bin, database_url, tmp)
        port = free_port()
        env = dict(os.environ, TESSERA_DATABASE_URL=database_url,
                   TESSERA_BIND=f"127.0.0.1:{port}", TESSERA_PUBLIC_URL=PUBLIC_URL,
                   TESSERA_DEMO_ORG="false", RUST_LOG="warn")
        server = subprocess.Popen(pinned(args.server_cpu,
                                         [os.path.join(args.bin, "tessera-server")]),
                                  env=env, stdout=subprocess.DEVNULL)
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz", server)
            signer = Signer()
            users = [f"user{i}.r{round_no}@acme.example" for i in range(args.users)]
            bodies = signed_bodies(signer, users, args.users + args.responses)
            acs = f"http://127.0.0.1:{port}/saml/{WORKSPACE}/acs"
            with ThreadPoolExecutor(8) as pool:
                first = list(pool.map(lambda b: post(acs, b), bodies[:args.users]))
            if any(status != 303 for status in first):
                raise SystemExit(f"first logins answered {sorted(set(first))}, not 303")
            bodies_file = os.path.join(tmp, "bodies.txt")
            with open(bodies_file, "w") as f:
                f.write("\n".join(bodies[args.users:]) + "\n")
            before = cpu_seconds(server.pid)
            result = wrk(args, acs, bodies_file)
            result["server_cpu_s"] = cpu_seconds(server.pid) - before
            result["library"] = library_rate(args.bin, signer, base64.b64decode(
                urllib.parse.unquote(bodies[-1].split("=", 1)[1])), args.server_cpu, tmp)
            return result
        finally:
            server.terminate()
            server.wait(timeout=20)


def wrk(args, url, bodies_file):
    env = dict(os.environ, BENCH_BODIES=bodies_file)
    argv = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
            "-s", os.path.join(HERE, "acs.lua"), url]
    out = subprocess.run(pinned(args.client_cpu, argv), env=env, check=True,
                         capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    if total > args.responses:
        raise SystemExit(f"wrk sent {total} requests for {args.responses} fresh responses: "
                         "raise --responses")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: float(v) * UNITS[u] for p, v, u in LATENCY.findall(out)}
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": latency["50"], "p99": latency["99"], "requests": total,
            "errors": (int(bad.group(1)) if bad else 0) / max(total, 1)}


def spread(values, fmt="{:,.0f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–" \
           f"{fmt.format(max(values))})"


def table(args, rounds):
    ratio = [r["rate"] / r["library"] for r in rounds]
    per_cpu = [r["requests"] / r["server_cpu_s"] for r in rounds]
    return [
        f"`bench/saml/acs`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {len(rounds)} "
        f"rounds of {args.seconds} s, wrk -t1 -c{args.connections} on CPU {args.client_cpu}, "
        f"tessera-server and saml-rate on CPU {args.server_cpu}, a fresh SQLite file per "
        f"round, {args.users:,} returning users, load {os.getloadavg()[0]:.1f}:", "",
        "| | median (min–max) |", "|---|---|",
        f"| ACS logins/s (POST /saml/acme/acs, 303) | {spread([r['rate'] for r in rounds])} |",
        f"| ACS logins per server CPU-second | {spread(per_cpu)} |",
        f"| ACS latency p50, ms | {spread([r['p50'] for r in rounds], '{:.2f}')} |",
        f"| ACS latency p99, ms | {spread([r['p99'] for r in rounds], '{:.2f}')} |",
        f"| library validations/s (saml-rate, same response) | "
        f"{spread([r['library'] for r in rounds])} |",
        f"| ACS ÷ library | {spread(ratio, '{:.0%}')} |",
    ]


def write_doc(doc, block):
    with open(doc) as f:
        text = f.read()
    begin, end = "<!-- saml-acs:begin -->", "<!-- saml-acs:end -->"
    if begin not in text:
        raise SystemExit(f"{doc}: no {begin} marker")
    head, rest = text.split(begin, 1)
    with open(doc, "w") as f:
        f.write(head + begin + "\n" + block + "\n" + end + rest.split(end, 1)[1])


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", required=True, help="directory with the release binaries")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--responses", type=int, default=40000,
                   help="fresh responses per round, at least what wrk sends")
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--client-cpu", default="1")
    p.add_argument("--doc")
    args = p.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (bench/saml/acs installs it)")
    rounds = []
    for r in range(args.rounds):
        rounds.append(measure(args, r))
        print(json.dumps({"round": r, **rounds[-1]}), flush=True)
    bad = [r for r in rounds if r["errors"] > 0.001]
    if bad:
        raise SystemExit(f"answers other than 303 above 0.1%: {bad}")
    block = "\n".join(table(args, rounds))
    print(block)
    if args.doc:
        write_doc(args.doc, block)


if __name__ == "__main__":
    main()
