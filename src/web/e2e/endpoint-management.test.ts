import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { startTestReceiver, type TestReceiver } from '../../delivery/test-receiver.ts';
import type { TestServer } from '../../server/testing.ts';
import { type BrowserSession, launchBrowser, screenshot } from './browser.ts';
import { operatorApi, startDashboardServer } from './dashboard-harness.ts';
import { expectLogRow, openSection, visible } from './merchant-flow.ts';

const answer = (status: number) => (_request: unknown, response: import('node:http').ServerResponse) =>
  response
    .writeHead(status, { 'content-type': 'text/plain' })
    .end(status === 200 ? 'ok' : 'down for maintenance');

describe('Dashboard: a plain URL endpoint, its failures, recovery from Logs, disabling, and the portal boundary', () => {
  let receiver: TestReceiver;
  let server: TestServer;
  let browser: BrowserSession;
  let page: Page;
  let consoleErrors: string[];
  let operator: ReturnType<typeof operatorApi>;
  let app: { id: string };
  let otherApp: { id: string };

  beforeAll(async () => {
    receiver = await startTestReceiver();
    server = await startDashboardServer();
    browser = await launchBrowser();
    ({ page, consoleErrors } = await browser.newPage());
    operator = operatorApi(server);
    app = await operator.createApp('Acme Store');
    otherApp = await operator.createApp('Another Merchant');
    await operator.call('POST', `/api/v1/app/${otherApp.id}/endpoint`, {
      url: 'https://other.example/secret-hook',
    });
    await page.goto(await operator.portalLink(app.id));
    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  it('shows the API’s reason next to the URL field, then creates the endpoint for a whole event group', async () => {
    await page.getByRole('link', { name: '+ Add Endpoint' }).first().click();
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('checkbox', { name: 'payment (all 4)' }).check();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await visible(page.locator('#endpoint-url-error'));
    expect(await page.locator('#endpoint-url-error').textContent()).toBe(
      'must be an absolute http:// or https:// URL',
    );
    expect(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await visible(page.getByText('Endpoint created.'));
    expect(
      await page
        .getByText('payment.cancelled, payment.failed, payment.processing, payment.succeeded')
        .count(),
    ).toBe(1);
  });

  it('a failing delivery shows as failed in Logs, and Recover from the Logs page sends it again', async () => {
    receiver.respondWith(answer(500));
    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expectLogRow(page, 'payment.succeeded', 'Failed');
    await page.getByRole('row').filter({ hasText: 'payment.succeeded' }).getByRole('button').click();
    await visible(
      page.getByText('down for maintenance', { exact: false }).or(page.getByText('Response body')),
    );

    receiver.respondWith(answer(200));
    const before = receiver.received.length;
    await page.getByRole('radio', { name: /Recover failed messages/ }).check();
    await page.getByLabel('Messages from the last').selectOption({ label: '1 day' });
    await page.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => page.getByTestId('replay-progress').textContent(), { timeout: 30_000 })
      .toContain('Finished: 1 message queued');
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBeGreaterThan(before);
    await expectLogRow(page, 'payment.succeeded', 'Delivered');
    await screenshot(page, 'logs-recovered');

    await page.getByRole('button', { name: 'Attempts', exact: true }).click();
    const attempts = page.getByRole('table', { name: 'Attempts' });
    await visible(attempts);
    const rows = attempts.getByRole('row');
    await expect.poll(() => rows.filter({ hasText: '500' }).count()).toBeGreaterThanOrEqual(2);
    expect(await rows.filter({ hasText: '200' }).filter({ hasText: 'Delivered' }).count()).toBe(1);
    await screenshot(page, 'logs-attempts');
    await page.getByRole('button', { name: 'Messages', exact: true }).click();

    const hourAgo = new Date(Date.now() - 3_600_000);
    const local = (n: number) => String(n).padStart(2, '0');
    await page.getByRole('radio', { name: /Replay missing messages/ }).check();
    await page.getByLabel('Messages from the last').selectOption({ label: 'Since a date and time…' });
    await page
      .getByLabel('Since', { exact: true })
      .fill(
        `${hourAgo.getFullYear()}-${local(hourAgo.getMonth() + 1)}-${local(hourAgo.getDate())}T${local(hourAgo.getHours())}:${local(hourAgo.getMinutes())}`,
      );
    await page.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => page.getByTestId('replay-progress').textContent(), { timeout: 30_000 })
      .toContain('Finished: 0 messages queued');
  });

  it('a disabled endpoint shows as disabled and gets nothing', async () => {
    await openSection(page, 'Endpoints');
    await page.getByRole('link', { name: new RegExp(receiver.url) }).click();
    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Endpoint disabled' }));
    await visible(page.locator('.badge-disabled'));

    const before = receiver.received.length;
    await operator.sendMessage(app.id, 'payment.failed', findEventType('payment.failed')!.example);
    await openSection(page, 'Endpoints');
    await visible(page.getByRole('cell', { name: 'Disabled' }));
    await screenshot(page, 'endpoint-disabled');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received.length).toBe(before);
  });

  it('Activity charts the successes and failures over time, and each endpoint’s day', async () => {
    await openSection(page, 'Activity');
    const chart = page.getByRole('img', { name: /attempts succeeded/ });
    await visible(chart);
    const [, succeeded, failed] =
      /(\d+) attempts succeeded and (\d+) failed/.exec((await chart.getAttribute('aria-label')) ?? '') ?? [];
    expect(Number(succeeded)).toBeGreaterThanOrEqual(1);
    expect(Number(failed)).toBeGreaterThanOrEqual(1);
    const row = page.getByRole('table', { name: 'Last 24 hours by endpoint' }).getByRole('row').nth(1);
    expect(await row.textContent()).toContain('Disabled');
    await page.getByLabel('Period').selectOption({ label: 'Last 6 hours, by 5 minutes' });
    await expect.poll(() => page.url()).toContain('period=6h');
    await visible(page.getByRole('img', { name: /over 7[23] buckets/ }));
    await screenshot(page, 'activity');
  });

  it('an app-portal link cannot reach another application, in the pages or through the API', async () => {
    await page.goto(new URL(`/app/${otherApp.id}/endpoints`, server.url).toString());
    await visible(page.getByRole('heading', { name: 'Application not found' }));
    expect(await page.content()).not.toContain('secret-hook');
    await screenshot(page, 'portal-other-app');

    const status = await page.evaluate(async (otherId) => {
      const { token } = JSON.parse(sessionStorage.getItem('switchyard.session') ?? '{}') as { token: string };
      const response = await fetch(`/api/v1/app/${otherId}/endpoint`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return response.status;
    }, otherApp.id);
    expect(status).toBe(404);
    expect(consoleErrors).toEqual([]);
  });

  it('deleting the endpoint, after a confirmation, leaves the empty list', async () => {
    await page.goto(new URL(`/app/${app.id}/endpoints`, server.url).toString());
    await page.getByRole('link', { name: new RegExp(receiver.url) }).click();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));
    expect(consoleErrors).toEqual([]);
  });
});
