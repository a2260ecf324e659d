#!/usr/bin/env python3
"""Signs the bench's three responses now, with the pysaml2 IdP of fixtures/saml, in the
shapes of the criterion bench's fixtures (make_fixtures.bench_responses), and writes
them with what every verifier needs to know into DIR/responses.json.

    python3 -W ignore bench/saml/make_responses.py DIR
"""

import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures", "saml")
sys.path.insert(0, FIXTURES)

import make_fixtures  # noqa: E402  (fixtures/saml, found through sys.path)


def main(out):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    shapes = make_fixtures.bench_responses(now)
    files = []
    for name, (what, xml) in shapes.items():
        path = os.path.join(out, name + ".xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(xml)
        files.append({"name": name, "what": what, "path": path, "bytes": len(xml.encode())})
    meta = {
        "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sp_entity_id": "https://sso.tessera.test/saml/acme/metadata",
        "acs_url": make_fixtures.ACS,
        "idp_entity_id": "https://idp.example.org/metadata",
        "idp_cert": os.path.abspath(os.path.join(FIXTURES, "keys", "idp.crt")),
        "responses": files,
    }
    with open(os.path.join(out, "responses.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
