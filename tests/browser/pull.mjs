// Browser tests of the automatic updates pages (crates/portal/src/pages/sources.rs), called by
// run.mjs after the publication review.
//
// The demo's editor of the General Statistics Office signs in, opens the demo's population
// dataset (its uploaded CSV table) and its "Automatic updates" tab, and sets up a web source for
// the CSV: a schedule that is not one is refused next to its field (what was typed stays), a
// preset fills the schedule in place (the script; the link works without it too), the source is
// saved and its next run shown. "Run now" reads the source: the demo server's fetch guard refuses
// loopback, so the run fails and the history lists it with its error. The list and the source's
// page get axe-core, screenshots and the language switch in both languages (the English page
// has the English title); then the source is deleted through its confirmation step. Ends signed
// out.

import { signIn } from './review.mjs';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const EDITOR = 'gso-editor@demo.example.vn';
const PASSWORD = 'dulieu-demo-gso-editor';
const DATASET = 'gso-population-demographic-data';
const FILE = 'Dân số, diện tích và mật độ dân số theo tỉnh, 2023';
// Resolves to loopback, which the fetch guard refuses when the run connects.
const URL_OF_SOURCE = 'http://localhost/du-lieu/dan-so-tinh.csv';

// `ctx`: page, check, runAxe, checkPageType, log (from run.mjs).
export async function pullFlow(ctx) {
  const { page, check, runAxe, checkPageType, log } = ctx;
  const sources = `/dataset/${DATASET}/sources`;
  let source = null;

  await check('pull: the demo editor opens the automatic updates tab of a dataset', async () => {
    await signIn(page, EDITOR, PASSWORD, `/dataset/${DATASET}`);
    const tab = page.locator(`nav.tabs a[href="${sources}"]`);
    assert((await tab.count()) === 1, 'no "Tự động cập nhật" tab on the dataset page');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === sources), tab.click()]);
    const setUp = page.locator('.source-list li', { hasText: FILE }).locator('a.button');
    assert((await setUp.count()) === 1, `no "set up" link for "${FILE}"`);
    await runAxe(page);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname.startsWith(`${sources}/`)), setUp.click()]);
    source = new URL(page.url()).pathname;
  });
  if (!source) return;

  await check('pull: a bad schedule is refused next to its field', async () => {
    await page.getByLabel('Địa chỉ web', { exact: true }).check();
    await page.getByLabel('Địa chỉ (URL)', { exact: true }).fill(URL_OF_SOURCE);
    const schedule = page.getByLabel('Lịch chạy (cron)', { exact: true });
    await schedule.fill('mỗi ngày');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lưu nguồn', exact: true }).click()]);
    assert((await schedule.getAttribute('aria-invalid')) === 'true', 'the schedule is not marked invalid');
    const error = await page.locator('#f-schedule-error-1').innerText();
    assert(error.includes('Lịch chạy không hợp lệ'), `the schedule's error: ${error}`);
    const url = await page.getByLabel('Địa chỉ (URL)', { exact: true }).inputValue();
    assert(url === URL_OF_SOURCE, `the address typed is not kept: ${url}`);
    await runAxe(page);
  });

  await check('pull: a preset fills the schedule in, the source is saved with its next run', async () => {
    await page.getByRole('link', { name: 'Hằng ngày lúc 02:00', exact: true }).click();
    const schedule = page.getByLabel('Lịch chạy (cron)', { exact: true });
    assert((await schedule.inputValue()) === '0 2 * * *', `the preset gave "${await schedule.inputValue()}"`);
    assert((await page.getByLabel('Địa chỉ (URL)', { exact: true }).inputValue()) === URL_OF_SOURCE, 'the preset lost the address');
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('notice') === 'source_saved'),
      page.getByRole('button', { name: 'Lưu nguồn', exact: true }).click(),
    ]);
    const notice = await page.locator('main [role=status]').innerText();
    assert(notice.includes('Đã lưu nguồn'), `no notice after saving: ${notice}`);
    const next = await page.locator('#status .next-run time').innerText();
    assert(/ 02:00 UTC/.test(next), `the next run: ${next}`);
    log(`      next run: ${next}`);
  });

  await check('pull: "Run now" fails on a refused address, and the history says why', async () => {
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('problem') === 'source_run_failed'),
      page.getByRole('button', { name: 'Chạy ngay', exact: true }).click(),
    ]);
    const problem = await page.locator('#source-problem').innerText();
    assert(problem.includes('thất bại'), `no message after the run: ${problem}`);
    const row = page.locator('#history table tbody tr').first();
    assert((await row.getAttribute('class')) === 'run-failed', 'the run is not marked failed');
    const cells = await row.innerText();
    assert(cells.includes('Thất bại') && cells.includes('Chạy ngay'), `the run's row: ${cells}`);
    const code = await row.locator('td.run-error code').innerText();
    assert(code.length > 0, 'no error code in the row');
    const failures = await page.locator('#status .failures').innerText();
    assert(failures.includes('1 lần chạy liên tiếp thất bại'), `failures in a row: ${failures}`);
    log(`      the run failed with ${code}`);
    await runAxe(page);
  });

  await checkPageType(page, 'dataset-sources', sources);
  await checkPageType(page, 'dataset-source', source);

  await check('pull: the English page has the English title', async () => {
    await page.goto(`/en${sources}`);
    const h1 = await page.locator('main h1').innerText();
    assert(h1.startsWith('Automatic updates: '), `the English list's title: ${h1}`);
    await page.goto(`/en${source}`);
    const title = await page.locator('main h1').innerText();
    assert(title.startsWith('Automatic update source: '), `the English source page's title: ${title}`);
    const outcome = await page.locator('#history table tbody tr').first().innerText();
    assert(outcome.includes('Failed'), `the English history: ${outcome}`);
  });

  await check('pull: the source is deleted through its confirmation step', async () => {
    await page.goto(source);
    const button = page.getByRole('button', { name: 'Xóa nguồn này', exact: true });
    assert(!(await button.isVisible()), 'the delete button shows before its confirmation step');
    await page.locator('details.delete-confirm summary').click();
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === sources && new URL(u).searchParams.get('notice') === 'source_deleted'),
      button.click(),
    ]);
    const item = await page.locator('.source-list li', { hasText: FILE }).innerText();
    assert(item.includes('chưa được tự động cập nhật'), `the file after the deletion: ${item}`);
  });

  await check('pull: signed out again', () => page.context().clearCookies());
}
