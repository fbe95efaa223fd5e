// Browser tests of the public portal (crates/portal), run by scripts/test after the Rust tests.
//
// Starts `dulieu serve --demo` on a free loopback port with a temporary data directory, drives
// Debian's Chromium (/usr/bin/chromium) through playwright-core, and checks:
//   - a visitor's flow: suggestions under the search box (listbox, keyboard), search from the
//     home page without diacritics, filter by organization,
//     open a dataset, download a distribution through the page's link (bytes compared);
//   - accounts: a wrong password refused, sign in through the form (back to `next`, session
//     cookie HttpOnly and SameSite=Lax), the password page, the publisher workspace listing the
//     dataset of the organization the user is an editor of, a dataset created through its form
//     (a missing title shown next to the field, then published and found in search) and its
//     edit form, sign out
//     with the header's button;
//   - the publisher's edit page: a CSV uploaded through the form with the upload throttled
//     (CDP), its <progress> bar seen moving and ending at 100 %, then listed and downloaded; a
//     remote link refused next to its field, then added; the members and API tokens pages (a
//     token's secret shown once); the 403 page for a user without a role;
//   - the watchdog's pages: a dataset's quality tab (its editor checks it again through the
//     form), an organization's scorecard and the league table;
//   - the language switch on every page type (same page, other language);
//   - axe-core on every page type in both languages (fails on serious/critical violations);
//   - screenshots of every page type at desktop and phone widths, in both languages;
//   - the readiness pages (readiness.mjs) and the data request workflow (requests.mjs), whose
//     e-mails are read from the server's file outbox;
//   - the table pages of the demo's tabular files (tables.mjs): sorting, filtering, the chart
//     builder and the map.
//   - the data inventory pages (inventory.mjs): the list and its "overdue only" filter, an item
//     and its "request this data" button filling in the request form, an organization's plan
//     timeline, the prioritisation.
//   - the publication review (review.mjs): an approver named through the API, a draft submitted
//     by its editor and sent back with a comment by the approver through the review page.
//   - the automatic updates (pull.mjs): the demo editor sets up a web source for an uploaded file
//     (a bad schedule refused next to its field), runs it by hand (it fails: the fetch guard
//     refuses loopback) and sees the failed run in the history, then deletes the source.
//   - the harvest sources (harvest.mjs): a sysadmin sets up a source through the form (a bad
//     address refused next to its field, a preview that cannot read loopback), runs it (it
//     fails) and sees the failed run in the history, then deletes it.
//
// Environment:
//   DULIEU_BIN           the dulieu binary (default: $CARGO_TARGET_DIR or ../../target, debug)
//   DULIEU_SCREENSHOTS   where screenshots go (default: <target dir>/browser-screenshots)
//   CHROMIUM             the browser (default /usr/bin/chromium)
//   DULIEU_MAIL_OUTBOX_DIR  where the server writes its e-mails (default: <temp dir>/outbox)
//
// Exits non-zero on any failure; always stops the server and the browser.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, readdirSync, existsSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import axe from 'axe-core';
import { readinessFlow } from './readiness.mjs';
import { requestsFlow } from './requests.mjs';
import { tablesFlow } from './tables.mjs';
import { inventoryFlow } from './inventory.mjs';
import { reviewFlow } from './review.mjs';
import { pullFlow } from './pull.mjs';
import { harvestFlow } from './harvest.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(repoRoot, process.env.CARGO_TARGET_DIR)
  : join(repoRoot, 'target');
