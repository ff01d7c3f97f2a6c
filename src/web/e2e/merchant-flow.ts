import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Waits until the locator's element is visible (Playwright's own `expect` is not used with vitest). */
export async function visible(locator: ReturnType<Page['locator']>, timeout = 10_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

/** Opens one of the application's sections from the side navigation. */
export async function openSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
}

/**
 * The seed flow up to the test run: Endpoints → + Add Endpoint → Integrations → the card → credentials
 * (by label) → template → Run test. Returns the body the test panel shows.
 */
export async function setUpCard(
  page: Page,
  card: { name: string; credentials: Record<string, string>; template?: string; region?: string },
): Promise<Record<string, unknown>> {
  await openSection(page, 'Endpoints');
  await page.getByRole('link', { name: '+ Add Endpoint' }).first().click();
  await page.getByRole('button', { name: 'Integrations' }).click();
  await page.getByRole('button', { name: new RegExp(`^${card.name}`) }).click();
  await visible(page.getByRole('heading', { name: card.name, exact: true }));
  for (const [label, value] of Object.entries(card.credentials))
    await page.getByLabel(label, { exact: true }).fill(value);
  if (card.region) await page.getByLabel('Region').selectOption({ label: card.region });
  if (card.template) await page.getByRole('radio', { name: new RegExp(card.template) }).check();
  await page.getByRole('button', { name: 'Run test' }).click();
  await visible(page.getByTestId('test-result'));
  return JSON.parse((await page.getByTestId('request-body').textContent()) ?? '{}') as Record<
    string,
    unknown
  >;
}

/** Create, then the endpoint's page; returns the new endpoint's id from the address. */
export async function createEndpoint(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await visible(page.getByText('Endpoint created.'));
  const id = /\/endpoints\/(ep_[^/?]+)/.exec(page.url())?.[1];
  expect(id).toBeDefined();
  return id!;
}

/** Opens Logs and waits for a row of this event type with the given status label. */
export async function expectLogRow(page: Page, eventType: string, status: string): Promise<void> {
  await openSection(page, 'Logs');
  const row = page.getByRole('row').filter({ hasText: eventType }).filter({ hasText: status });
  await expect
    .poll(
      async () => {
        if (await row.count()) return true;
        await page.getByRole('button', { name: 'Refresh' }).click();
        return false;
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe(true);
}
