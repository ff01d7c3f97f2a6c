import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { WORKER_NODE_FLAGS } from './node-flags.ts';

it("the README's Running at scale gives workers the Node options spawned workers get", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Running at scale'), readme.indexOf('## Configuration'));
  expect(section).toContain(`NODE_OPTIONS=${WORKER_NODE_FLAGS.join(' ')} switchyard worker`);
});
