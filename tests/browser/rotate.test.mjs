// End-to-end: an account admin of a JIT-connected org reads why a login failed and
// rotates the IdP's signing certificate in headless Chromium. The IdP (pysaml2) has
// already switched to its new key, so a login was refused; the admin reads the
// diagnosed refusal and its hint, adds the new certificate on the Connect page, and a
// user signs in through the browser with a response signed by the old key and by the
// new one (both accepted during the overlap); after the admin removes the old
// certificate, only the new key signs anyone in. Screenshots of each step go to OUT_DIR.
// RESPONSES_DIR holds pysaml2's signed responses: overlap-old, overlap-new, after-old,
// after-new (old = the key pinned at first, new = the rollover key in ROLLOVER_PEM).
// Usage: node rotate.test.mjs BASE_URL WS EMAIL PASSWORD ROLLOVER_PEM RESPONSES_DIR OUT_DIR
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';

const [base, ws, email, password, rolloverPem, responsesDir, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });

const launch = () => chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tessera-chromium-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The admin and the signing-in user each have their own browser profile (cookies).
const adminBrowser = await launch();
const userBrowser = await launch();
let step = 0;
const shot = async (page, name) => page.screenshot({ path: join(outDir, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });

// The IdP's auto-submitting POST binding: the user's browser carries the signed
// response from the IdP's origin (here a blank page) to the ACS.
const idpPost = async (page, response) => {
  const saml = readFileSync(join(responsesDir, response), 'utf8').trim();
  await page.goto('about:blank');
  await page.setContent(`<form method="post" action="${base}/saml/${ws}/acs">
    <input type="hidden" name="SAMLResponse" value="${saml}"><button id="go">Continue</button></form>`);
  await Promise.all([page.waitForNavigation(), page.click('#go')]);
};
const signsIn = async (page, response) => {
  await idpPost(page, response);
  return new URL(page.url()).pathname === '/app';
};
const certificates = async (page) => page.locator('tr.certificate').evaluateAll((rows) => rows.map((r) => r.dataset.sha256));

try {
  const admin = await adminBrowser.newPage();
  await admin.goto(`${base}/login`);
  await admin.fill('#email', email);
  await admin.fill('#ws', ws);
  await admin.locator('form[action="/login"] button[type=submit]').click();
  await admin.fill('input[name=password]', password);
  await admin.locator('form[action="/login/password"] button[type=submit]').click();
  await admin.waitForURL('**/app');

  // "Why did this login fail?": the refusal, its reason code and the fix for this IdP.
  await admin.goto(`${base}/admin/diagnostics`);
  const refusal = admin.locator('tr.login[data-outcome="refused"]').first();
  assert.equal(await refusal.getAttribute('data-reason'), 'signature_invalid');
  const hint = await refusal.locator('p.hint').textContent();
  assert.match(hint, /does not pin/);
  assert.match(hint, /idp add-cert/);
  await shot(admin, 'diagnosed-refusal');

  // Add the IdP's new certificate beside the old one.
  await admin.goto(`${base}/admin/connect`);
  const [old] = await certificates(admin);
  assert.equal((await certificates(admin)).length, 1);
  assert.equal(await admin.locator('form[action="/admin/connect/certificates/remove"]').count(), 0, 'the only certificate cannot be removed');
  await shot(admin, 'one-certificate');
  await admin.fill('#new-certificate', readFileSync(rolloverPem, 'utf8'));
  await admin.click('#add-certificate');
  await admin.waitForSelector('#certificates');
  const both = await certificates(admin);
  assert.equal(both.length, 2, 'both certificates pinned');
  const fresh = both.find((sha) => sha !== old);
  assert.ok(fresh, 'the new certificate is listed');
  await shot(admin, 'two-certificates');

  // The overlap: the old key and the new key both sign the user in.
  const user = await userBrowser.newPage();
  assert.ok(await signsIn(user, 'overlap-old'), 'old key during the overlap');
  await shot(user, 'overlap-old-key-signed-in');
  assert.ok(await signsIn(user, 'overlap-new'), 'new key during the overlap');
  await shot(user, 'overlap-new-key-signed-in');

  // Remove the old certificate: only the new one is left, and it cannot be removed.
  await admin.goto(`${base}/admin/connect`);
  await admin.locator(`tr.certificate[data-sha256="${old}"] form[action="/admin/connect/certificates/remove"] button`).click();
  await admin.waitForSelector('#certificates');
  assert.deepEqual(await certificates(admin), [fresh]);
  assert.equal(await admin.locator('form[action="/admin/connect/certificates/remove"]').count(), 0);
  await shot(admin, 'old-certificate-removed');

  // After the removal the old key is refused and the new key still signs in.
  assert.ok(!(await signsIn(user, 'after-old')), 'old key after removal');
  assert.match(await user.textContent('body'), /Sign-in failed[\s\S]*Diagnostics page/);
  await shot(user, 'after-old-key-refused');
  assert.ok(await signsIn(user, 'after-new'), 'new key after removal');
  await shot(user, 'after-new-key-signed-in');

  // Diagnostics show the whole story, newest first.
  await admin.goto(`${base}/admin/diagnostics`);
  const outcomes = await admin.locator('tr.login').evaluateAll((rows) => rows.map((r) => r.dataset.outcome));
  assert.deepEqual(outcomes.slice(0, 5), ['signed_in', 'refused', 'signed_in', 'signed_in', 'refused']);
  await shot(admin, 'diagnostics-after-rotation');
  console.log(`ok: ${step} screenshots in ${outDir}`);
} finally {
  await userBrowser.close();
  await adminBrowser.close();
}
