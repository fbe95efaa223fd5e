// Browser tests of the data request pages (crates/portal/src/pages/requests.rs), called by run.mjs.
//
// A citizen signs up through the form and files a request through the portal form (a missing
// title shown next to its field first); the portal team (the demo `odtf` account) starts triage
// and assigns it to the General Statistics Office; the office's editor (the demo editor) finds it
// in the organization's list sorted by deadline and asks for clarification; the citizen
// clarifies; the editor creates and publishes a new dataset through the workspace form, writes
// in the public thread and fulfils the request with that dataset. After each step the e-mails
// the server wrote to its file outbox (run.mjs sets DULIEU_MAIL_OUTBOX_DIR) are read: the
// requester gets exactly the one e-mail of the step, in Vietnamese, with the request's link
// (and none for their own acts); the portal team and the office get theirs. The public
// statistics page is read before filing, after filing and after fulfilment, and its counts
// change accordingly. The list, the form (also with an error), the request page (as the agency,
// with its action forms, and as a visitor) and the statistics get axe-core, screenshots and the
// language switch in both languages.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The demo accounts (crates/demo/data/accounts.json; passwords `dulieu-demo-` + the part before @).
const TEAM = { email: 'odtf@demo.example.vn', password: 'dulieu-demo-odtf' };
const EDITOR = { email: 'gso-editor@demo.example.vn', password: 'dulieu-demo-gso-editor' };
const CITIZEN = { email: 'lan.browser-citizen@example.vn', password: 'a long citizen password', name: 'Trần Thị Lan' };
const GSO_VI = 'Tổng cục Thống kê';
const ALL_VI = 'Tất cả cơ quan';
const SITE_VI = 'Cổng dữ liệu mở';

const TITLE = 'Giá thuê nhà ở theo quận, huyện (thử nghiệm trình duyệt)';
const QUESTION = 'Bạn cần giá thuê của những năm nào, và theo loại nhà nào?';
const ANSWER = 'Các năm 2019 đến 2024, tách riêng căn hộ chung cư và nhà riêng lẻ.';
const THREAD = 'Tổng cục đã công bố bảng giá thuê theo quận, huyện; mời bạn góp ý.';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ------------------------------------------------------------------ e-mail --
// Decodes RFC 2047 encoded words (adjacent words joined before decoding, as UTF-8 may be split
// between them).
function decodeHeader(value) {
  const word = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  let out = '';
  let last = 0;
  let pending = [];
  const flush = () => {
    if (pending.length) out += Buffer.concat(pending).toString('utf8');
    pending = [];
  };
  for (const m of joined.matchAll(word)) {
    if (m.index > last) {
      flush();
      out += joined.slice(last, m.index);
    }
    const [, , enc, text] = m;
    pending.push(
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : quotedPrintable(text.replace(/_/g, ' ')),
    );
    last = m.index + m[0].length;
  }
  flush();
  return out + joined.slice(last);
}

