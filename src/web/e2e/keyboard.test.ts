import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type SegmentFake, startSegmentFake } from '../../connectors/segment/index.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { visible } from './merchant-flow.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';

/** Presses Tab until the focused control's name (label, aria-label or text) matches; fails if it never does. */
async function tabTo(page: Page, name: RegExp, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const element = page.locator(':focus');
    if ((await element.count()) !== 1) continue;
    const id = await element.getAttribute('id');
    const labels = page.locator(`label[for="${id}"]`);
    const label = id && (await labels.count()) === 1 ? await labels.textContent() : null;
    // The accessible name's order: aria-label, then the label, then the text.
    const focused = (
      (await element.getAttribute('aria-label')) ??
      label ??
      (await element.textContent()) ??
      ''
    ).trim();
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describe('Dashboard with the keyboard alone', () => {
  let fake: SegmentFake;

  beforeAll(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const dashboard = useDashboard(() => ({ SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${fake.url}` }));

  it('the Segment flow, Tab and Enter only: the code editor never traps the focus', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Keyboard');
    await page.goto(await operator.portalLink(app.id));
    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));

    await tabTo(page, /^\+ Add Endpoint$/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Integrations/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Segment/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Write Key$/);
    await page.keyboard.type(WRITE_KEY);
    await tabTo(page, /^Transformation code$/);
    await tabTo(page, /^Run test$/);
    await page.keyboard.press('Enter');
    await visible(page.getByTestId('test-result'));
    await tabTo(page, /^Create$/);
    await page.keyboard.press('Enter');
    await visible(page.getByText('Endpoint created.'));

    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expect.poll(() => fake.received.length, { timeout: 30_000 }).toBe(1);
    expect(consoleErrors).toEqual([]);
  });
});
