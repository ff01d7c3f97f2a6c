import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../../catalog/index.ts';
import { type SlackFake, startSlackFake } from '../../connectors/slack/index.ts';
import { type FakeOAuthProvider, startFakeOAuthProvider } from '../../oauth/fake-oauth-provider.ts';
import type { TestServer } from '../../server/testing.ts';
import { type BrowserSession, launchBrowser, screenshot } from './browser.ts';
import { operatorApi, startDashboardServer } from './dashboard-harness.ts';
import { createEndpoint, visible } from './merchant-flow.ts';

const HOOKS = [1, 2].map((i) => `/services/T0FAKE/B0SLACK${i}/slackHookSecret${i}abc`);

/** The platform's own dashboard on another origin, embedding the merchant's link in an iframe. */
async function startHostPage(link: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><title>Platform</title><iframe title="Webhooks" src="${link}" style="width:1320px;height:860px;border:0"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('Dashboard, Slack: Connect through the consent page instead of pasting a webhook URL', () => {
  let oauth: FakeOAuthProvider;
  let slack: SlackFake;
  let server: TestServer;
  let browser: BrowserSession;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    oauth = await startFakeOAuthProvider({
      clients: { slack: { clientId: '1111.2222', clientSecret: 'slack-client-secret', redirectUris: [] } },
      webhookUrls: { slack: HOOKS.map((hook) => `https://hooks.slack.com${hook}`) },
    });
    slack = await startSlackFake({ hooks: HOOKS });
    server = await startDashboardServer({
      ...oauth.env(),
      SWITCHYARD_DESTINATION_OVERRIDES: `hooks.slack.com=${slack.url}`,
    });
    oauth.setRedirectUris('slack', [`${server.url}/api/v1/oauth/slack/callback`]);
    browser = await launchBrowser();
    ({ page, consoleErrors } = await browser.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([slack?.close(), oauth?.close()]);
  });

  it('card → Connect Slack → back, connected → test run → Create; then an event reaches the channel', async () => {
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Chat');
    await page.goto(await operator.portalLink(app.id));
    await page.getByRole('link', { name: '+ Add Endpoint' }).first().click();
    await page.getByRole('button', { name: 'Integrations' }).click();
    await page.getByRole('button', { name: /^Slack/ }).click();
    expect(await page.getByLabel('Slack URL').count()).toBe(0);

    await page.getByRole('button', { name: 'Connect Slack' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Connected to Slack' }));
    expect(page.url()).toMatch(/\/endpoints\/new\?card=slack&connection=conn_[^&]+&status=connected/);
    await visible(page.getByRole('heading', { name: 'Slack', exact: true }));

    await page.getByRole('button', { name: 'Run test' }).click();
    await visible(page.getByTestId('test-result'));
    const result = (await page.getByTestId('test-result').textContent()) ?? '';
    expect(result).toContain('POST (the webhook URL of your Slack connection)');
    expect(result).not.toContain('Warnings');
    await screenshot(page, 'add-endpoint-slack-connected');
    await createEndpoint(page);

    await operator.sendMessage(app.id, 'payment.succeeded', findEventType('payment.succeeded')!.example);
    await expect.poll(() => slack.received.length, { timeout: 30_000 }).toBe(1);

    await visible(page.getByRole('heading', { name: 'Slack connection' }));
    await page.getByRole('button', { name: 'Reconnect Slack' }).click();
    await visible(page.getByText('Reconnected: deliveries use the new authorization.'));
    await visible(page.getByText('B0SLACK2', { exact: false }));
    expect(consoleErrors).toEqual([]);
  });

  it('embedded in another site’s iframe, the dashboard works and Connect opens the consent page in a popup', async () => {
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Embedded');
    const host = await startHostPage(await operator.portalLink(app.id));
    try {
      await page.goto(host.url);
      const frame = page.frameLocator('iframe[title="Webhooks"]');
      await visible(frame.getByRole('heading', { name: 'No endpoints yet' }));
      await frame.getByRole('link', { name: '+ Add Endpoint' }).first().click();
      await frame.getByRole('button', { name: 'Integrations' }).click();
      await frame.getByRole('button', { name: /^Slack/ }).click();
      const popupOpened = page.context().waitForEvent('page');
      await frame.getByRole('button', { name: 'Connect Slack' }).click();
      const popup = await popupOpened;
      await popup.waitForEvent('close', { timeout: 30_000 });
      await visible(frame.getByRole('status').filter({ hasText: 'Connected to Slack' }));
      await screenshot(page, 'embedded-connected');
      expect(consoleErrors).toEqual([]);
    } finally {
      await new Promise((resolve) => host.server.close(resolve));
    }
  });
});
