import { describe, expect, it } from 'vitest';
import { screenshot } from './browser.ts';
import { operatorApi, useDashboard } from './dashboard-harness.ts';
import { openSection, visible } from './merchant-flow.ts';

describe('Dashboard: the event catalog', () => {
  const dashboard = useDashboard();

  it('is a searchable tree grouped by resource, with description, example and schema', async () => {
    const { server, page, consoleErrors } = dashboard;
    const operator = operatorApi(server);
    const app = await operator.createApp('Acme Catalog');
    await page.goto(await operator.portalLink(app.id));
    await openSection(page, 'Event catalog');
    const tree = page.getByRole('navigation', { name: 'Event types' });
    await visible(tree.getByText('refund', { exact: true }));

    await page.getByLabel('Search events').fill('refund');
    expect(await tree.getByRole('button').allTextContents()).toEqual(['refund.failed', 'refund.succeeded']);
    await tree.getByRole('button', { name: 'refund.succeeded' }).click();
    await visible(page.getByRole('heading', { name: 'refund.succeeded' }));
    const example = JSON.parse((await page.getByTestId('event-example').textContent()) ?? '{}');
    expect(example).toMatchObject({ type: 'refund.succeeded', data: expect.any(Object) });
    await page.getByText('Schema', { exact: true }).click();
    expect(await page.locator('details pre').textContent()).toContain('"properties"');
    expect(page.url()).toContain('event=refund.succeeded');
    await screenshot(page, 'event-catalog');

    await page.getByLabel('Search events').fill('no such event');
    await visible(page.getByText('No event type matches'));
    expect(consoleErrors).toEqual([]);
  });
});
