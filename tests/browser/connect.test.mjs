// End-to-end: an account admin signs in and walks the whole Connect flow for a
// SCIM-mode org in headless Chromium, then sees SCIM-provisioned users and teams
// marked as IdP-managed. Screenshots of each step go to OUT_DIR.
// Usage: node connect.test.mjs BASE_URL WS EMAIL PASSWORD METADATA_XML_FILE OUT_DIR
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';

const [base, ws, email, password, metadataFile, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'tessera-browser-'));
const sheetName = `user-mapping-${ws}.xlsx`;

/** Sets column C cells of the Users sheet with openpyxl, as a spreadsheet program would. */
function editColumnC(from, to, cells) {
  const script = 'import openpyxl,sys,json\nwb=openpyxl.load_workbook(sys.argv[1])\nws=wb["Users"]\n' +
    'for cell, value in json.loads(sys.argv[3]).items(): ws[cell] = value\nwb.save(sys.argv[2])';
  execFileSync('python3', ['-c', script, from, to, JSON.stringify(cells)]);
}

// A fresh profile directory each run.
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tessera-chromium-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let step = 0;
const shot = async (page, name) => page.screenshot({ path: join(outDir, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
try {
  const page = await context.newPage();

  // Sign in (email first, then the account's own method).
  await page.goto(`${base}/login?next=/admin/connect`);
  await page.fill('#email', email);
  await page.fill('#ws', ws);
  await shot(page, 'login');
  await page.locator('form[action="/login"] button[type=submit]').click();
  await page.fill('input[name=password]', password);
  await page.locator('form[action="/login/password"] button[type=submit]').click();
  await page.waitForURL('**/admin/connect');
  await shot(page, 'connect-start');

  // C1: SCIM mode.
  await page.check('input[name=mode][value=scim]');
  await page.locator('form[action="/admin/connect/mode"] button').click();
  await page.waitForSelector('#download');

  // M1: download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), sheetName);
  const downloaded = join(work, 'downloaded.xlsx');
  await download.saveAs(downloaded);
  await page.goto(`${base}/admin/connect`);
  await shot(page, 'mapping-downloaded');

  // M2: a broken sheet is refused with its problems by row and column.
  mkdirSync(join(work, 'broken'));
  mkdirSync(join(work, 'good'));
  const broken = join(work, 'broken', sheetName);
  editColumnC(downloaded, broken, { C2: 'not an email' });
  await page.setInputFiles('#sheet', broken);
  await page.click('#upload');
  await page.waitForSelector('#problems');
  assert.match(await page.textContent('#problems'), /row 2, column C/);
  await shot(page, 'mapping-refused');

  // M3: a good sheet (column C edited) is applied.
  const good = join(work, 'good', sheetName);
  editColumnC(downloaded, good, { C2: 'boss@idp.example' });
  await page.setInputFiles('#sheet', good);
  await page.click('#upload');
  await page.waitForSelector('#metadata');
  await shot(page, 'mapping-uploaded');

  // IdP details: paste the metadata.
  await page.fill('#metadata', readFileSync(metadataFile, 'utf8'));
  await page.click('#save-idp');
  await page.waitForSelector('#scim-token-button');
  await shot(page, 'idp-details');

  // C3: the SCIM token, shown once.
  await page.click('#scim-token-button');
  const token = (await page.textContent('#token')).trim();
  assert.match(token, /^tsr_scim/);
  await shot(page, 'scim-token');
  await page.click('#connect');
  await page.waitForSelector('#connected');
  await shot(page, 'connected');

  // The IdP provisions a user and a group.
  const scim = async (path, body) => {
    const response = await fetch(`${base}/scim/v2/${ws}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    return JSON.parse(text);
  };
  const created = await scim('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'new.hire@idp.example', active: true,
    emails: [{ value: 'new.hire@idp.example', primary: true, type: 'work' }],
    name: { givenName: 'New', familyName: 'Hire' },
  });
  await scim('/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Engineering', members: [{ value: created.id }],
  });

  // U8, T2, T5: the pages mark what the IdP owns.
  await page.goto(`${base}/admin/users`);
  assert.match(await page.textContent('tr[data-email="new.hire@idp.example"]'), /IdP · SCIM/);
  await shot(page, 'users');
  await page.selectOption('#status', 'pending');
  await page.locator('form[action="/admin/users"] button').click();
  assert.match(await page.textContent('#users'), /new\.hire@idp\.example/);
  await page.goto(`${base}/admin/teams`);
  const row = page.locator('tr[data-team="Engineering"]');
  assert.match(await row.textContent(), /IdP/);
  assert.equal(await row.locator('form[action$="/rename"], form[action$="/delete"]').count(), 0, 'T4: no rename/delete for IdP teams');
  assert.equal(await row.locator('form[action$="/edit"]').count(), 1, 'T4: description and access stay editable');
  assert.equal(await page.locator('#team option', { hasText: 'Engineering' }).getAttribute('disabled'), '');
  await shot(page, 'teams');
  await page.goto(`${base}/admin/audit?action=mapping.uploaded`);
  assert.match(await page.textContent('#audit'), /mapping\.uploaded/);
  await shot(page, 'audit');
  console.log(`ok: ${step} screenshots in ${outDir}`);
} finally {
  await context.close();
}