const dulieuBin = resolve(process.env.DULIEU_BIN || join(targetDir, 'debug', 'dulieu'));
const shotsDir = resolve(process.env.DULIEU_SCREENSHOTS || join(targetDir, 'browser-screenshots'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
// The server's e-mail outbox (one .eml file per message); set in main() under the temp dir.
let outboxDir = process.env.DULIEU_MAIL_OUTBOX_DIR ? resolve(process.env.DULIEU_MAIL_OUTBOX_DIR) : null;

const started = Date.now();
let passed = 0;
let failed = 0;
const failures = [];

function log(msg) {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${s}s] ${msg}`);
}

// check NAME FN — runs one named check; a thrown error is a failure, the run goes on.
async function check(name, fn) {
  try {
    await fn();
    passed++;
    log(`ok    ${name}`);
  } catch (err) {
    failed++;
    failures.push(`${name}: ${err.message}`);
    log(`FAIL  ${name}\n${indent(err.message)}`);
  }
}

function indent(text) {
  return String(text)
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------- server --
let server = null;
let serverExited = null;
let browser = null;
let tmp = null;

async function startServer(dataDir, port) {
  const logPath = join(tmp, 'server.log');
  const out = createWriteStream(logPath);
  server = spawn(
    dulieuBin,
    ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', DULIEU_MAIL_OUTBOX_DIR: outboxDir },
    },
  );
  server.stdout.pipe(out);
  server.stderr.pipe(out);
  serverExited = new Promise((r) => server.on('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = null;
  serverExited.then((e) => (exited = e));
  // Until it answers and the demo catalog is searchable.
  for (;;) {
    if (exited) {
      throw new Error(`dulieu serve exited (${JSON.stringify(exited)}); log:\n${readFileSync(logPath, 'utf8')}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`dulieu serve not ready after 60 s; log:\n${readFileSync(logPath, 'utf8')}`);
    }
    try {
      const r = await fetch(`${base}/api/1/search?q=ngan+sach`);
      if (r.ok) {
        const body = await r.json();
        if (body.total > 0) return base;
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}

async function cleanup() {
  if (browser) {
    await browser.close().catch(() => {});
    browser = null;
  }
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await serverExited;
    clearTimeout(t);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

// Last resort (an uncaught error, a closed stdout): never leave the server or the temp dir behind.
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
// A reader that goes away (`| head`) must not stop the run before its cleanup.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

// -------------------------------------------------------------- page checks --
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
};

async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

// Runs axe-core on the current page; throws listing every serious/critical violation.
async function runAxe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async () =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const lines = [];
    for (const v of bad) {
      lines.push(`${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
      for (const n of v.nodes.slice(0, 5)) {
        lines.push(`    at ${n.target.join(' ')}`);
      }
      if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
    }
    throw new Error(`axe: ${bad.length} serious/critical violation(s) on ${page.url()}\n${lines.join('\n')}`);
  }
  // Moderate and minor findings are reported, not failed on.
  for (const v of result.violations) {
    log(`      axe ${v.impact}: ${v.id} (${v.nodes.length}×) — ${v.helpUrl}`);
  }
}

async function screenshots(page, name) {
  const lang = await htmlLang(page);
  for (const [vp, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(shotsDir, `${name}-${lang}-${vp}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

// The other language's twin of a portal path ("/x" <-> "/en/x").
function twinPath(url) {
  const u = new URL(url);
  let p = u.pathname;
  if (p === '/en' || p === '/en/') p = '/';
  else if (p.startsWith('/en/')) p = p.slice(3);
  else p = p === '/' ? '/en/' : `/en${p}`;
  return p + u.search;
}

function pathOf(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

function samePath(a, b) {
  const norm = (p) => (p === '/en' ? '/en/' : p);
  return norm(a) === norm(b);
}

// Checks one page type at `path`: a11y and screenshots in this language, then follows the
// language switch, checks it lands on the twin, and does a11y and screenshots there too.
async function checkPageType(page, name, path, { status = 200 } = {}) {
  const startLang = path.startsWith('/en') ? 'en' : 'vi';
  const otherLang = startLang === 'vi' ? 'en' : 'vi';
  await check(`${name} [${startLang}] loads (${path})`, async () => {
    const resp = await page.goto(path);
    assert(resp.status() === status, `expected HTTP ${status}, got ${resp.status()}`);
    const lang = await htmlLang(page);
    assert(lang === startLang, `<html lang> is "${lang}", expected "${startLang}"`);
  });
  await check(`${name} [${startLang}] axe`, () => runAxe(page));
  await check(`${name} [${startLang}] screenshots`, () => screenshots(page, name));
  await check(`${name} [${startLang}] language switch → ${otherLang}`, async () => {
    const before = page.url();
    const link = page.locator('a.lang-switch');
    assert((await link.count()) === 1, 'no language switch link (a.lang-switch)');
    await Promise.all([page.waitForLoadState('load'), link.click()]);
    await page.waitForURL((u) => u.toString() !== before);
    const lang = await htmlLang(page);
    assert(lang === otherLang, `after the switch <html lang> is "${lang}", expected "${otherLang}"`);
    const want = twinPath(before);
    const got = pathOf(page.url());
    assert(samePath(got, want), `the switch landed on ${got}, expected ${want}`);
  });
  await check(`${name} [${otherLang}] axe`, () => runAxe(page));
  await check(`${name} [${otherLang}] screenshots`, () => screenshots(page, name));
}

// ------------------------------------------------------------ visitor flow --
// Returns what later checks need: the dataset path and the organization path.
async function visitorFlow(page, base, upload) {
  const found = {};
  await check('visitor: home page has a search box', async () => {
    await page.goto('/');
    const box = page.locator('main input[type=search]');
    assert((await box.count()) >= 1, 'no search box on /');
  });
  await check('visitor: the search box suggests datasets as one types, and the keyboard opens one', async () => {
    const box = page.locator('main input[type=search]').first();
    await box.pressSequentially('ngan s', { delay: 40 });
    const options = page.locator('main [role=listbox] [role=option]');
    await options.first().waitFor({ state: 'visible', timeout: 5000 });
    assert((await box.getAttribute('aria-expanded')) === 'true', 'combobox not expanded');
    const texts = await options.allInnerTexts();
    assert(texts.some((t) => /ngân sách/i.test(t)), `no suggestion with "ngân sách": ${texts.join(' | ')}`);
    await runAxe(page);
    await box.press('ArrowDown');
    const activeId = await box.getAttribute('aria-activedescendant');
    assert(activeId && (await page.locator(`#${activeId}`).getAttribute('aria-selected')) === 'true', 'no active option');
    const href = await page.locator(`#${activeId}`).getAttribute('data-href');
    await Promise.all([page.waitForURL((url) => url.pathname + url.search === href), box.press('Enter')]);
    await page.goto('/');
  });
  await check('visitor: search "ngan sach" from the home page lists Ministry of Finance datasets', async () => {
    await page.locator('main input[type=search]').first().fill('ngan sach');
    await Promise.all([page.waitForURL(/\/search\?/), page.locator('main form[role=search] button[type=submit]').first().click()]);
    const url = new URL(page.url());
    assert(url.pathname === '/search', `landed on ${url.pathname}, expected /search`);
    assert(url.searchParams.get('q') === 'ngan sach', `q is ${url.searchParams.get('q')}`);
    const slugs = await page.locator('li.hit .hit-title a').evaluateAll((as) =>
      as.map((a) => new URL(a.href).pathname.split('/').pop()),
    );
    assert(slugs.length > 0, 'no results listed');
    const mof = slugs.filter((s) => s.startsWith('mof-'));
    assert(mof.length > 0, `no mof-… dataset among the results: ${slugs.join(', ')}`);
    found.searchPath = pathOf(page.url());
  });
  await check('visitor: organization facet "Bộ Tài chính" filters the results', async () => {
    const facetLink = page.locator('aside.facets a', { hasText: /^Bộ Tài chính$/ });
    assert((await facetLink.count()) >= 1, 'no "Bộ Tài chính" facet link');
    const totalBefore = await page.locator('#results-h').innerText();
    await Promise.all([page.waitForURL(/[?&]f=/), facetLink.first().click()]);
    const chips = page.locator('section.chips a.chip', { hasText: 'Bộ Tài chính' });
    assert((await chips.count()) === 1, 'no filter chip "Bộ Tài chính" after filtering');
    const publishers = await page.locator('li.hit .meta a[href*="/organization/"]').allInnerTexts();
    assert(publishers.length > 0, 'no results after filtering');
    const others = publishers.filter((p) => p.trim() !== 'Bộ Tài chính');
    assert(others.length === 0, `results from other publishers: ${others.join(', ')}`);
    const totalAfter = await page.locator('#results-h').innerText();
    log(`      results: "${totalBefore}" → "${totalAfter}"`);
    const orgHref = await page.locator('li.hit .meta a[href*="/organization/"]').first().getAttribute('href');
    found.orgPath = orgHref;
    found.filteredPath = pathOf(page.url());
  });
  await check('visitor: opens a Ministry of Finance dataset', async () => {
    const link = page.locator('li.hit .hit-title a[href*="/dataset/mof-"]').first();
    assert((await link.count()) === 1, 'no mof-… dataset link in the filtered results');
    await Promise.all([page.waitForURL(/\/dataset\/mof-/), link.click()]);
    const h1 = await page.locator('main h1').innerText();
    assert(h1.trim().length > 0, 'dataset page has an empty <h1>');
    found.datasetPath = pathOf(page.url());
  });
  await check('visitor: downloads a distribution through the page link (bytes compared)', async () => {
    // The demo's distributions are remote links; the uploaded CSV is served by this server.
    await page.goto(`/dataset/${upload.slug}`);
    const links = page.locator('ul.distributions a.button', { hasText: upload.title });
    assert((await links.count()) === 1, `no download link for "${upload.title}" on /dataset/${upload.slug}`);
    const href = await links.first().getAttribute('href');
    const resp = await page.request.get(new URL(href, base).toString());
    assert(resp.status() === 200, `GET ${href} answered ${resp.status()}`);
    const got = await resp.body();
    assert(Buffer.compare(got, upload.bytes) === 0, `downloaded ${got.length} bytes differ from the ${upload.bytes.length} uploaded`);
    // And as a person would: clicking the link starts a download with the same bytes.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }).catch(() => null), links.first().click()]);
    if (download) {
      const file = await download.path();
      assert(Buffer.compare(readFileSync(file), upload.bytes) === 0, 'clicked download differs from the upload');
      log(`      clicked link downloaded ${download.suggestedFilename()} (${upload.bytes.length} bytes, identical)`);
    } else {
      // Served inline (text/csv): the page shows the bytes.
      const text = await page.evaluate(() => document.body.innerText);
      assert(text.includes('tinh,nam,chi_ngan_sach'), 'clicking the link showed neither a download nor the file');
    }
  });
  return found;
}

// A user (editor of the Ministry of Finance), a token and a small CSV uploaded to one of its
// datasets through the API.
const TEST_EMAIL = 'browser-test@example.vn';
const TEST_PASSWORD = 'a long browser test password';

async function uploadCsv(base, dataDir) {
  const email = TEST_EMAIL;
  execFileSync(dulieuBin, ['admin', 'create-user', '--data-dir', dataDir, '--email', email, '--password-stdin', '--sysadmin'], {
    input: `${TEST_PASSWORD}\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const out = execFileSync(dulieuBin, ['admin', 'create-token', '--data-dir', dataDir, '--email', email, '--name', 'browser-tests'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const token = out.toString().trim().split('\n').pop().trim();
  const search = await (await fetch(`${base}/api/1/search?q=ngan+sach`)).json();
  const first = (search.results || []).find((h) => (h.slug || '').startsWith('mof-'));
  if (!first) throw new Error(`no mof-… dataset in the API search: ${JSON.stringify(search).slice(0, 500)}`);
  const slug = first.slug;
  const grant = await fetch(`${base}/api/1/organizations/${first.publisher.slug}/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, role: 'editor' }),
  });
  if (grant.status !== 200) throw new Error(`granting the editor role answered ${grant.status}: ${await grant.text()}`);
  const bytes = Buffer.from('tinh,nam,chi_ngan_sach\nHà Nội,2019,123456\nĐà Nẵng,2019,23456\n', 'utf8');
  const title = 'browser-test.csv';
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'text/csv' }), title);
  const r = await fetch(`${base}/api/1/datasets/${slug}/distributions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (r.status !== 201 && r.status !== 200) {
    throw new Error(`upload answered ${r.status}: ${await r.text()}`);
  }
  const dist = await r.json();
  const distTitle = (dist.title && (dist.title.vi || dist.title.en)) || dist.filename || title;
  return { slug, bytes, title: distTitle, org: first.publisher.slug };
}

// ------------------------------------------------------------ account flow --
// Signs in through the form, checks the header names the user, checks the password page in
// both languages (axe, screenshots), then signs out with the header's button.
async function accountFlow(page, upload) {
  await check('account: a wrong password is refused next to the form', async () => {
    await page.goto('/en/sign-in');
    await page.getByLabel('E-mail', { exact: true }).fill(TEST_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
    const error = page.locator('.form-error');
    assert((await error.count()) === 1, 'no error message after a wrong password');
    await runAxe(page);
  });
  await check('account: sign in through the form, back to the page asked for', async () => {
    await page.goto('/sign-in?next=%2Forganizations');
    await page.getByLabel('Thư điện tử', { exact: true }).fill(TEST_EMAIL);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/organizations'), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
    const header = await page.locator('.site-header').innerText();
    assert(header.includes('browser-test'), `the header does not name the user: ${header}`);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'dulieu_session');
    assert(session && session.httpOnly && session.sameSite === 'Lax', `session cookie: ${JSON.stringify(session)}`);
  });
  await checkPageType(page, 'password', '/account/password');
  await check('workspace: lists the organization and the dataset of the editor', async () => {
    await page.goto('/en/workspace');
    const main = page.locator('main');
    assert((await main.locator('h1').innerText()) === 'Publisher workspace', 'no workspace heading');
    const links = await main.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(upload && links.includes(`/en/dataset/${upload.slug}`), `the workspace misses the dataset: ${links.join(', ')}`);
    assert(links.some((h) => h.startsWith('/en/organization/')), `the workspace misses the organization: ${links.join(', ')}`);
  });
  await checkPageType(page, 'workspace', '/workspace');
  // The ticket pages of a signed-in editor: the organization's inbox, notifications, my requests,
  // a dataset's feedback tab, and a ticket reported through it.
  await checkPageType(page, 'inbox', `/workspace/organization/${upload ? upload.org : 'mof'}/inbox`);
  await checkPageType(page, 'notifications', '/notifications');
  await checkPageType(page, 'notification-settings', '/notifications/settings');
  await checkPageType(page, 'my-requests', '/requests/mine');
  let ticketPath = null;
  await check('feedback: report a problem through the dataset feedback tab', async () => {
    await page.goto(`/en/dataset/${upload.slug}/feedback`);
    await page.getByLabel('Kind of problem', { exact: true }).selectOption('outdated');
    await page.getByLabel('What is wrong', { exact: true }).fill('The figures stop in 2023.');
    await Promise.all([page.waitForURL(/\/en\/feedback\//), page.getByRole('button', { name: 'Send the report' }).click()]);
    ticketPath = pathOf(page.url()).replace(/^\/en/, '');
  });
  if (ticketPath) await checkPageType(page, 'feedback-ticket', ticketPath);
  await check('quality: an editor checks a dataset again from its quality tab', async () => {
    await page.goto(`/en/dataset/${upload.slug}/quality`);
    const chart = page.locator('svg.quality-chart[role="img"]');
    assert((await chart.count()) === 1, 'no history chart');
    await Promise.all([
      page.waitForURL((u) => new URL(u).search.includes('notice=quality_rechecked')),
      page.getByRole('button', { name: 'Check again' }).click(),
    ]);
    const status = await page.locator('main [role="status"]').innerText();
    assert(status.includes('checked again'), `no notice after the check: ${status}`);
    await runAxe(page);
  });
  await checkPageType(page, 'dataset-new', '/workspace/datasets/new');
  await check('workspace: a missing title is shown next to its field', async () => {
    await page.goto('/en/workspace/datasets/new');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create dataset' }).click()]);
    const title = page.getByLabel('Title (Vietnamese)', { exact: true });
    assert((await title.getAttribute('aria-invalid')) === 'true', 'the title is not marked invalid');
    const described = (await title.getAttribute('aria-describedby')) || '';
    const first = described.trim().split(/\s+/)[0];
    assert(first && (await page.locator(`#${first}`).innerText()).includes('at least one'), `no error linked to the title: ${described}`);
    await runAxe(page);
  });
  await check('workspace: create a published dataset through the form, then find it in search', async () => {
    await page.goto('/workspace/datasets/new');
    await page.getByLabel('Tên (tiếng Việt)', { exact: true }).fill('Chỉ số giá thử nghiệm trình duyệt');
    await page.getByLabel('Tên (tiếng Anh)', { exact: true }).fill('Browser test price index');
    await page.getByLabel('Từ khóa', { exact: true }).fill('giá, thử nghiệm');
    await page.getByLabel('Tần suất cập nhật', { exact: true }).selectOption('monthly');
    await page.getByLabel('Trạng thái', { exact: true }).selectOption('published');
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === '/dataset/chi-so-gia-thu-nghiem-trinh-duyet'),
      page.getByRole('button', { name: 'Tạo bộ dữ liệu' }).click(),
    ]);
    const h1 = await page.locator('main h1').innerText();
    assert(h1.includes('Chỉ số giá thử nghiệm trình duyệt'), `dataset page heading: ${h1}`);
    let found = false;
    for (let i = 0; i < 20 && !found; i++) {
      await page.goto('/search?q=chi+so+gia+thu+nghiem+trinh+duyet');
      found = (await page.locator('a[href="/dataset/chi-so-gia-thu-nghiem-trinh-duyet"]').count()) > 0;
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    assert(found, 'the new dataset is not found by search');
  });
  await checkPageType(page, 'dataset-edit', '/workspace/datasets/chi-so-gia-thu-nghiem-trinh-duyet/edit');
  await check('workspace: the edit form is filled with the dataset', async () => {
    await page.goto('/en/workspace/datasets/chi-so-gia-thu-nghiem-trinh-duyet/edit');
    const value = await page.getByLabel('Title (English)', { exact: true }).inputValue();
    assert(value === 'Browser test price index', `the English title is ${value}`);
  });
  await publisherFlow(page, upload);
  await check('account: sign out with the header button', async () => {
    await page.goto('/');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Đăng xuất' }).click()]);
    const header = await page.locator('.site-header').innerText();
    assert(header.includes('Đăng nhập') && !header.includes('browser-test'), `still signed in: ${header}`);
    const resp = await page.goto('/account/password');
    assert(new URL(page.url()).pathname === '/sign-in', `the password page did not send to sign-in: ${page.url()} (${resp.status()})`);
  });
}