// Quoted-printable text to bytes (soft line breaks removed).
function quotedPrintable(text) {
  const s = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(s[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

// One .eml file of the outbox: recipient, subject and plain-text body.
function parseMail(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const qp = (headers['content-transfer-encoding'] || '').toLowerCase() === 'quoted-printable';
  return {
    to: (headers.to || '').replace(/^.*<([^>]+)>.*$/, '$1').trim().toLowerCase(),
    subject: decodeHeader(headers.subject || ''),
    body: qp ? quotedPrintable(body).toString('utf8') : body,
  };
}

// The outbox as the server under test writes it: new mails per recipient.
class Outbox {
  constructor(dir) {
    this.dir = dir;
    this.seen = new Map();
  }

  read() {
    let files = [];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith('.eml'));
    } catch {
      // not created yet
    }
    return files.map((f) => ({ file: f, ...parseMail(readFileSync(join(this.dir, f), 'utf8')) }));
  }

  // Waits until mail to `address` arrives that was not taken before, then returns (and takes)
  // every such mail.
  async take(address, timeoutMs = 20_000) {
    const seen = this.seen.get(address) || new Set();
    this.seen.set(address, seen);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = this.read().filter((m) => m.to === address && !seen.has(m.file));
      if (fresh.length) {
        // Mails of one change are queued together: give the worker a moment for the rest.
        await new Promise((r) => setTimeout(r, 700));
        const all = this.read().filter((m) => m.to === address && !seen.has(m.file));
        for (const m of all) seen.add(m.file);
        return all;
      }
      if (Date.now() > deadline) throw new Error(`no new e-mail to ${address} in the outbox ${this.dir} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  // Marks everything to `address` so far as taken.
  skip(address) {
    const seen = this.seen.get(address) || new Set();
    for (const m of this.read()) if (m.to === address) seen.add(m.file);
    this.seen.set(address, seen);
  }
}

// Takes the requester's mail of one step: exactly one, with `subject`, the request's link, and
// the greeting in Vietnamese.
async function expectOneMail(outbox, address, subject, link) {
  const mails = await outbox.take(address);
  assert(mails.length === 1, `${mails.length} new e-mails to ${address}: ${mails.map((m) => m.subject).join(' | ')}`);
  const [mail] = mails;
  assert(mail.subject === `[${SITE_VI}] ${subject}`, `subject: "${mail.subject}", expected "[${SITE_VI}] ${subject}"`);
  assert(mail.body.startsWith('Xin chào,'), `body does not greet in Vietnamese: ${mail.body.slice(0, 80)}`);
  assert(mail.body.includes(subject), `body does not say "${subject}": ${mail.body}`);
  assert(mail.body.includes(`Xem chi tiết: ${link}`), `body lacks the link ${link}: ${mail.body}`);
  return mail;
}

// Clicks a form's submit button and waits for the page it leads to (the same address after a
// POST-redirect-GET, or the form again with its errors).
async function submit(page, button) {
  await Promise.all([page.waitForEvent('framenavigated'), button.click()]);
  await page.waitForLoadState('load');
}

// ---------------------------------------------------------------- accounts --
async function signIn(page, who, next) {
  await page.goto(`/en/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === next), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

async function signOut(page) {
  await page.goto('/en/requests');
  await submit(page, page.getByRole('button', { name: 'Sign out' }));
  const header = await page.locator('.site-header').innerText();
  assert(header.includes('Sign in'), `still signed in: ${header}`);
}

// ------------------------------------------------------------- statistics --
// The figures of one row of the statistics table (by its heading), as numbers.
async function statsRow(page, name) {
  await page.goto('/requests/statistics');
  const rows = await page.locator('#request-stats tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('th').innerText.trim(),
      cells: [...tr.querySelectorAll('td')].map((td) => td.innerText.trim().split('\n')[0]),
    })),
  );
  const row = rows.find((r) => r.name === name);
  if (!row) return { received: 0, answered: 0, fulfilled: 0, refused: 0, backlog: 0 };
  const n = (i) => Number(row.cells[i]);
  return { received: n(0), answered: n(1), fulfilled: n(2), refused: n(3), backlog: n(7) };
}

async function figures(page) {
  return { all: await statsRow(page, ALL_VI), gso: await statsRow(page, GSO_VI) };
}

function expectChange(before, after, want, label) {
  for (const key of Object.keys(before)) {
    const delta = after[key] - before[key];
    const expected = want[key] || 0;
    assert(delta === expected, `${label}: ${key} went ${before[key]} → ${after[key]}, expected a change of ${expected}`);
  }
}

