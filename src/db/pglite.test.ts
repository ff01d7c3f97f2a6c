import { openPgliteDatabase } from './pglite/driver.ts';
import { describeStoreSuite } from './store.suite.ts';

describeStoreSuite('pglite', () => openPgliteDatabase());
