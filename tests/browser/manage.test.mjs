// End-to-end: an account admin of a connected org manages users and teams in headless
// Chromium, as the help-centre articles describe: invites a user; reactivates a
// deactivated JIT user by adding them to a team from their profile (U4); changes a
// role from a team's member list; creates, renames and deletes a local team and sees
// the IdP team disabled in the pickers (T5); merges duplicates after the dry-run
// preview (T2); runs a manual sync (S3). Screenshots of each step go to OUT_DIR.
// Usage: node manage.test.mjs BASE_URL WS EMAIL PASSWORD OUT_DIR
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';

const [base, ws, email, password, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tessera-chromium-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let step = 0;
const shot = async (page, name) => page.screenshot({ path: join(outDir, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
try {
  const page = await context.newPage();

  // GET / sends a signed-out visitor to the login page.
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login/);
  await page.fill('#email', email);
  await page.fill('#ws', ws);
  await page.locator('form[action="/login"] button[type=submit]').click();
  await page.fill('input[name=password]', password);
  await page.locator('form[action="/login/password"] button[type=submit]').click();
  await page.waitForURL('**/app');
  await page.goto(`${base}/admin/users`);
  await shot(page, 'users');

  // U7: invite someone the IdP will never provision.
  assert.match(await page.textContent('main'), /never provision/);
  await page.fill('#invite-email', 'contractor@partner.example');
  await page.selectOption('#invite-role', 'expert');
  await page.locator('#invite button[type=submit]').click();
  await page.waitForSelector('#profile');
  assert.equal((await page.textContent('#email')).trim(), 'contractor@partner.example');
  assert.equal((await page.textContent('#role')).trim(), 'expert');
  assert.equal((await page.textContent('#status')).trim(), 'Pending');
  assert.match(await page.textContent('#idp'), /Not connected/);
  await shot(page, 'invited');

  // U4: status filter Deactivated, open the profile, add to a team.
  await page.goto(`${base}/admin/users`);
  await page.selectOption('#status', 'deactivated');
  await page.locator('form[action="/admin/users"] button').click();
  await page.waitForURL('**/admin/users?status=deactivated');
  const left = page.locator('tr[data-email="left@acme.example"]');
  assert.match(await left.textContent(), /Deactivated/);
  await shot(page, 'deactivated-filter');
  await left.locator('a').click();
  await page.waitForSelector('#profile');
  assert.equal((await page.textContent('#status')).trim(), 'Deactivated');
  assert.match(await page.textContent('#add-to-team'), /Engineering \(IdP-managed/);
  assert.equal(await page.locator('#profile-team option', { hasText: 'Engineering' }).getAttribute('disabled'), '', 'T5: IdP team disabled');
  await shot(page, 'deactivated-profile');
  await page.selectOption('#profile-team', { label: 'Support' });
  await page.locator('#add-to-team button[type=submit]').click();
  await page.waitForSelector('#profile');
  assert.notEqual((await page.textContent('#status')).trim(), 'Deactivated');
  assert.match(await page.textContent('#user-teams'), /Support/);
  await shot(page, 'reactivated');

  // U6: a team's member list; selecting a member opens the profile to change the role.
  await page.goto(`${base}/admin/teams`);
  await page.locator('tr[data-team="Support"] td a').first().click();
  await page.waitForSelector('#members');
  await shot(page, 'team-members');
  await page.locator('#members tr[data-email="left@acme.example"] a').click();
  await page.waitForSelector('#role-form');
  await page.selectOption('#new-role', 'team_admin');
  await page.locator('#role-form button[type=submit]').click();
  await page.waitForSelector('#profile');
  assert.equal((await page.textContent('#role')).trim(), 'team_admin');
  await shot(page, 'role-changed');

  // T6, T4: create, rename and delete a local team; T5: the IdP team is disabled.
  await page.goto(`${base}/admin/teams`);
  await page.fill('#new-team', 'Marketing');
  await page.locator('#create-team button[type=submit]').click();
  await page.waitForSelector('tr[data-team="Marketing"]');
  assert.equal(await page.locator('#team option', { hasText: 'Engineering' }).getAttribute('disabled'), '', 'T5: IdP team disabled in the picker');
  assert.match(await page.locator('#team option', { hasText: 'Engineering' }).textContent(), /IdP-managed/);
  await shot(page, 'team-created');
  const marketing = page.locator('tr[data-team="Marketing"]');
  await marketing.locator('form[action$="/rename"] input[name=name]').fill('Growth');
  await marketing.locator('form[action$="/rename"] button').click();
  await page.waitForSelector('tr[data-team="Growth"]');
  assert.equal(await page.locator('tr[data-team="Marketing"]').count(), 0);
  await shot(page, 'team-renamed');
  await page.locator('tr[data-team="Growth"] form[action$="/delete"] button').click();
  await page.waitForSelector('#teams');
  assert.equal(await page.locator('tr[data-team="Growth"]').count(), 0);
  await shot(page, 'team-deleted');

  // T2: duplicates flagged, the dry-run preview, then the merge.
  assert.match(await page.textContent('#merge-preview'), /Local team Design → IdP team Design: 1 member\(s\) move/);
  await shot(page, 'merge-preview');
  await page.click('#merge');
  await page.waitForSelector('#teams');
  assert.equal(await page.locator('#duplicates').count(), 0);
  assert.equal(await page.locator('tr[data-team="Design"]').count(), 1);
  await shot(page, 'merged');

  // S3: the manual sync from the Connect page once connected.
  await page.goto(`${base}/admin/connect`);
  await page.waitForSelector('#connected');
  await shot(page, 'connect-connected');
  await page.click('#sync');
  await page.waitForSelector('#synced');
  assert.match(await page.textContent('#synced'), /Manual sync finished: \d+ change\(s\) applied/);
  await shot(page, 'synced');

  // L5: a setup guide puts this org's values into the steps.
  await page.goto(`${base}/admin/guides/onelogin`);
  assert.match(await page.textContent('main'), new RegExp(`/saml/${ws}/acs`));
  assert.match(await page.textContent('main'), /Include in User Provisioning/);
  await shot(page, 'guide-onelogin');
  console.log(`ok: ${step} screenshots in ${outDir}`);
} finally {
  await context.close();
}
