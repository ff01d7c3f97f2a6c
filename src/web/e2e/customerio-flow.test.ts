import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type CustomerioFake, startCustomerioFake } from '../../connectors/customerio/index.ts';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { createEndpoint, expectLogRow, setUpCard, visible } from './merchant-flow.ts';

const SITE_ID = 'site4f2a9c';
const API_KEY = 'ak9d8e7f6a5b4c3d2e1f0a9b';

/** Throws on its third line, the way a typo in a field name does. */
const THROWING_CODE = `function handler(webhook) {
  const p = webhook.payload.data;
  const id = p.costumer.customer_id;
  return webhook;
}`;

describe('Dashboard, Customer.io: a new merchant follows the seed flow in Chromium', () => {
  let fake: CustomerioFake;

  beforeAll(async () => {
    fake = await startCustomerioFake({ sites: [{ siteId: SITE_ID, apiKey: API_KEY }] });
  });
  afterAll(async () => {
    await fake?.close();
  });
  const dashboard = useDashboard(() => ({
    SWITCHYARD_DESTINATION_OVERRIDES: `track.customer.io=${fake.url}`,
  }));

  it('card → Site ID and API Key → test run (an error marked on its line, then fixed) → Create; then an event reaches Customer.io', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Email');
    await page.goto(await operator.portalLink(app.id));
    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));

    const body = await setUpCard(page, {
      name: 'Customer.io',
      credentials: { 'Site ID': SITE_ID, 'API Key': API_KEY },
    });
    expect(body).toMatchObject({ type: 'person', action: 'event', name: 'Payment Completed' });
    const result = (await page.getByTestId('test-result').textContent()) ?? '';
    expect(result).toContain('POST https://track.customer.io/api/v2/entity');
    expect(result).toContain('Basic ••••');
    expect(result).not.toContain(API_KEY);

    const editor = page.getByRole('textbox', { name: 'Transformation code' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(THROWING_CODE);
    await page.getByRole('button', { name: 'Run test' }).click();
    await visible(page.locator('.run-error'));
    expect(await page.locator('.run-error').textContent()).toMatch(
      /on line 3, column \d+: TypeError: .*'customer_id'/,
    );
    await visible(page.locator('.cm-run-error-line[data-error-line="3"]'));
    await screenshot(page, 'test-panel-error');

    await editor.click();
    await page.keyboard.press('ControlOrMeta+z');
    expect(await editor.textContent()).toContain('Payment Completed');
    await page.getByRole('button', { name: 'Run test' }).click();
    await expect.poll(() => page.locator('.run-error').count()).toBe(0);
    await screenshot(page, 'add-endpoint-customerio');

    await createEndpoint(page);
    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expect.poll(() => fake.operations.length, { timeout: 30_000 }).toBe(1);
    expect(fake.operations[0]).toMatchObject({
      siteId: SITE_ID,
      endpoint: 'v2/entity',
      operation: {
        type: 'person',
        action: 'event',
        name: 'Payment Completed',
        identifiers: body.identifiers,
      },
    });
    await expectLogRow(page, 'payment.succeeded', 'Delivered');

    expect(consoleErrors).toEqual([]);
  });
});