// ---------------------------------------------------------------- the flow --
// `ctx` holds what run.mjs provides: page, base, outboxDir, check, runAxe, checkPageType, log.
export async function requestsFlow(ctx) {
  const { page, base, outboxDir, check, runAxe, checkPageType, log } = ctx;
  const outbox = new Outbox(outboxDir);
  const state = {};

  await checkPageType(page, 'requests', '/requests');
  await checkPageType(page, 'request-stats', '/requests/statistics');
  await check('requests: the demo requests are listed in their states', async () => {
    await page.goto('/en/requests');
    const states = await page.locator('table.requests-table tbody tr td:nth-child(2)').allInnerTexts();
    for (const s of ['Submitted', 'Awaiting response', 'Clarification needed', 'Accepted', 'Fulfilled', 'Refused']) {
      assert(states.some((x) => x.startsWith(s)), `no demo request "${s}": ${states.join(' | ')}`);
    }
    state.before = await figures(page);
    log(`      statistics before: ${JSON.stringify(state.before)}`);
    assert(state.before.gso.received >= 5, `the demo GSO figures: ${JSON.stringify(state.before.gso)}`);
    // Earlier flows (the demo load) wrote mail already: only what follows counts.
    for (const who of [CITIZEN.email, TEAM.email, EDITOR.email]) outbox.skip(who);
  });

  await check('requests: a citizen signs up and files a request through the form', async () => {
    await page.goto(`/sign-up?next=${encodeURIComponent('/requests/new')}`);
    await page.getByLabel('Thư điện tử', { exact: true }).fill(CITIZEN.email);
    await page.getByLabel('Tên hiển thị', { exact: true }).fill(CITIZEN.name);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(CITIZEN.password);
    await page.getByLabel('Nhập lại mật khẩu', { exact: true }).fill(CITIZEN.password);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/requests/new'), page.getByRole('button', { name: 'Đăng ký', exact: true }).click()]);
    // A missing title first: shown next to its field.
    await page.getByLabel('Mô tả chi tiết', { exact: true }).fill('Giá thuê bình quân mỗi mét vuông theo quận, huyện, hằng năm.');
    await submit(page, page.getByRole('button', { name: 'Gửi yêu cầu', exact: true }));
    const title = page.getByLabel('Dữ liệu cần (một dòng)', { exact: true });
    assert((await title.getAttribute('aria-invalid')) === 'true', 'the missing title is not marked invalid');
    const description = await page.getByLabel('Mô tả chi tiết', { exact: true }).inputValue();
    assert(description.startsWith('Giá thuê bình quân'), 'the description was not kept');
    await runAxe(page);
    await title.fill(TITLE);
    await page.getByLabel('Mục đích sử dụng', { exact: true }).fill('So sánh chi phí nhà ở cho người lao động nhập cư.');
    await page.getByLabel('Định dạng mong muốn', { exact: true }).fill('CSV');
    await page.getByLabel('Mức độ chi tiết', { exact: true }).fill('Quận, huyện; năm');
    await page.getByLabel('Cơ quan có thể nắm giữ dữ liệu', { exact: true }).fill('gso');
    await Promise.all([page.waitForURL(/\/requests\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Gửi yêu cầu', exact: true }).click()]);
    state.id = new URL(page.url()).pathname.split('/').pop();
    state.link = `${base}/requests/${state.id}`;
    assert((await page.locator('main h1').innerText()) === TITLE, 'the request page has another title');
    const shown = await page.locator('.request-state').innerText();
    assert(shown.includes('Đã gửi'), `state shown: ${shown}`);
    log(`      request ${state.id}`);
  });
  await checkPageType(page, 'request-form', '/requests/new');
  await check('requests: the portal team is told of the new request; the statistics count it', async () => {
    assert(state.id, 'no request filed');
    const mails = await outbox.take(TEAM.email);
    const subject = `[${SITE_VI}] Yêu cầu dữ liệu mới cần phân loại: «${TITLE}»`;
    assert(mails.some((m) => m.subject === subject && m.body.includes(state.link)), `to the team: ${mails.map((m) => m.subject).join(' | ')}`);
    state.filed = await figures(page);
    expectChange(state.before.all, state.filed.all, { received: 1, backlog: 1 }, 'all organizations after filing');
    expectChange(state.before.gso, state.filed.gso, {}, 'the GSO after filing');
  });
  await check('requests: the citizen signs out', () => signOut(page));

  await check('requests: the portal team triages the request and assigns it to the GSO', async () => {
    assert(state.id, 'no request filed');
    const path = `/en/requests/${state.id}`;
    await signIn(page, TEAM, path);
    await submit(page, page.locator('#action-triage').getByRole('button', { name: 'Start triage', exact: true }));
    assert((await page.locator('.request-state').innerText()).includes('In triage'), 'not in triage');
    await expectOneMail(outbox, CITIZEN.email, `Nhóm công tác đang xem xét yêu cầu «${TITLE}»`, state.link);
    const assign = page.locator('#action-assign');
    await assign.getByLabel('Organization', { exact: true }).fill('gso');
    await submit(page, assign.getByRole('button', { name: 'Assign to an organization', exact: true }));
    const shown = await page.locator('.request-state').innerText();
    assert(shown.includes('Awaiting response') && shown.includes('answer due by the end of'), `state shown: ${shown}`);
    await expectOneMail(outbox, CITIZEN.email, `Yêu cầu «${TITLE}» đã được giao cho ${GSO_VI}`, state.link);
    const toOffice = await outbox.take(EDITOR.email);
    assert(toOffice.some((m) => m.subject.includes(`đã được giao cho ${GSO_VI}`)), `to the office: ${toOffice.map((m) => m.subject).join(' | ')}`);
  });
  await check('requests: the portal team signs out', () => signOut(page));

  await check('requests: the agency finds it in its list by deadline and asks for clarification', async () => {
    assert(state.id, 'no request filed');
    await signIn(page, EDITOR, '/en/requests');
    await page.goto('/en/requests?organization=gso&sort=deadline');
    const links = await page.locator('table.requests-table tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(links.includes(`/en/requests/${state.id}`), `not in the GSO's list: ${links.join(', ')}`);
    const path = `/requests/${state.id}`;
    await page.goto(path);
    const ask = page.locator('#action-ask_clarification');
    await ask.getByLabel('Nội dung', { exact: true }).fill(QUESTION);
    await submit(page, ask.getByRole('button', { name: 'Đề nghị làm rõ', exact: true }));
    assert((await page.locator('.request-state').innerText()).includes('Cần làm rõ'), 'clarification not asked');
    assert((await page.locator('ol.timeline').innerText()).includes(QUESTION), 'the question is not in the timeline');
    await expectOneMail(outbox, CITIZEN.email, `Cơ quan cần bạn làm rõ yêu cầu «${TITLE}»`, state.link);
  });
  await check('requests: the agency signs out', () => signOut(page));

  await check('requests: the citizen answers the question', async () => {
    assert(state.id, 'no request filed');
    const path = `/requests/${state.id}`;
    await signIn(page, CITIZEN, `/en${path}`);
    await page.goto(path);
    assert((await page.locator('ol.timeline').innerText()).includes(QUESTION), 'the citizen does not see the question');
    const clarify = page.locator('#action-clarify');
    await clarify.getByLabel('Nội dung', { exact: true }).fill(ANSWER);
    await submit(page, clarify.getByRole('button', { name: 'Làm rõ', exact: true }));
    assert((await page.locator('.request-state').innerText()).includes('Chờ trả lời'), 'not back to awaiting a response');
    assert((await page.locator('ol.timeline').innerText()).includes(ANSWER), 'the answer is not in the timeline');
    const toOffice = await outbox.take(EDITOR.email);
    assert(toOffice.some((m) => m.subject.includes(`Người yêu cầu đã làm rõ yêu cầu «${TITLE}»`)), `to the office: ${toOffice.map((m) => m.subject).join(' | ')}`);
  });
  await check('requests: the citizen signs out', () => signOut(page));

  await check('requests: the agency publishes a new dataset, writes in the thread and fulfils the request', async () => {
    assert(state.id, 'no request filed');
    await signIn(page, EDITOR, '/en/workspace');
    await page.goto('/workspace/datasets/new');
    await page.getByLabel('Tên (tiếng Việt)', { exact: true }).fill('Giá thuê nhà ở theo quận, huyện');
    await page.getByLabel('Tên (tiếng Anh)', { exact: true }).fill('Housing rents by district');
    await page.getByLabel('Từ khóa', { exact: true }).fill('giá thuê nhà, nhà ở');
    await page.getByLabel('Tần suất cập nhật', { exact: true }).selectOption('annual');
    await page.getByLabel('Trạng thái', { exact: true }).selectOption('published');
    await Promise.all([page.waitForURL(/\/dataset\/[a-z0-9-]+$/), page.getByRole('button', { name: 'Tạo bộ dữ liệu', exact: true }).click()]);
    state.slug = new URL(page.url()).pathname.split('/').pop();
    const path = `/requests/${state.id}`;
    await page.goto(path);
    await page.getByLabel('Tin nhắn của bạn', { exact: true }).fill(THREAD);
    await submit(page, page.getByRole('button', { name: 'Gửi tin nhắn', exact: true }));
    const thread = await page.locator('#thread').innerText();
    assert(thread.includes(THREAD) && thread.includes('(cơ quan)'), `thread: ${thread}`);
    await expectOneMail(outbox, CITIZEN.email, `Có tin nhắn mới về yêu cầu «${TITLE}»`, state.link);
    const fulfil = page.locator('#action-fulfil');
    await fulfil.getByLabel('Tập dữ liệu', { exact: true }).fill(state.slug);
    await submit(page, fulfil.getByRole('button', { name: 'Đáp ứng', exact: true }));
    assert((await page.locator('.request-state').innerText()).includes('Đã đáp ứng'), 'not fulfilled');
    const href = await page.locator('#fulfilling-dataset').getAttribute('href');
    assert(href === `/dataset/${state.slug}`, `the request links ${href}, expected /dataset/${state.slug}`);
    await expectOneMail(outbox, CITIZEN.email, `Yêu cầu «${TITLE}» đã được đáp ứng: dữ liệu đã công bố`, state.link);
    log(`      fulfilled with /dataset/${state.slug}`);
  });
  await check('requests: the statistics count the answer, overall and for the GSO', async () => {
    assert(state.filed, 'no figures after filing');
    const after = await figures(page);
    log(`      statistics after: ${JSON.stringify(after)}`);
    expectChange(state.filed.all, after.all, { answered: 1, fulfilled: 1, backlog: -1 }, 'all organizations after fulfilment');
    expectChange(state.before.gso, after.gso, { received: 1, answered: 1, fulfilled: 1 }, 'the GSO after fulfilment');
    await runAxe(page);
  });
  if (state.id) {
    // As the agency: the page with its action forms (extend, partially fulfil, …) is gone once
    // fulfilled, so check a demo request still awaiting its answer too.
    const waiting = await page.evaluate(async () => {
      const r = await fetch('/api/1/requests?state=awaiting_response&organization=gso');
      const list = await r.json();
      return list.results.length ? list.results[0].id : null;
    });
    if (waiting) await checkPageType(page, 'request-agency', `/requests/${waiting}`);
    await check('requests: the agency signs out', () => signOut(page));
    await checkPageType(page, 'request', `/requests/${state.id}`);
  }
}