// ---------------------------------------------------------- publisher flow --
// On the edit page of the dataset made by the account flow: a CSV uploaded through the form with
// the upload throttled, so that the progress bar is seen moving and ending at 100 %; the file
// listed and downloaded; a remote link refused then added; the members and tokens pages.
const EDIT_PATH = '/workspace/datasets/chi-so-gia-thu-nghiem-trinh-duyet/edit';

async function publisherFlow(page, upload) {
  await check('workspace: upload a CSV on the edit page, with a visible progress bar', async () => {
    await page.goto(EDIT_PATH);
    const rows = ['tinh,thang,chi_so'];
    for (let i = 0; rows.join('\n').length < 600_000; i++) rows.push(`Tỉnh ${i % 63},${(i % 12) + 1},${100 + (i % 37)}`);
    const bytes = Buffer.from(rows.join('\n') + '\n', 'utf8');
    await page.getByLabel('Tên hiển thị (không bắt buộc)').first().fill('Chỉ số theo tỉnh');
    await page.locator('input[type=file][name=file]').setInputFiles({ name: 'chi-so-theo-tinh.csv', mimeType: 'text/csv', buffer: bytes });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    // About 150 kB/s up: the upload takes a few seconds.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150_000 });
    const bar = page.locator('#upload-progress-bar');
    const seen = [];
    try {
      await page.getByRole('button', { name: 'Tải lên', exact: true }).click();
      await bar.waitFor({ state: 'visible', timeout: 5_000 });
      const done = page.locator('#files-status .form-done');
      for (let i = 0; i < 600 && (await done.count()) === 0; i++) {
        if (await bar.isVisible()) seen.push(await bar.evaluate((e) => e.value));
        await sleep(50);
      }
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    const during = seen.filter((v) => v > 0 && v < 100);
    assert(during.length >= 2, `the bar was not seen moving during the upload: ${seen.join(', ')}`);
    assert((await bar.evaluate((e) => e.value)) === 100, 'the bar does not end at 100');
    const percent = await page.locator('.upload-percent').innerText();
    assert(percent.includes('100'), `the percentage ends at "${percent}"`);
    const status = await page.locator('#files-status').innerText();
    assert(status.includes('Đã tải tệp lên.'), `no message after the upload: ${status}`);
    log(`      progress seen: ${during.length} values between 0 and 100 (${during[0]} … ${during[during.length - 1]})`);
    const link = page.locator('#files-list a', { hasText: 'Tải về' }).filter({ has: page.locator('span', { hasText: 'Chỉ số theo tỉnh' }) });
    assert((await link.count()) === 1, 'the uploaded file is not listed with a download link');
    const href = await link.getAttribute('href');
    const resp = await page.request.get(new URL(href, page.url()).toString());
    assert(resp.status() === 200, `GET ${href} answered ${resp.status()}`);
    assert(Buffer.compare(await resp.body(), bytes) === 0, 'the downloaded file differs from the upload');
    await runAxe(page);
  });
  await check('workspace: a remote link is refused next to its field, then added', async () => {
    await page.goto(`/en${EDIT_PATH}`);
    await page.getByLabel('Address (URL)', { exact: true }).fill('not a link');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add the link' }).click()]);
    const url = page.getByLabel('Address (URL)', { exact: true });
    assert((await url.getAttribute('aria-invalid')) === 'true', 'the URL is not marked invalid');
    await runAxe(page);
    await url.fill('https://example.vn/chi-so.xlsx');
    await page.getByLabel('Title (optional)').nth(1).fill('Price index workbook');
    await Promise.all([page.waitForURL(/notice=link_added/), page.getByRole('button', { name: 'Add the link' }).click()]);
    const list = await page.locator('#files-list').innerText();
    assert(list.includes('Price index workbook') && list.includes('XLSX'), `the link is not listed: ${list}`);
  });
  await checkPageType(page, 'dataset-files', `${EDIT_PATH}?notice=file_added`);
  const members = `/workspace/organization/${upload ? upload.org : 'mof'}/members`;
  await checkPageType(page, 'members', members);
  await check('members: the page lists the organization\'s members with their roles', async () => {
    await page.goto(`/en${members}`);
    const list = await page.locator('.member-list').innerText();
    assert(list.includes(TEST_EMAIL) && list.includes('Editor'), `members: ${list}`);
  });
  await checkPageType(page, 'tokens', '/account/tokens');
  await check('tokens: a new token is shown once', async () => {
    await page.goto('/en/account/tokens');
    await page.getByLabel('Token name', { exact: true }).fill('browser test token');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Create token' }).click()]);
    const secret = await page.locator('#token-secret').innerText();
    assert(secret.startsWith('dl_'), `no secret shown: ${secret}`);
    await runAxe(page);
    await page.goto('/en/account/tokens');
    assert(!(await page.content()).includes(secret), 'the secret is shown again');
  });
}

// A signed-in user without a role in the organization opens its members page: the 403 page.
const OTHER_EMAIL = 'browser-test-reader@example.vn';

async function forbiddenFlow(page, dataDir, upload) {
  await check('forbidden: a user without a role signs in', async () => {
    execFileSync(dulieuBin, ['admin', 'create-user', '--data-dir', dataDir, '--email', OTHER_EMAIL, '--password-stdin'], {
      input: `${TEST_PASSWORD}\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    await page.goto('/sign-in');
    await page.getByLabel('Thư điện tử', { exact: true }).fill(OTHER_EMAIL);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/'), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
  });
  await checkPageType(page, 'forbidden', `/workspace/organization/${upload ? upload.org : 'mof'}/members`, { status: 403 });
}

// -------------------------------------------------------------------- main --
async function main() {
  if (!existsSync(dulieuBin)) throw new Error(`no dulieu binary at ${dulieuBin} (cargo build -p dulieu)`);
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  mkdirSync(shotsDir, { recursive: true });
  for (const f of readdirSync(shotsDir)) {
    if (f.endsWith('.png')) rmSync(join(shotsDir, f));
  }
  tmp = mkdtempSync(join(tmpdir(), 'dulieu-browser-'));
  const dataDir = join(tmp, 'data');
  mkdirSync(dataDir);
  outboxDir = outboxDir || join(tmp, 'outbox');
  const port = await freePort();
  log(`starting ${dulieuBin} serve --demo on 127.0.0.1:${port}`);
  const base = await startServer(dataDir, port);
  log(`server ready at ${base} (demo catalog searchable)`);

  let upload = null;
  await check('api: upload a small CSV to a Ministry of Finance dataset', async () => {
    upload = await uploadCsv(base, dataDir);
  });

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  log(`Chromium ${browser.version()}`);
  // playwright's launch uses a fresh temporary user-data dir for each browser.
  const context = await browser.newContext({
    baseURL: base,
    viewport: VIEWPORTS.desktop,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const found = await visitorFlow(page, base, upload || { slug: 'none', bytes: Buffer.alloc(0), title: 'none' });

  const orgPath = found.orgPath || '/organization/mof';
  const datasetPath = found.datasetPath || (upload ? `/dataset/${upload.slug}` : null);
  const pageTypes = [
    ['home', '/'],
    ['search', found.filteredPath || '/search?q=ngan+sach'],
    ['search-empty', '/search?q=zzqxj+wvkkq'],
    ...(datasetPath
      ? [['dataset', datasetPath], ['dataset-feedback', `${datasetPath}/feedback`], ['dataset-quality', `${datasetPath}/quality`]]
      : []),
    ['request-form-anonymous', '/requests/new'],
    ['organizations', '/organizations'],
    ['organization', orgPath],
    ['organization-quality', `${orgPath}/quality`],
    ['quality-league', '/quality'],
    ['not-found', '/khong-co-trang-nay', { status: 404 }],
    ['sign-in', '/sign-in'],
    ['sign-up', '/sign-up'],
  ];
  // Each page type from Vietnamese (switch → English), and the English ones from English
  // (switch → Vietnamese), so both directions of the switch are followed.
  for (const [name, path, opts] of pageTypes) {
    await checkPageType(page, name, path, opts);
  }
  for (const [name, path, opts] of pageTypes) {
    await check(`${name} [en] switch → vi`, async () => {
      const en = twinPath(new URL(path, base).toString());
      const resp = await page.goto(en);
      assert(resp.status() === ((opts && opts.status) || 200), `GET ${en} answered ${resp.status()}`);
      assert((await htmlLang(page)) === 'en', `<html lang> of ${en} is not "en"`);
      await Promise.all([page.waitForURL((u) => pathOf(u.toString()) !== en), page.locator('a.lang-switch').click()]);
      const got = pathOf(page.url());
      assert(samePath(got, path), `the switch landed on ${got}, expected ${path}`);
      assert((await htmlLang(page)) === 'vi', `after the switch <html lang> is not "vi"`);
    });
  }
  await accountFlow(page, upload);
  await readinessFlow({ page, dataDir, dulieuBin, check, runAxe, screenshots, checkPageType, log });
  await requestsFlow({ page, base, outboxDir, check, runAxe, checkPageType, log });
  await tablesFlow({ page, base, check, runAxe, screenshots, checkPageType, log });
  await inventoryFlow({ page, base, check, runAxe, screenshots, checkPageType, log });
  await reviewFlow({ page, base, dataDir, dulieuBin, upload, email: TEST_EMAIL, password: TEST_PASSWORD, check, runAxe, checkPageType, log });
  await pullFlow({ page, check, runAxe, checkPageType, log });
  await harvestFlow({ page, email: TEST_EMAIL, password: TEST_PASSWORD, check, runAxe, checkPageType, log });
  await forbiddenFlow(page, dataDir, upload);
  await check('no JavaScript errors on any page', async () => {
    assert(consoleErrors.length === 0, consoleErrors.join('\n'));
  });
}

let rc = 0;
try {
  await main();
} catch (err) {
  failed++;
  failures.push(err.stack || String(err));
  console.error(`error: ${err.stack || err}`);
}
await cleanup();
console.log(`\nscreenshots: ${shotsDir}`);
if (failed) {
  console.log(`\nbrowser tests FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  rc = 1;
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(rc);
