#!/usr/bin/env node
// node-saml 5.1's side of bench/saml/run: SAML.validatePostResponseAsync (base64
// decode, parse, signature checks, conditions, profile) on the responses
// make_responses.py signed; one JSON line of validations/s per round and response.
//   NODE_PATH=... node bench/saml/peer_node_saml.js --dir DIR [--rounds 7] [--seconds 0.5]
"use strict";
const fs = require("fs");
const path = require("path");
const { SAML, ValidateInResponseTo } = require("@node-saml/node-saml");

function option(name, fallback) {
  const at = process.argv.indexOf("--" + name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  const dir = option("dir");
  const rounds = Number(option("rounds", "7"));
  const seconds = Number(option("seconds", "0.5"));
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "responses.json"), "utf8"));
  const saml = new SAML({
    callbackUrl: meta.acs_url,
    entryPoint: "https://idp.example.org/sso",
    issuer: meta.sp_entity_id,
    audience: meta.sp_entity_id,
    idpIssuer: meta.idp_entity_id,
    idpCert: fs.readFileSync(meta.idp_cert, "utf8"),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: 0,
  });
  const validate = async (encoded) => {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: encoded });
    if (!profile || !profile.nameID) throw new Error("node-saml returned no profile");
  };
  for (const item of meta.responses) {
    const encoded = fs.readFileSync(item.path).toString("base64");
    await validate(encoded);
    let warm = 0;
    const started = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - started) / 1e9 < seconds / 2) {
      await validate(encoded);
      warm += 1;
    }
    const perRound = Math.max(1, warm * 2);
    const rates = [];
    for (let r = 0; r < rounds; r++) {
      const at = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await validate(encoded);
      rates.push(perRound / (Number(process.hrtime.bigint() - at) / 1e9));
    }
    console.log(JSON.stringify({ verifier: "node-saml", name: item.name, bytes: item.bytes, rates }));
  }
}

main().catch((e) => {
  console.error("node-saml refused a response: " + e.message);
  process.exit(1);
});
