// Writes the README's pictures of the review page, on the posting in
// posting.mjs: docs/review-page.png (1280x800) and docs/review-page-phone.png
// (390x844). Run after a debug build:
//
//   cd tests/browser && npm ci && node screenshots.mjs
import path from 'node:path';

import { repo, startServer, launchChromium } from './harness.mjs';
import * as posting from './posting.mjs';

const server = await startServer();
const browser = await launchChromium();
try {
  for (const shot of [
    { file: 'review-page.png', width: 1280, height: 800, scale: 1 },
    { file: 'review-page-phone.png', width: 390, height: 844, scale: 2 },
  ]) {
    const page = await browser.newPage({
      viewport: { width: shot.width, height: shot.height },
      deviceScaleFactor: shot.scale,
    });
    await page.goto(`${server.base}/`);
    await page.getByLabel('Title').fill(posting.title);
    await page.getByLabel('Description').fill(posting.description);
    await page.getByRole('button', { name: 'Label' }).click();
    await page.locator('#status', { hasText: 'Labelled' }).waitFor();
    await page.getByLabel('Description').evaluate((e) => { e.scrollTop = 0; });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400); // the bars' transition
    if (shot.width < 600) {
      // On a phone the result is below the form: show its top.
      await page.locator('#result').evaluate((e) => window.scrollTo(0, e.offsetTop - 8));
    } else {
      // A skill's details, as a keyboard user sees them.
      await page.locator('#text-description mark.skill', { hasText: /^Python$/ }).focus();
    }
    await page.screenshot({ path: path.join(repo, 'docs', shot.file) });
    await page.close();
    console.log(`wrote docs/${shot.file}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
