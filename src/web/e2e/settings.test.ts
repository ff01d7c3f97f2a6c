import { describe, expect, it } from 'vitest';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { openSection, visible } from './merchant-flow.ts';

describe('Dashboard: settings', () => {
  const dashboard = useDashboard();

  it('failure alert addresses: the API’s reason beside the wrong one, then saved and kept', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Settings');
    await page.goto(await operator.portalLink(app.id));
    await openSection(page, 'Settings');
    await visible(page.getByText('No one is emailed yet.'));

    await page.getByLabel('Address 1').fill('ops@acme.example');
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByLabel('Address 2').fill('not an address');
    await page.getByRole('button', { name: 'Save alerts' }).click();
    await visible(page.locator('#alert-email-1-error'));
    expect(await page.locator('#alert-email-1-error').textContent()).toBe(
      'must be an email address such as ops@example.com',
    );
    expect(await page.locator('#alert-email-0-error').isVisible()).toBe(false);

    await page.getByLabel('Address 2').fill('oncall@acme.example');
    await page.getByRole('checkbox', { name: /An endpoint was disabled/ }).uncheck();
    await page.getByRole('button', { name: 'Save alerts' }).click();
    await visible(page.getByText('Saved: 2 addresses will be emailed.'));
    await screenshot(page, 'settings');

    const stored = await operator.call<{ emails: string[]; events: string[] }>(
      'GET',
      `/api/v1/app/${app.id}/alerts`,
    );
    expect(stored).toEqual({
      emails: ['ops@acme.example', 'oncall@acme.example'],
      events: ['endpoint.failing', 'message.attempt.exhausted'],
    });
    await page.reload();
    await visible(page.getByLabel('Address 2'));
    expect(await page.getByLabel('Address 2').inputValue()).toBe('oncall@acme.example');
    expect(await page.getByRole('checkbox', { name: /An endpoint was disabled/ }).isChecked()).toBe(false);
    expect(consoleErrors).toEqual([]);
  });
});
