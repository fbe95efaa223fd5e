// Browser tests of the harvest source pages (crates/portal/src/pages/harvest.rs), called by
// run.mjs after the automatic updates.
//
// The test user (a sysadmin made with `dulieu admin create-user --sysadmin`) signs in, follows
// the workspace's link to the harvest sources and opens the new source form: an address that is
// not http(s) is refused next to its field (what was typed stays); Preview with a loopback
// address reads nothing (the demo server's fetch guard refuses loopback), so the form comes back
// with the reason next to the address and no preview; a preset fills the schedule in; the source
// is saved and "Run now" fails on the refused address, the history listing the failed run with
// its error. The list, the form and the source's page get axe-core, screenshots and the language
// switch in both languages; then the source is deleted through its confirmation step. Ends
// signed out.

import { signIn } from './review.mjs';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const LIST = '/admin/harvest';
const SLUG = 'cong-du-lieu-thu-nghiem';
const TITLE = 'Cổng dữ liệu thử nghiệm';
// Not an http(s) address: refused when saved.
const BAD_URL = 'ftp://localhost/data.json';
// Resolves to loopback, which the fetch guard refuses when a preview or a run connects.
const URL_OF_SOURCE = 'http://localhost/data.json';

// `ctx`: page, email and password of a sysadmin, check, runAxe, checkPageType, log (run.mjs).
export async function harvestFlow(ctx) {
  const { page, email, password, check, runAxe, checkPageType, log } = ctx;
  const source = `${LIST}/${SLUG}`;
  let formOpen = false;
  let saved = false;

  await check('harvest: a sysadmin opens the harvest sources from the workspace', async () => {
    await signIn(page, email, password, '/workspace');
    await page.goto('/workspace');
    const link = page.getByRole('link', { name: 'Nguồn thu thập', exact: true });
    assert((await link.count()) === 1, 'no "Nguồn thu thập" link in the workspace');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === LIST), link.click()]);
    await runAxe(page);
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === `${LIST}/new`),
      page.getByRole('link', { name: 'Thêm nguồn thu thập', exact: true }).click(),
    ]);
    formOpen = true;
  });
  if (!formOpen) return;

  await check('harvest: an address that is not http(s) is refused next to its field', async () => {
    await page.getByLabel('Tên nguồn', { exact: true }).fill(TITLE);
    await page.getByLabel('Tên trong đường dẫn', { exact: true }).fill(SLUG);
    await page.getByLabel('Tệp data.json', { exact: true }).check();
    const url = page.getByLabel('Địa chỉ (URL)', { exact: true });
    await url.fill(BAD_URL);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lưu nguồn', exact: true }).click()]);
    assert((await url.getAttribute('aria-invalid')) === 'true', 'the address is not marked invalid');
    const error = await page.locator('#f-url-error-1').innerText();
    assert(error.includes('http://'), `the address's error: ${error}`);
    assert((await url.inputValue()) === BAD_URL, 'the address typed is not kept');
    assert((await page.getByLabel('Tên nguồn', { exact: true }).inputValue()) === TITLE, 'the title typed is not kept');
    assert(await page.getByLabel('Tệp data.json', { exact: true }).isChecked(), 'the kind chosen is not kept');
    await runAxe(page);
  });

  await check('harvest: Preview says why the source cannot be read, and saves nothing', async () => {
    const url = page.getByLabel('Địa chỉ (URL)', { exact: true });
    await url.fill(URL_OF_SOURCE);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Xem trước', exact: true }).click()]);
    assert(new URL(page.url()).pathname === `${LIST}/new`, `the preview left the form: ${page.url()}`);
    const error = await page.locator('#f-url-error-1').innerText();
    assert(error.includes('Không đọc được nguồn'), `the preview's error: ${error}`);
    assert((await page.locator('#preview').count()) === 0, 'a preview is shown for a source that was not read');
    assert((await url.inputValue()) === URL_OF_SOURCE, 'the address typed is not kept');
    await runAxe(page);
  });

  await check('harvest: a preset fills the schedule in, the source is saved', async () => {
    await page.getByRole('link', { name: 'Thứ Hai hằng tuần lúc 08:00', exact: true }).click();
    const schedule = page.getByLabel('Lịch chạy (cron)', { exact: true });
    assert((await schedule.inputValue()) === '0 8 * * 1', `the preset gave "${await schedule.inputValue()}"`);
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === source && new URL(u).searchParams.get('notice') === 'harvest_saved'),
      page.getByRole('button', { name: 'Lưu nguồn', exact: true }).click(),
    ]);
    const notice = await page.locator('main [role=status]').first().innerText();
    assert(notice.includes('Đã lưu nguồn thu thập'), `no notice after saving: ${notice}`);
    const status = await page.locator('#status').innerText();
    assert(status.includes(URL_OF_SOURCE) && status.includes('0 8 * * 1'), `the settings: ${status}`);
    saved = true;
  });
  if (!saved) return;

  await check('harvest: "Run now" fails on a refused address, and the history says why', async () => {
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('problem') === 'harvest_run_failed'),
      page.getByRole('button', { name: 'Chạy ngay', exact: true }).click(),
    ]);
    const problem = await page.locator('#source-problem').innerText();
    assert(problem.includes('thất bại'), `no message after the run: ${problem}`);
    const row = page.locator('#history table tbody tr').first();
    assert(((await row.getAttribute('class')) || '').includes('run-failed'), 'the run is not marked failed');
    const cells = await row.innerText();
    assert(cells.includes('Thất bại') && cells.includes('Chạy ngay'), `the run's row: ${cells}`);
    const code = await row.locator('td.run-error code').first().innerText();
    assert(code.length > 0, 'no error code in the row');
    log(`      the run failed with ${code}`);
    await runAxe(page);
  });

  await checkPageType(page, 'harvest-sources', LIST);
  await checkPageType(page, 'harvest-form', `${source}/edit`);
  await checkPageType(page, 'harvest-source', source);

  await check('harvest: the English pages have the English titles', async () => {
    await page.goto(`/en${LIST}`);
    assert((await page.locator('main h1').innerText()) === 'Harvest sources', 'the English list');
    const row = await page.locator('table.harvest-sources tbody tr', { hasText: TITLE }).innerText();
    assert(row.includes('data.json file') && row.includes('Failed'), `the English list's row: ${row}`);
    await page.goto(`/en${source}`);
    const title = await page.locator('main h1').innerText();
    assert(title === `Harvest source: ${TITLE}`, `the English source page's title: ${title}`);
  });

  await check('harvest: the source is deleted through its confirmation step', async () => {
    await page.goto(source);
    const button = page.getByRole('button', { name: 'Xóa nguồn này', exact: true });
    assert(!(await button.isVisible()), 'the delete button shows before its confirmation step');
    await page.locator('details.delete-confirm summary').click();
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === LIST && new URL(u).searchParams.get('notice') === 'harvest_deleted'),
      button.click(),
    ]);
    const notice = await page.locator('main [role=status]').first().innerText();
    assert(notice.includes('Đã xóa nguồn thu thập'), `no notice after the deletion: ${notice}`);
    assert((await page.locator('table.harvest-sources tbody tr', { hasText: TITLE }).count()) === 0, 'the source is still listed');
  });

  await check('harvest: signed out again', () => page.context().clearCookies());
}
