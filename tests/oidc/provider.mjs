// Two OpenID providers on loopback (npm's oidc-provider), standing in for Salesforce
// production and sandbox in Tessera's Salesforce login tests.
//
//   node provider.mjs '<config JSON>'
//
// config: { clientId, clientSecret, accounts: { production: {claims}, sandbox: {claims} },
//           tamper: null | "nonce" | "expired" | "audience" | "other_issuer" | "foreign_key" }
//
// Prints a line `issuers {JSON}` with both issuers' URLs, then reads one line from stdin: the
// client's redirect URIs, space-separated. Then it prints "ready" and serves until
// stdin closes. Interactions complete themselves: the issuer's one account signs in
// and consents. With `tamper`, the ID token of every token response is re-signed with
// one claim changed (or with the other issuer's key and issuer), so the relying
// party's checks meet a token the real provider would never issue.
import http from 'node:http';
import readline from 'node:readline';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK } from 'jose';

const config = JSON.parse(process.argv[2] ?? '{}');
const environments = ['production', 'sandbox'];

function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

async function signingKey(environment) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `${environment}-key`, alg: 'RS256', use: 'sig' };
}

const servers = {};
const issuers = {};
for (const environment of environments) {
  servers[environment] = http.createServer((req, res) => {
    res.statusCode = 503;
    res.end('not ready');
  });
  issuers[environment] = await listen(servers[environment]);
}
process.stdout.write(`issuers ${JSON.stringify(issuers)}\n`);

const lines = readline.createInterface({ input: process.stdin });
const redirectUris = await new Promise((resolve) => {
  lines.once('line', (line) => resolve(line.trim().split(/\s+/)));
});
lines.on('close', () => process.exit(0));

const keys = {};
for (const environment of environments) keys[environment] = await signingKey(environment);

/** The token response's ID token, changed as `config.tamper` says. */
async function tampered(idToken, environment) {
  const claims = decodeJwt(idToken);
  let key = keys[environment];
  const now = Math.floor(Date.now() / 1000);
  switch (config.tamper) {
    case 'nonce': claims.nonce = 'not-the-nonce-of-this-login'; break;
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
    case 'audience': claims.aud = 'another-client'; claims.azp = 'another-client'; break;
    case 'other_issuer': {
      const other = environment === 'production' ? 'sandbox' : 'production';
      claims.iss = issuers[other];
      key = keys[other];
      break;
    }
    case 'foreign_key': key = keys[environment === 'production' ? 'sandbox' : 'production']; break;
    default: return idToken;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(await importJWK(key, 'RS256'));
}

for (const environment of environments) {
  const account = config.accounts?.[environment] ?? {};
  const provider = new Provider(issuers[environment], {
    clients: [{
      client_id: config.clientId ?? 'tessera',
      client_secret: config.clientSecret ?? 'tessera-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [keys[environment]] },
    cookies: { keys: [`${environment}-cookie-key`] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    findAccount: (ctx, id) => (id === account.sub
      ? { accountId: id, claims: () => account }
      : undefined),
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, environment) };
    }
  });
  const app = provider.callback();
  servers[environment].removeAllListeners('request');
  servers[environment].on('request', async (req, res) => {
    if (!req.url.startsWith('/interaction/')) return app(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      let result;
      if (details.prompt.name === 'login') {
        result = { login: { accountId: account.sub } };
      } else {
        const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        grant.addOIDCScope(details.params.scope);
        result = { consent: { grantId: await grant.save() } };
      }
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
}
process.stdout.write("ready\n");
