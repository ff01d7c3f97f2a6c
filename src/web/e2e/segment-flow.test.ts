import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type SegmentFake, startSegmentFake } from '../../connectors/segment/index.ts';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { createEndpoint, expectLogRow, openSection, setUpCard, visible } from './merchant-flow.ts';

const WRITE_KEY = 'wk3kYq2ZpTf8RvLx9mB4nC7d';

describe('Dashboard, Segment: a new merchant follows the seed flow in Chromium', () => {
  let fake: SegmentFake;

  beforeAll(async () => {
    fake = await startSegmentFake({ writeKeys: [WRITE_KEY] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const dashboard = useDashboard(() => ({ SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${fake.url}` }));

  it('card → Write Key → template → test run → Create; then an event reaches Segment and shows delivered in Logs', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Analytics');
    await page.goto(await operator.portalLink(app.id));

    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'endpoints-empty');

    const body = await setUpCard(page, { name: 'Segment', credentials: { 'Write Key': WRITE_KEY } });
    expect(await page.getByRole('radio', { name: /Track payments/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'payment.succeeded' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Transformation code' }).textContent()).toContain(
      'https://api.segment.io/v1/track',
    );
    const result = (await page.getByTestId('test-result').textContent()) ?? '';
    expect(result).toContain('POST https://api.segment.io/v1/track');
    expect(result).toContain('Basic ••••');
    expect(result).not.toContain(WRITE_KEY);
    expect(body).toMatchObject({ event: 'Payment Completed', userId: expect.any(String) });
    await screenshot(page, 'add-endpoint-segment');

    await createEndpoint(page);
    await screenshot(page, 'endpoint-overview');

    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expect.poll(() => fake.received.length, { timeout: 30_000 }).toBe(1);
    expect(fake.received[0]!.message).toMatchObject({ event: 'Payment Completed', userId: body.userId });
    expect(fake.received[0]!.auth).toBe('basic');

    await expectLogRow(page, 'payment.succeeded', 'Delivered');
    await page.getByRole('row').filter({ hasText: 'payment.succeeded' }).getByRole('button').click();
    await visible(page.getByRole('heading', { name: /^Message msg_/ }));
    await visible(page.getByText('POST https://api.segment.io/v1/track'));
    await screenshot(page, 'logs');

    await openSection(page, 'Endpoints');
    await visible(page.getByRole('cell', { name: 'Enabled' }));
    await screenshot(page, 'endpoints');

    expect(consoleErrors).toEqual([]);
  });
});
