// Browser tests of the publication review page (crates/portal/src/pages/review.rs), called by
// run.mjs after the inventory pages.
//
// The demo has no approver, so this names one through the CLI and the API: a new user becomes
// the approver of the organization of the uploaded dataset (the Ministry of Finance, a national
// body, so its datasets now publish through review) and the portal team's test user creates a
// draft there. The test user (an editor there) opens the draft's review tab from the dataset page
// and submits it through the form; the approver signs in, sees the "Send back" form, sends it
// back with a comment, which is listed among the steps. The review page gets axe-core,
// screenshots and the language switch in both languages. Ends signed out.

import { execFileSync } from 'node:child_process';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const APPROVER = 'browser-test-approver@example.vn';
const SLUG = 'browser-test-review';
const COMMENT = 'Xin bổ sung mô tả các cột.';

// Signs in through the English form (the browser's cookies cleared first) and waits for `next`.
export async function signIn(page, email, password, next) {
  await page.context().clearCookies();
  await page.goto(`/en/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === next),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
}

// `ctx`: page, base, dataDir, dulieuBin, upload (uploadCsv's answer), email and password of the
// test user, check, runAxe, checkPageType, log.
export async function reviewFlow(ctx) {
  const { page, base, dataDir, dulieuBin, upload, email, password, check, runAxe, checkPageType } = ctx;
  const review = `/dataset/${SLUG}/review`;
  let ready = false;

  await check('review: an approver is named and a draft is created through the API', async () => {
    assert(upload, 'no uploaded dataset (its organization is the one reviewed)');
    execFileSync(dulieuBin, ['admin', 'create-user', '--data-dir', dataDir, '--email', APPROVER, '--password-stdin'], {
      input: `${password}\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const out = execFileSync(dulieuBin, ['admin', 'create-token', '--data-dir', dataDir, '--email', email, '--name', 'browser-review'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const token = out.toString().trim().split('\n').pop().trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const grant = await fetch(`${base}/api/1/organizations/${upload.org}/members`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: APPROVER, role: 'approver' }),
    });
    assert(grant.status === 200, `granting the approver role answered ${grant.status}: ${await grant.text()}`);
    const created = await fetch(`${base}/api/1/datasets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        slug: SLUG,
        title: { vi: 'Chi ngân sách (thử duyệt)', en: 'Budget spending (review test)' },
        description: { vi: 'Bộ dữ liệu thử quy trình duyệt.', en: 'A dataset to try the review.' },
        publisher: upload.org,
        license: 'cc-by-4.0',
        status: 'draft',
      }),
    });
    assert(created.status === 201, `creating the draft answered ${created.status}: ${await created.text()}`);
    ready = true;
  });
  if (!ready) return;

  await check('review: the editor opens the tab and submits the draft', async () => {
    await signIn(page, email, password, `/dataset/${SLUG}`);
    const tab = page.locator(`nav.tabs a[href="${review}"]`);
    assert((await tab.count()) === 1, 'no review tab on the dataset page');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === review), tab.click()]);
    await runAxe(page);
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('notice') === 'review_submitted'),
      page.getByRole('button', { name: 'Gửi duyệt', exact: true }).click(),
    ]);
    const notice = await page.locator('.form-done').first().innerText();
    assert(notice.includes('Đã gửi duyệt'), `no notice after submitting: ${notice}`);
    const status = await page.locator('.review-status').innerText();
    assert(status.includes('Đang chờ duyệt'), `status after submitting: ${status}`);
  });

  await check('review: the approver sends it back with a comment', async () => {
    await signIn(page, APPROVER, password, `/en${review}`);
    assert((await page.getByRole('button', { name: 'Approve', exact: true }).count()) === 1, 'no Approve button');
    await page.locator('#comment-send_back').fill(COMMENT);
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('notice') === 'review_sent_back'),
      page.getByRole('button', { name: 'Send back', exact: true }).click(),
    ]);
    const steps = await page.locator('.review-steps').innerText();
    assert(steps.includes(COMMENT), `the comment is not among the steps: ${steps}`);
    const status = await page.locator('.review-status').innerText();
    assert(status.includes('Draft'), `status after sending back: ${status}`);
  });

  await checkPageType(page, 'dataset-review', review);
  await check('review: signed out again', () => page.context().clearCookies());
}
