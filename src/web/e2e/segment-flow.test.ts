import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type SegmentFake, startSegmentFake } from '../../connectors/segment/index.ts';
import type { TestServer } from '../../server/testing.ts';
import { type BrowserSession, launchBrowser, screenshot } from './browser.ts';
import { operatorApi, startDashboardServer } from './dashboard-harness.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';

describe('Dashboard, Segment: a new merchant follows the seed flow in Chromium', () => {
  let fake: SegmentFake;
  let server: TestServer;
  let browser: BrowserSession;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
    server = await startDashboardServer({ SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${fake.url}` });
    browser = await launchBrowser();
    ({ page, consoleErrors } = await browser.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('card → Write Key → template → test run → Create, then an event arrives at Segment and shows in Logs', async () => {
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Analytics');
    await page.goto(await operator.portalLink(app.id));

    await expect.poll(() => page.getByRole('heading', { name: 'No endpoints yet' }).isVisible()).toBe(true);
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'endpoints-empty');

    await page.getByRole('link', { name: '+ Add Endpoint' }).first().click();
    await page.getByRole('button', { name: 'Integrations' }).click();
    await page.getByRole('button', { name: /^Segment/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Segment' }).isVisible()).toBe(true);

    await page.getByLabel('Write Key').fill(WRITE_KEY);
    expect(await page.getByRole('radio', { name: /Track payments/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'payment.succeeded' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Transformation code' }).textContent()).toContain(
      'https://api.segment.io/v1/track',
    );

    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('POST https://api.segment.io/v1/track');
    expect(await result.textContent()).toContain('Basic ••••');
    expect(await result.textContent()).not.toContain(WRITE_KEY);
    const body = JSON.parse((await page.getByTestId('request-body').textContent()) ?? '{}');
    expect(body).toMatchObject({ event: 'Payment Completed', userId: expect.any(String) });
    await screenshot(page, 'add-endpoint-segment');

    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByText('Endpoint created.').isVisible()).toBe(true);
    await screenshot(page, 'endpoint-overview');

    const example = findEventType('payment.succeeded')!.example;
    await operator.sendMessage(app.id, 'payment.succeeded', example);
    await expect.poll(() => fake.received.length, { timeout: 15_000 }).toBe(1);
    expect(fake.received[0]!.message).toMatchObject({ event: 'Payment Completed' });

    expect(consoleErrors).toEqual([]);
  });
});
