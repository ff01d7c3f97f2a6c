import { describe, expect, it } from 'vitest';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { visible } from './merchant-flow.ts';

describe('Dashboard: the operator signs in and picks an application', () => {
  const dashboard = useDashboard();

  it('a wrong token is refused beside the field; the right one lists the apps, searchable, and opens one', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    await operator.createApp('Acme Inc');
    await operator.createApp('Globex');
    await page.goto(server.url);
    await screenshot(page, 'sign-in');

    await page.getByLabel('Operator token').fill('not-the-token');
    await page.keyboard.press('Enter');
    await visible(page.locator('#operator-token-error'));
    expect(await page.locator('#operator-token-error').textContent()).toContain('This token is not valid');

    await page.getByLabel('Operator token').fill(server.operatorTokenValue);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { name: 'Applications' }));
    await page.getByLabel('Search applications').fill('glob');
    expect(await page.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('Globex')]);
    await page.getByLabel('Search applications').fill('');
    await screenshot(page, 'app-picker');

    await page.getByRole('link', { name: /Acme Inc/ }).click();
    await visible(page.getByRole('heading', { name: 'No endpoints yet' }));
    expect(await page.locator('.app-name').textContent()).toBe('Acme Inc');
    await page.getByRole('link', { name: 'Switch application' }).click();
    await visible(page.getByRole('heading', { name: 'Applications' }));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Operator token'));
    expect(consoleErrors).toEqual([]);
  });
});
