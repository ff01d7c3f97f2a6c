import { describe, it } from 'vitest';
import { describeStoreSuite } from './store.suite.ts';
import { testDrivers } from './testing.ts';

const postgres = testDrivers().find((driver) => driver.name === 'postgres');

if (postgres) {
  describeStoreSuite('postgres', postgres.open);
} else {
  describe.skip('store on postgres (set DATABASE_URL to run it; CI always does)', () => {
    it('needs DATABASE_URL', () => {});
  });
}
