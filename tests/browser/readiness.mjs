// Browser tests of the readiness pages (crates/portal/src/pages/readiness*), called by run.mjs.
//
// As a visitor: the readiness list, the ODRA 2019 report (the summary table of the report:
// 8 dimensions, their ratings and places on the Low…High scale) and the ODRA action plan with its
// Gantt chart (SVG with a title, today's mark, late items) — each page type with axe-core and
// screenshots in both languages, and the language switch. Then a portal team (`odtf`) member,
// made with `dulieu admin create-user` and `dulieu admin grant-odtf`, signs in through the form,
// marks the first action item done with a note and sees it done in the table and the chart,
// starts a re-assessment, changes one rating and sees exactly that change in the comparison,
// starts an action plan, adds two items (one the other's prerequisite), removes one and
// publishes the plan; the team's forms get axe-core and screenshots too. The OD4B 2019 report
// is checked like the ODRA's.

import { execFileSync } from 'node:child_process';

const ODRA = '/readiness/assessments/viet-nam-2019-odra';
const ODRA_PLAN = '/readiness/plans/viet-nam-2019-odra-action-plan';
const TEAM_EMAIL = 'odtf-browser@example.vn';
const TEAM_PASSWORD = 'a long portal team password';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Runs the readiness checks. `ctx` holds what run.mjs provides: page, dataDir, dulieuBin,
// check, runAxe, screenshots, checkPageType, log.
export async function readinessFlow(ctx) {
  const { page, dataDir, dulieuBin, check, runAxe, checkPageType, log } = ctx;

  await checkPageType(page, 'readiness', '/readiness');
  await check('readiness: the ODRA 2019 report has the summary table of the report', async () => {
    await page.goto(`/en${ODRA}`);
    const rows = await page.locator('table.summary tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll('td.scale-cell')];
        return {
          name: tr.querySelector('th').innerText.trim(),
          rating: tr.querySelector('.rating').innerText.trim(),
          column: cells.findIndex((c) => c.innerText.includes('●')) + 1,
        };
      }),
    );
    const want = [
      ['1. Senior Leadership', 'Yellow', 3],
      ['2. Policy/Legal Framework', 'Yellow/Red', 2],
      ['3. Institutional Structures, Responsibilities and Capabilities within Government', 'Yellow', 3],
      ['4. Government Data Management Policies, Procedures and Data Availability', 'Yellow', 3],
      ['5. Demand for Open Data', 'Yellow', 3],
      ['6. Civic Engagement and Capabilities for Open Data', 'Yellow/Green', 4],
      ['7. Funding an Open Data Program', 'Yellow/Green', 4],
      ['8. National Technology and Skills Infrastructure', 'Green', 5],
    ];
    const got = rows.map((r) => [r.name, r.rating, r.column]);
    assert(JSON.stringify(got) === JSON.stringify(want), `summary rows: ${JSON.stringify(got)}`);
    const questions = await page.locator('section.question').count();
    assert(questions === 43, `${questions} questions, expected 43`);
  });
  await checkPageType(page, 'assessment', ODRA);
  await check('readiness: the OD4B 2019 report shows its 11 questions and 40 findings', async () => {
    await page.goto('/en/readiness/assessments/viet-nam-2019-od4b');
    const questions = await page.locator('section.question').count();
    assert(questions === 11, `${questions} questions, expected 11`);
    const findings = await page.locator('li.evidence').count();
    assert(findings === 40, `${findings} findings, expected 40`);
  });
  await check('readiness: the action plan shows its Gantt chart with a title and late items', async () => {
    await page.goto(`/en${ODRA_PLAN}`);
    const svg = page.locator('svg.gantt');
    assert((await svg.count()) === 1, 'no Gantt chart');
    const title = await svg.locator('title#gantt-title').textContent();
    assert(title === 'Open data action plan (ODRA 2019)', `chart title: ${title}`);
    const today = await svg.locator('.gantt-today').count();
    assert(today === 1, 'no mark for today');
    const bars = await svg.locator('g.gantt-item').count();
    assert(bars === 32, `${bars} bars, expected 32`);
    const rows = await page.locator('table.plan-table tbody tr').count();
    assert(rows === 32, `${rows} rows in the text alternative, expected 32`);
  });
  await checkPageType(page, 'action-plan', ODRA_PLAN);

  await check('readiness: a portal team member is made with the CLI', async () => {
    execFileSync(dulieuBin, ['admin', 'create-user', '--data-dir', dataDir, '--email', TEAM_EMAIL, '--password-stdin'], {
      input: `${TEAM_PASSWORD}\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    execFileSync(dulieuBin, ['admin', 'grant-odtf', '--data-dir', dataDir, '--email', TEAM_EMAIL], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });
  await check('readiness: the team member signs in and marks an action item done', async () => {
    await page.goto(`/en/sign-in?next=${encodeURIComponent(`/en${ODRA_PLAN}`)}`);
    await page.getByLabel('E-mail', { exact: true }).fill(TEAM_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(TEAM_PASSWORD);
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === `/en${ODRA_PLAN}`), page.getByRole('button', { name: 'Sign in' }).click()]);
    const first = page.locator('table.plan-table tbody tr').first();
    const id = await first.getAttribute('id');
    assert(id && id.startsWith('item-'), `first row id: ${id}`);
    assert((await first.getAttribute('class')) === 'late', 'the first item is not shown late before');
    await Promise.all([page.waitForURL(/\/items\//), first.getByRole('link', { name: /^Update progress/ }).click()]);
    ctx.itemPath = new URL(page.url()).pathname;
    await page.getByLabel('Status', { exact: true }).selectOption('done');
    await page.getByLabel('Note', { exact: true }).fill('Announced by the Prime Minister (browser test).');
    await Promise.all([page.waitForURL((u) => new URL(u).pathname === `/en${ODRA_PLAN}`), page.getByRole('button', { name: 'Save' }).click()]);
    const row = page.locator(`tr#${id}`);
    const status = (await row.locator('.status').innerText()).trim();
    assert(status === 'Done', `status shown: ${status}`);
    assert((await row.getAttribute('class')) !== 'late', 'still marked late');
    const tooltip = await page.locator('svg.gantt g.gantt-item title').first().textContent();
    assert(tooltip.endsWith('— Done'), `the chart: ${tooltip}`);
    assert((await page.getByText('Announced by the Prime Minister (browser test).').count()) === 1, 'the note is not shown');
    log(`      ${id} done`);
  });
  if (ctx.itemPath) await checkPageType(page, 'action-item-form', ctx.itemPath.replace(/^\/en/, ''));

  await check('readiness: a re-assessment with one changed rating shows exactly that change', async () => {
    await page.goto(`/en${ODRA}/copy`);
    await page.getByLabel('Title (Vietnamese)', { exact: true }).fill('ODRA Việt Nam 2026 (thử nghiệm trình duyệt)');
    await page.getByLabel('Title (English)', { exact: true }).fill('Vietnam ODRA 2026 (browser test)');
    await page.getByLabel('Short name in links', { exact: true }).fill('browser-odra-2026');
    await Promise.all([page.waitForURL(/browser-odra-2026/), page.getByRole('button', { name: 'Start a re-assessment' }).click()]);
    await page.goto('/en/readiness/assessments/browser-odra-2026/questions/2.1');
    await page.getByLabel('Rating', { exact: true }).selectOption('yellow');
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Save' }).click()]);
    await page.goto('/en/readiness/assessments/browser-odra-2026/compare');
    const summary = await page.locator('.summary-line').innerText();
    assert(summary.includes('1 ratings changed, 0 evidence items added, 0 removed'), `summary: ${summary}`);
    const changed = await page.locator('section.question.change h3').allInnerTexts();
    assert(changed.length === 1 && changed[0].startsWith('2.1 '), `changed questions: ${changed.join(' | ')}`);
  });
  await checkPageType(page, 'readiness-compare', '/readiness/assessments/browser-odra-2026/compare');
  await checkPageType(page, 'readiness-copy', `${ODRA}/copy`);
  await checkPageType(page, 'readiness-question', '/readiness/assessments/browser-odra-2026/questions/4.5');
  await checkPageType(page, 'readiness-dimension', '/readiness/assessments/browser-odra-2026/dimensions/4');
  await check('readiness: a rating outside the scale is refused next to its input (axe)', async () => {
    await page.goto('/en/readiness/assessments/browser-odra-2026/questions/4.5');
    await page.getByLabel('Link', { exact: true }).fill('not a link');
    await page.getByLabel('Finding', { exact: true }).fill('A finding');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add evidence' }).last().click()]);
    const link = page.getByLabel('Link', { exact: true });
    assert((await link.getAttribute('aria-invalid')) === 'true', 'the link is not marked invalid');
    await runAxe(page);
  });
  await check('readiness: the team starts an action plan, adds two items and removes one', async () => {
    await page.goto('/en/readiness');
    await Promise.all([page.waitForURL(/\/new-plan$/), page.getByRole('link', { name: 'Start an action plan' }).click()]);
    await page.getByLabel('Title (Vietnamese)', { exact: true }).fill('Kế hoạch thử nghiệm trình duyệt');
    await page.getByLabel('Title (English)', { exact: true }).fill('Browser test plan');
    await page.getByLabel('Short name in links', { exact: true }).fill('browser-plan');
    await page.getByLabel('Framework', { exact: true }).selectOption('odra');
    await page.getByLabel('Assessment', { exact: true }).selectOption('viet-nam-2019-odra');
    await page.getByLabel('First month of the plan', { exact: true }).fill('2027-03-01');
    await Promise.all([page.waitForURL(/\/plans\/browser-plan/), page.getByRole('button', { name: 'Start an action plan' }).click()]);
    const addItem = async (title, prerequisite) => {
      await Promise.all([page.waitForURL(/\/new-item$/), page.getByRole('link', { name: 'Add an item' }).click()]);
      await page.getByLabel('Dimension', { exact: true }).selectOption('4');
      await page.getByLabel('Action', { exact: true }).fill(title);
      await page.getByLabel('Responsible', { exact: true }).fill('ODTF, MIC');
      await page.getByLabel('First month', { exact: true }).fill('1');
      await page.getByLabel('Last month', { exact: true }).fill('3');
      if (prerequisite) await page.getByLabel(prerequisite, { exact: true }).check();
      await Promise.all([page.waitForURL(/\/plans\/browser-plan\?saved=1/), page.getByRole('button', { name: 'Add an item' }).click()]);
    };
    await addItem('Publish the data inventory');
    await addItem('Train the data managers', 'Publish the data inventory');
    let rows = await page.locator('table.plan-table tbody tr').count();
    assert(rows === 2, `${rows} items, expected 2`);
    const prerequisite = await page.locator('details.item-details').nth(1).locator('a[href^="#item-"]').textContent();
    assert(prerequisite === 'Publish the data inventory', `prerequisite: ${prerequisite}`);
    await Promise.all([page.waitForURL(/\/items\//), page.getByRole('link', { name: /^Update progress.*Publish the data inventory$/ }).click()]);
    await Promise.all([page.waitForURL(/removed=1/), page.getByRole('button', { name: /^Remove the item/ }).click()]);
    assert((await page.getByText('The item was removed.').count()) === 1, 'no notice of the removal');
    rows = await page.locator('table.plan-table tbody tr').count();
    assert(rows === 1, `${rows} items after the removal, expected 1`);
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Publish the plan' }).click()]);
    assert((await page.locator('.draft-note').count()) === 0, 'still a draft');
  });
  await checkPageType(page, 'readiness-new-plan', '/readiness/new-plan');
  await checkPageType(page, 'readiness-new-item', '/readiness/plans/browser-plan/new-item');
  await check('readiness: the team member signs out', async () => {
    await page.goto('/en/readiness');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign out' }).click()]);
  });
}
