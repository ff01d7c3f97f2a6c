import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type SegmentFake, startSegmentFake } from '../../connectors/segment/index.ts';
import { segmentManifest } from '../../connectors/segment/manifest.ts';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { visible } from './merchant-flow.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';

describe('Dashboard: endpoint detail (overview, testing, advanced with backtest)', () => {
  let fake: SegmentFake;

  beforeAll(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const dashboard = useDashboard(() => ({ SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${fake.url}` }));

  it('Overview reveals the signing secret and shows the day’s counts', async () => {
    const { server, page } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Detail');
    await operator.call('POST', `/api/v1/app/${app.id}/endpoint`, {
      connector: { id: 'segment', template: 'track-payment', credentials: { writeKey: WRITE_KEY } },
    });
    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expect.poll(() => fake.received.length, { timeout: 30_000 }).toBe(1);
    await page.goto(await operator.portalLink(app.id));
    await page.getByRole('link', { name: /Segment/ }).click();

    await page.getByRole('button', { name: 'Reveal' }).click();
    await visible(page.getByTestId('signing-secret'));
    expect(await page.getByTestId('signing-secret').textContent()).toMatch(/^whsec_/);
    expect(await page.locator('.stats').textContent()).toContain('1 delivered');
    expect(await page.locator('.facts').textContent()).toContain('••••');
    expect(await page.content()).not.toContain(WRITE_KEY);
  });

  it('Overview edits the description and events, and replaces the credentials with the API’s reason shown', async () => {
    const { page } = dashboard;
    await page.getByLabel('Description').fill('Analytics for the growth team');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved.' }));
    await visible(page.getByText('Analytics for the growth team').first());

    await page.getByLabel('Write Key').fill('short');
    await page.getByRole('button', { name: 'Replace credentials' }).click();
    await visible(page.locator('#credential-writeKey-error'));
    expect(await page.locator('#credential-writeKey-error').textContent()).toContain(
      'does not look like a Write Key',
    );
    await page.getByLabel('Write Key').fill(WRITE_KEY);
    await page.getByRole('button', { name: 'Replace credentials' }).click();
    await visible(page.getByText('Credentials replaced'));
  });

  it('Testing sends a signed example to this endpoint only and shows how it went', async () => {
    const { page } = dashboard;
    await page.getByRole('link', { name: 'Testing' }).click();
    await page.getByLabel('Event type').selectOption('payment.succeeded');
    await page.getByRole('button', { name: 'Send example' }).click();
    await visible(page.getByRole('heading', { name: 'Last example sent' }));
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page
            .locator('.last-example .badge')
            .textContent({ timeout: 500 })
            .catch(() => '');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('Delivered');
    expect(fake.received.length).toBe(2);
    await screenshot(page, 'endpoint-testing');
  });

  it('Advanced: a draft is backtested on recent events with its diff, saved, and the rate limit shows the API’s reason', async () => {
    const { page, consoleErrors } = dashboard;
    await page.getByRole('link', { name: 'Advanced' }).click();
    const editor = page.getByRole('textbox', { name: 'Transformation code' });
    await visible(editor);
    expect(await page.getByRole('checkbox', { name: 'Enabled' }).isChecked()).toBe(true);
    const template = segmentManifest.templates.find((t) => t.id === 'track-payment')!.code;
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(template.replace('"Payment Completed"', '"Order Paid"'));

    await page.getByRole('button', { name: 'Backtest on recent events' }).click();
    const results = page.getByTestId('backtest-results');
    await visible(results);
    expect(await results.getByRole('status').textContent()).toBe(
      '2 of the last 2 messages would be sent differently.',
    );
    expect(await results.locator('.diff-removed').first().textContent()).toContain(
      '"event": "Payment Completed"',
    );
    expect(await results.locator('.diff-added').first().textContent()).toContain('"event": "Order Paid"');
    await screenshot(page, 'endpoint-advanced-backtest');

    await page.getByRole('button', { name: 'Save code' }).click();
    await visible(page.getByText('Saved: the next attempts use this code'));

    await page.getByLabel('Messages per second').fill('0');
    await page.getByRole('button', { name: 'Save rate limit' }).click();
    await visible(page.locator('#rate-limit-error'));
    expect(await page.locator('#rate-limit-error').textContent()).toMatch(/1/);
    await page.getByLabel('Messages per second').fill('25');
    await page.getByRole('button', { name: 'Save rate limit' }).click();
    await visible(page.getByText('At most 25 messages per second.'));

    await page.getByLabel('Header name').fill('webhook-id');
    await page.getByLabel('Value', { exact: true }).fill('x');
    await page.getByRole('button', { name: 'Add header' }).click();
    await visible(page.locator('#headers-error'));
    expect(await page.locator('#headers-error').textContent()).toContain('set by Switchyard');
    await page.getByLabel('Header name').fill('X-Team');
    await page.getByLabel('Value', { exact: true }).fill('growth');
    await page.getByRole('button', { name: 'Add header' }).click();
    await visible(page.getByRole('cell', { name: 'growth' }));
    await page.getByRole('button', { name: 'Remove X-Team' }).click();
    await visible(page.getByText('No custom headers. Add one below.'));

    expect(consoleErrors).toEqual([]);
  });
});
