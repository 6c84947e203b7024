// The review page end to end: the real `jobtag serve` (a debug build), Debian's
// Chromium driven by Playwright, a person's steps (fill, press Label, look,
// tab to a skill, toggle the explanation, make mistakes). Every request the
// page makes is recorded and must go to the server it came from.
//
//   cd tests/browser && npm ci && node --test --test-reporter=spec
//
// $JOBTAG_BIN names the binary (default: $CARGO_TARGET_DIR or target, /debug/jobtag).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, launchChromium } from './harness.mjs';
import * as posting from './posting.mjs';

let server;
let browser;
let page;
const requests = [];
const problems = []; // console errors (CSP violations among them) and page errors

before(async () => {
  // A small --max-body so the "too large" error is cheap to provoke.
  server = await startServer(['--max-body', '20000']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000); // a broken page fails in seconds, not in minutes
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.base}/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function label(title, description) {
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill(description);
  const answered = page.waitForResponse((r) => r.url().includes('/v1/label'));
  await page.getByRole('button', { name: 'Label' }).click();
  await answered;
  await page.waitForFunction(() => document.getElementById('label-button').textContent === 'Label');
}

test('the page has labelled fields and a Label button', async () => {
  assert.equal(await page.title(), 'jobtag: review a posting');
  await page.getByLabel('Title').waitFor();
  await page.getByLabel('Description').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Label' }).count(), 1);
  await page.waitForFunction(() => !document.getElementById('model-info').textContent.includes('loading'));
  assert.match(await page.locator('#model-info').textContent(), /^Model: \S+, trained \d{4}-\d\d-\d\d/);
});

test('a posting gets its role, seniority, classes and marked skills', async () => {
  await label(posting.title, posting.description);
  assert.equal(await page.locator('#role-label').textContent(), 'data-engineer');
  assert.equal(await page.locator('#seniority-label').textContent(), 'senior');
  assert.match(await page.locator('#role-confidence').textContent(), /^\d+(\.\d)?%$/);
  // A bar per class: the five most likely, the chosen one first.
  for (const kind of ['role', 'seniority']) {
    const classes = page.locator(`#${kind}-classes li`);
    assert.equal(await classes.count(), 5, kind);
    assert.equal(await classes.first().locator('.name').textContent(), await page.locator(`#${kind}-label`).textContent());
    assert.equal(await classes.locator('.bar').count(), 5, kind);
  }
  assert.match(await page.locator('#status').textContent(), /^Labelled: role data-engineer \(\d+%\), seniority senior/);

  // Skills are <mark>s over exactly the text the API's byte offsets point at
  // ("Zürich", "Ωmega" and "·" come first, so bytes and indices differ).
  const marks = page.locator('#text-description mark.skill');
  const texts = await marks.allTextContents();
  assert.ok(texts.length >= 3, `only ${texts.length} marks`);
  for (const name of ['Python', 'SQL', 'Kafka', 'Terraform', 'PostgreSQL']) {
    assert.ok(texts.includes(name), `${name} not marked in ${JSON.stringify(texts)}`);
  }
  const levels = await marks.evaluateAll((ms) => ms.map((m) => m.classList[1]));
  for (const level of ['required', 'preferred', 'mentioned']) {
    assert.ok(levels.includes(level), `no ${level} mark: ${levels}`);
  }
  // The tags of the HTML description are not shown.
  assert.doesNotMatch(await page.locator('#text-description').textContent(), /<\/?(p|li|ul|h3)>/);
});

test('a skill shows its details on keyboard focus, tied by aria-describedby', async () => {
  // Tab from the explanation toggle: the next stops are the marks.
  await page.locator('#explain').focus();
  await page.keyboard.press('Tab');
  const focused = page.locator('mark.skill:focus');
  assert.equal(await focused.count(), 1, 'Tab did not reach a skill');
  const tipId = await focused.getAttribute('aria-describedby');
  const tip = page.locator(`[id="${tipId}"]`);
  assert.equal(await tip.getAttribute('role'), 'tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  for (const part of ['Category:', 'Asked here:', 'Years:', 'Id:']) assert.ok(text.includes(part), text);
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'hidden' });

  // Hover works too: Python asks for 5+ years.
  const python = page.locator('#text-description mark.skill', { hasText: /^Python$/ });
  await python.hover();
  const pythonTip = page.locator(`[id="${await python.getAttribute('aria-describedby')}"]`);
  await pythonTip.waitFor({ state: 'visible' });
  assert.match(await pythonTip.textContent(), /Years: 5\+/);
  // Its ESCO and O*NET ids (the shipped catalog links Python to both).
  assert.match(await pythonTip.textContent(), /ESCO: http:\/\/data\.europa\.eu\/esco\/skill\/ccd0a1d9-afda-43d9-b901-96344886e14d/);
  assert.match(await pythonTip.textContent(), /O\*NET: Python \(43232405\)/);
  await page.mouse.move(0, 0);
  await pythonTip.waitFor({ state: 'hidden' });
});

test('a skill the catalog lacks shows the ESCO skill its name was linked to', async () => {
  await label('Data Scientist', 'Requirements:\n- MS in computer sciences or biostatistics\n'
    + '- 3+ years of Python\n- Experience with statistical software and data analytic methods');
  const mark = page.locator('#text-description mark.skill', { hasText: /^statistical software$/ });
  await mark.hover();
  const tip = page.locator(`[id="${await mark.getAttribute('aria-describedby')}"]`);
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  assert.match(text, /Category: uncatalogued/);
  assert.match(text, /Id: u:statistical-software/);
  assert.match(text, /ESCO: http:\/\/data\.europa\.eu\/esco\/skill\/bb165899-d95f-4433-95f2-173fefd716d2 \(linked by name, similarity 0\.\d\d\)/);
  await page.mouse.move(0, 0);
  await tip.waitFor({ state: 'hidden' });
});

