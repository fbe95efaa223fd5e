// Browser tests of the data inventory pages (crates/portal/src/pages/inventory*), called by
// run.mjs.
//
// On the demo's inventory (`dulieu serve --demo`: the Annex C rows as published items and the
// six national databases, three of them overdue): the national list gets axe-core, screenshots
// and the language switch in both languages; the "overdue only" filter (the GET form) leaves
// only overdue items, each saying so in words; the first of them opens; its "request this data"
// button opens the request form filled in with the item's title, its organization and the item
// itself (hidden); the organization's inventory shows the publication plan as an SVG timeline
// (an image with a title, today's line, the overdue item ringed) with the same facts in a table,
// and at 360 px only the chart's region scrolls sideways; the prioritisation page shows its
// matrix. Each page type gets axe-core in both languages.

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Runs the inventory checks. `ctx` holds what run.mjs provides: page, check, runAxe,
// checkPageType, log.
export async function inventoryFlow(ctx) {
  const { page, check, runAxe, checkPageType, log } = ctx;
  const found = {};

  await checkPageType(page, 'inventory', '/inventory');
  await check('inventory: the list shows the demo inventory with its exports and template', async () => {
    await page.goto('/inventory');
    const rows = await page.locator('table.inventory-table tbody tr').count();
    assert(rows >= 10, `only ${rows} items listed`);
    for (const href of ['/api/1/inventory/export.csv?lang=vi', '/api/1/inventory/export.xlsx?lang=vi', '/api/1/inventory/template.xlsx?lang=vi']) {
      assert((await page.locator(`a[href="${href}"]`).count()) === 1, `no link to ${href}`);
    }
    const nav = page.locator('.site-header nav a[href="/inventory"]');
    assert((await nav.count()) === 1, 'no "Kiểm kê dữ liệu" in the navigation');
  });
  await check('inventory: "overdue only" leaves the overdue items, each marked in words', async () => {
    await page.goto('/inventory');
    await page.locator('#f-overdue').check();
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('overdue') === '1'),
      page.locator('form.inventory-filters button[type=submit]').click(),
    ]);
    const rows = page.locator('table.inventory-table tbody tr');
    const count = await rows.count();
    assert(count >= 1, 'no overdue item in the demo');
    const marked = await page.locator('table.inventory-table tbody tr.late .badge-late').count();
    assert(marked === count, `${count} rows, ${marked} marked overdue`);
    const texts = await page.locator('table.inventory-table tbody .badge-late').allInnerTexts();
    assert(texts.every((t) => t.trim() === 'Quá hạn'), `badges: ${texts.join(' | ')}`);
    assert(await page.locator('#f-overdue').isChecked(), 'the box is not ticked after filtering');
    const csv = await page.locator('a', { hasText: 'Tải về (CSV)' }).getAttribute('href');
    assert(csv.includes('overdue=1'), `the CSV link drops the filter: ${csv}`);
    log(`      ${count} overdue items`);
    await runAxe(page);
  });
  await check('inventory: an overdue item opens with its fields and the request button', async () => {
    const link = page.locator('table.inventory-table tbody tr.late th a').first();
    found.title = (await link.innerText()).trim();
    await Promise.all([page.waitForURL(/\/inventory\/[0-9a-f-]{36}$/), link.click()]);
    found.itemPath = new URL(page.url()).pathname;
    found.id = found.itemPath.split('/').pop();
    const h1 = (await page.locator('h1').innerText()).trim();
    assert(h1 === found.title, `the page is "${h1}", the link said "${found.title}"`);
    const details = await page.locator('dl.details').innerText();
    for (const label of ['Mức độ nhạy cảm', 'Hệ thống nguồn', 'Mức ưu tiên', 'Ngày dự kiến công bố']) {
      assert(details.includes(label), `no ${label} in the details: ${details}`);
    }
    assert((await page.locator('.inventory-standing .badge-late').count()) === 1, 'not marked overdue');
    found.orgHref = await page.locator('.meta a[href^="/organization/"][href$="/inventory"]').first().getAttribute('href');
    await runAxe(page);
  });
  if (found.itemPath) await checkPageType(page, 'inventory-item', found.itemPath);
  await check('inventory: "request this data" opens the request form filled in for the item', async () => {
    await page.goto(found.itemPath);
    const button = page.getByRole('link', { name: 'Yêu cầu dữ liệu này' }).first();
    await Promise.all([page.waitForURL(/\/requests\/new\?inventory_item=/), button.click()]);
    const title = await page.locator('#f-title').inputValue();
    assert(title === found.title, `the title is "${title}", expected "${found.title}"`);
    const hidden = await page.locator('input[type=hidden][name=inventory_item]').getAttribute('value');
    assert(hidden === found.id, `the hidden item is ${hidden}, expected ${found.id}`);
    const organization = await page.locator('#f-suggested_organization').inputValue();
    const slug = found.orgHref.split('/')[2];
    assert(organization === slug, `the organization is "${organization}", expected "${slug}"`);
    await runAxe(page);
  });
  await check('inventory: the organization\'s plan is a timeline with a text alternative', async () => {
    await page.goto(found.orgHref);
    const svg = page.locator('svg.inventory-timeline[role=img]');
    assert((await svg.count()) === 1, 'no timeline image');
    const name = await svg.locator('title').textContent();
    assert(name && name.trim().length > 0, 'the timeline has no title');
    const labelledBy = await svg.getAttribute('aria-labelledby');
    assert(labelledBy === 'plan-timeline-title plan-timeline-desc', `aria-labelledby="${labelledBy}"`);
    assert((await svg.locator('text', { hasText: 'Hôm nay' }).count()) === 1, 'no today label');
    assert((await svg.locator('circle[r="9"]').count()) >= 1, 'the overdue item is not ringed');
    const row = page.locator('table.plan-table tbody tr.late', { hasText: found.title });
    assert((await row.count()) === 1, `the overdue item is not in the table as overdue`);
    const cards = await page.locator('.inventory-timeliness').innerText();
    assert(cards.includes('Quá hạn, chưa công bố'), `no timeliness figures: ${cards}`);
    await runAxe(page);
  });
  if (found.orgHref) await checkPageType(page, 'inventory-plan', found.orgHref);
  await check('inventory: at 360 px only the timeline\'s region scrolls sideways', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.goto(found.orgHref);
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        view: document.documentElement.clientWidth,
      }));
      assert(widths.page <= widths.view + 1, `the page scrolls sideways: ${JSON.stringify(widths)}`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
  await checkPageType(page, 'inventory-priorities', '/inventory/priorities');
  await check('inventory: the priorities page places items on the value/effort matrix', async () => {
    await page.goto('/en/inventory/priorities');
    const quadrants = await page.locator('.quadrants > section.quadrant').count();
    assert(quadrants === 4, `${quadrants} quadrants, expected 4`);
    assert((await page.locator('section.quadrant-unassessed').count()) === 1, 'no "effort not assessed" group');
    const ranked = await page.locator('table.inventory-table tbody tr').count();
    const listed = await page.locator('section.quadrant li').count();
    assert(ranked === listed, `${ranked} ranked items, ${listed} in the matrix`);
    await runAxe(page);
  });
}
