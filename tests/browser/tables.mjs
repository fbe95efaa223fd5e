// Browser tests of the table pages (crates/portal/src/pages/tables.rs), called by run.mjs.
//
// The demo uploads three tabular files (crates/demo/src/tables.rs) that the server's worker
// reads as tables. Once they are ready: the population table's page (the dataset page's preview
// too) gets axe-core, screenshots at desktop and phone widths and the language switch in both
// languages; at 360 px the page itself does not scroll sideways (the rows scroll in their own
// region); sorting by a column header and the filter form work without the script; the chart
// builder draws a bar chart of a sum by region from the aggregate API, with a text alternative
// and the same figures in a table (axe again with the chart shown); the positions table's page
// shows its 20 province centres as markers on the Leaflet map (axe with the map shown); the
// workbook's page shows its sheets as tabs.

const POPULATION = { dataset: 'gso-population-demographic-data', file: 'dan_so_tinh_2023.csv' };
const WORKBOOK = { dataset: 'gso-population-demographic-data', file: 'dan_so_gioi_tinh_2024.xlsx' };
const POSITIONS = { dataset: 'survey-mapping-department-maps-geodatabase', file: 'toa_do_trung_tam_tinh.csv' };
const PROVINCES = 20;

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The table page of a demo file, once the worker has read it (waits up to 90 s).
async function readyTablePath(base, { dataset, file }) {
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    const d = await (await fetch(`${base}/api/1/datasets/${dataset}`)).json();
    const dist = (d.distributions || []).find((x) => x.filename === file);
    if (dist) {
      const r = await fetch(`${base}/api/1/tables/${dist.id}`);
      if (r.ok) {
        const doc = await r.json();
        last = doc.status;
        if (doc.status === 'done') return `/dataset/${dataset}/tables/${dist.id}`;
        if (doc.status === 'failed') throw new Error(`${file} failed: ${JSON.stringify(doc.error)}`);
      }
    }
    await sleep(500);
  }
  throw new Error(`${file} was not read as a table within 90 s (status ${last || 'unknown'})`);
}

// Runs the table checks. `ctx` holds what run.mjs provides.
export async function tablesFlow(ctx) {
  const { page, base, check, runAxe, screenshots, checkPageType, log } = ctx;
  let population = null;
  let positions = null;
  let workbook = null;
  await check('tables: the worker reads the demo files as tables', async () => {
    population = await readyTablePath(base, POPULATION);
    positions = await readyTablePath(base, POSITIONS);
    workbook = await readyTablePath(base, WORKBOOK);
    log(`      ${population}, ${positions}, ${workbook}`);
  });
  if (!population) return;

  await check('tables: the dataset page shows the ready table and a preview', async () => {
    await page.goto(`/dataset/${POPULATION.dataset}`);
    assert((await page.locator('.ingest-done').count()) >= 1, 'no ready table status');
    const preview = page.locator('#preview-h');
    assert((await preview.count()) === 1, 'no preview section');
    const rows = await page.locator('table.rows-table tbody tr').count();
    assert(rows === 10, `the preview has ${rows} rows, expected 10`);
    await runAxe(page);
  });
  await checkPageType(page, 'table', population);
  await check('tables: at 360 px only the rows region scrolls sideways', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(population);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: document.documentElement.clientWidth,
      region: document.querySelector('.rows-scroll').scrollWidth,
      regionView: document.querySelector('.rows-scroll').clientWidth,
    }));
    assert(widths.page <= widths.view + 1, `the page scrolls sideways: ${JSON.stringify(widths)}`);
    assert(widths.region > widths.regionView, `the rows region does not scroll: ${JSON.stringify(widths)}`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  await check('tables: a column header sorts and the filter form filters, without the script', async () => {
    await page.goto(population);
    const header = page.locator('table.rows-table thead a.sort-link').nth(3);
    await Promise.all([page.waitForURL(/sort=/), header.click()]);
    const sorted = await page.locator('table.rows-table thead th[aria-sort="ascending"]').count();
    assert(sorted === 1, 'no column marked as sorted ascending');
    await page.locator('#f-q').fill('Ha Noi');
    await Promise.all([page.waitForURL(/q=Ha/), page.locator('form.table-filter button[type=submit]').click()]);
    const rows = await page.locator('table.rows-table tbody tr').allInnerTexts();
    assert(rows.length === 1 && rows[0].includes('Hà Nội'), `filtered rows: ${rows.join(' | ')}`);
  });
  await check('tables: the chart builder draws a bar chart of a sum by region', async () => {
    await page.goto(population);
    const section = page.locator('section[data-chart]');
    await section.waitFor({ state: 'visible' });
    const category = await page.locator('#f-chart_category option').evaluateAll((os) =>
      (os.find((o) => o.textContent.trim() === 'Vùng') || os[1] || os[0]).value,
    );
    await page.selectOption('#f-chart_category', category);
    const sum = await page.locator('#f-chart_metric option').evaluateAll((os) =>
      (os.find((o) => o.value.startsWith('sum:')) || os[0]).value,
    );
    await page.selectOption('#f-chart_metric', sum);
    await page.selectOption('#f-chart_type', 'bar');
    await page.locator('form[data-chart-form] button[type=submit]').click();
    await page.locator('section[data-chart-drawn="bar"]').waitFor({ timeout: 10_000 });
    const alt = await page.locator('canvas[data-chart-canvas]').getAttribute('aria-label');
    assert(alt && /Biểu đồ Cột/.test(alt), `the canvas's text alternative: ${alt}`);
    const rows = await page.locator('table[data-chart-table] tbody tr').count();
    assert(rows >= 5, `the chart's table has ${rows} rows`);
    const drawn = await page.evaluate(() => {
      const c = document.querySelector('canvas[data-chart-canvas]');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    assert(drawn > 1000, `the canvas is nearly empty (${drawn} painted pixels)`);
    await runAxe(page);
    await screenshots(page, 'table-chart');
  });
  await checkPageType(page, 'table-map', positions);
  await check('tables: the map shows a marker per province centre', async () => {
    await page.goto(`/en${positions}`);
    const section = page.locator('section[data-map]');
    await section.waitFor({ state: 'visible' });
    await page.locator('section[data-map][data-map-points]').waitFor({ timeout: 10_000 });
    const points = Number(await section.getAttribute('data-map-points'));
    assert(points === PROVINCES, `the map has ${points} points, expected ${PROVINCES}`);
    const markers = await page.locator('section[data-map] path.leaflet-interactive').count();
    assert(markers === PROVINCES, `${markers} markers drawn, expected ${PROVINCES}`);
    const status = await page.locator('[data-map-status]').innerText();
    assert(status.includes(`${PROVINCES} rows`), `the map's text alternative: ${status}`);
    await runAxe(page);
    await screenshots(page, 'table-map-shown');
  });
  await check('tables: a workbook\'s sheets are tabs', async () => {
    await page.goto(workbook);
    const tabs = await page.locator('nav.sheet-tabs a').allInnerTexts();
    assert(tabs.length >= 2, `sheet tabs: ${tabs.join(', ')}`);
    await Promise.all([page.waitForURL(/sheet=/), page.locator('nav.sheet-tabs a').nth(1).click()]);
    const current = await page.locator('nav.sheet-tabs a[aria-current="page"]').innerText();
    assert(current === tabs[1], `current tab ${current}, expected ${tabs[1]}`);
    await runAxe(page);
  });
}