test('the explanation toggle marks the terms behind role and seniority', async () => {
  assert.equal(await page.locator('.posting-text .term').count(), 0);
  assert.ok(await page.locator('#role-terms').isHidden());
  await page.getByLabel('Show the terms behind role and seniority').check();
  assert.ok(await page.locator('.posting-text .term-role').count() > 0, 'no role term marked');
  assert.ok(await page.locator('.posting-text .term-seniority').count() > 0, 'no seniority term marked');
  assert.ok(await page.locator('#role-terms li').count() > 0);
  assert.ok(await page.locator('#seniority-terms').isVisible());
  // Skills stay marked under the terms.
  assert.ok(await page.locator('#text-description mark.skill').count() >= 3);
  await page.getByLabel('Show the terms behind role and seniority').uncheck();
  assert.equal(await page.locator('.posting-text .term').count(), 0);
});

test('characters outside the BMP do not shift the marks', async () => {
  await label('🚀 Backend Developer 🐍', 'Ünïcödé 🧪🧪 first: Python 🐍, then PostgreSQL — and Docker 🐳.');
  const texts = await page.locator('mark.skill').allTextContents();
  for (const name of ['Python', 'PostgreSQL', 'Docker']) {
    assert.ok(texts.includes(name), `${name} not marked exactly in ${JSON.stringify(texts)}`);
  }
});

/** What the API itself says about a posting it refuses: [status, code, message]. */
async function refusal(title, description) {
  const response = await fetch(`${server.base}/v1/label?explain=true`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, description }),
  });
  const { error } = await response.json();
  // The page drops the "$: " that names the whole posting.
  return [response.status, error.code, error.message.replace(/^\$: /, '')];
}

test("the API's error message is shown when a request fails", async () => {
  const error = page.getByRole('alert');
  for (const [title, description, expected] of [
    ['', '', 422],
    ['Data Engineer', 'Spark. '.repeat(4000), 413],
  ]) {
    const [status, code, message] = await refusal(title, description);
    assert.equal(status, expected);
    await label(title, description);
    await error.waitFor({ state: 'visible' });
    const shown = await error.textContent();
    assert.ok(shown.includes(`${status} (${code})`), shown);
    assert.ok(shown.includes(message), `${shown} lacks ${message}`);
    assert.ok(await page.locator('#output').isHidden());
  }

  // A good posting clears the error.
  await label(posting.title, posting.description);
  assert.ok(await error.isHidden());
  assert.equal(await page.locator('#role-label').textContent(), 'data-engineer');
});

test('nothing overflows sideways at desktop or phone width', async () => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow}px too wide at ${width}px`);
    // The result sits beside the form on a desktop, below it on a phone.
    const form = await page.locator('#posting-form').boundingBox();
    const result = await page.locator('#result').boundingBox();
    assert.equal(result.x > form.x, width > 600, `layout at ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('below the server\'s --min-confidence the page says uncertain and shows the best guess', async () => {
  const strict = await startServer(['--min-confidence', '1']);
  const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  other.setDefaultTimeout(10_000);
  try {
    await other.goto(`${strict.base}/`);
    await other.getByLabel('Title').fill(posting.title);
    await other.getByLabel('Description').fill(posting.description);
    const answered = other.waitForResponse((r) => r.url().includes('/v1/label'));
    await other.getByRole('button', { name: 'Label' }).click();
    await answered;
    await other.locator('#role-label').filter({ hasText: 'uncertain' }).waitFor();
    assert.equal(await other.locator('#role-label').textContent(), 'uncertain (best guess: data-engineer)');
    // The guess is the highlighted first class.
    assert.equal(await other.locator('#role-classes li.top .name').textContent(), 'data-engineer');
    assert.match(await other.locator('#status').textContent(), /^Labelled: role uncertain \(best guess: data-engineer\)/);
  } finally {
    await other.close();
    await strict.stop();
  }
});

test('served with --catalog-only, the page says so and marks no skill the catalog lacks', async () => {
  assert.doesNotMatch(await page.locator('#model-info').textContent(), /catalog only/);
  const fast = await startServer(['--catalog-only']);
  const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  other.setDefaultTimeout(10_000);
  try {
    await other.goto(`${fast.base}/`);
    await other.locator('#model-info').filter({ hasText: 'skills from the catalog only' }).waitFor();
    await other.getByLabel('Title').fill('Data Scientist');
    await other.getByLabel('Description').fill('Requirements:\n- 3+ years of Python\n'
      + '- Experience with statistical software and data analytic methods');
    const answered = other.waitForResponse((r) => r.url().includes('/v1/label'));
    await other.getByRole('button', { name: 'Label' }).click();
    await answered;
    await other.locator('#text-description mark.skill', { hasText: /^Python$/ }).waitFor();
    const marks = await other.locator('#text-description mark.skill').allTextContents();
    assert.ok(!marks.includes('statistical software'), marks.join(', '));
  } finally {
    await other.close();
    await fast.stop();
  }
});

test('every request went to the server, and nothing was refused by the policy', async () => {
  const origin = new URL(server.base).origin;
  assert.ok(requests.length >= 4, `${requests.length} requests`);
  const elsewhere = requests.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(elsewhere, []);
  assert.ok(requests.some((u) => u.endsWith('/v1/label?explain=true')));
  // The failed requests above log "Failed to load resource" (422, 413); anything else is a problem.
  const unexpected = problems.filter((p) => !/status of (413|422)/.test(p));
  assert.deepEqual(unexpected, []);
});
