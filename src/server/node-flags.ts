/**
 * Options for Node itself in every long-running Switchyard process. The `switchyard` command's first line and
 * `npm start` carry the same (a test holds them together); whoever starts `src/cli/main.ts` another way should
 * pass them too.
 *
 * Node 24 lets the young generation grow to 64 MB. The API and the worker allocate fast and keep little, so
 * most of that is garbage that RSS pays for: with 4 MB semi-spaces a worker draining a backlog of 1,000,000
 * deliveries held 260 MB instead of about 400 MB, at the same throughput.
 */
export const NODE_FLAGS = ['--max-semi-space-size=4'];
