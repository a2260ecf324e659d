#!/usr/bin/env python3
"""python3-saml 1.16's side of bench/saml/run: OneLogin_Saml2_Response (base64 decode,
parse) + is_valid in strict mode + NameID and attributes, on the responses
make_responses.py signed; one JSON line of validations/s per round and response.

    python bench/saml/peer_python3_saml.py --dir DIR [--rounds 7] [--seconds 0.5]
"""

import argparse
import base64
import json
import os
import time

from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings


def settings(meta):
    with open(meta["idp_cert"], encoding="utf-8") as f:
        cert = f.read()
    return OneLogin_Saml2_Settings(
        {
            "strict": True,
            "sp": {
                "entityId": meta["sp_entity_id"],
                "assertionConsumerService": {
                    "url": meta["acs_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                },
                "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            },
            "idp": {
                "entityId": meta["idp_entity_id"],
                "singleSignOnService": {"url": "https://idp.example.org/sso"},
                "x509cert": cert,
            },
            "security": {"wantAssertionsSigned": True, "rejectDeprecatedAlgorithm": True},
        },
        sp_validation_only=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    with open(os.path.join(args.dir, "responses.json"), encoding="utf-8") as f:
        meta = json.load(f)
    conf = settings(meta)
    # The ACS request as python3-saml sees it (Destination is compared with it).
    request = {"https": "on", "http_host": "sso.tessera.test", "script_name": "/saml/acme/acs"}

    def validate(encoded):
        response = OneLogin_Saml2_Response(conf, encoded)
        if not response.is_valid(request, raise_exceptions=True):
            raise SystemExit("python3-saml refused the response: %s" % response.get_error())
        response.get_nameid()
        response.get_attributes()

    for item in meta["responses"]:
        with open(item["path"], "rb") as f:
            encoded = base64.b64encode(f.read()).decode()
        validate(encoded)
        started, warm = time.perf_counter(), 0
        while time.perf_counter() - started < args.seconds / 2:
            validate(encoded)
            warm += 1
        per_round = max(1, warm * 2)
        rates = []
        for _ in range(args.rounds):
            at = time.perf_counter()
            for _ in range(per_round):
                validate(encoded)
            rates.append(per_round / (time.perf_counter() - at))
        print(json.dumps({"verifier": "python3-saml", "name": item["name"], "bytes": item["bytes"], "rates": rates}))


if __name__ == "__main__":
    main()
