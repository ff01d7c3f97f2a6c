/**
 * Options for Node itself in `switchyard worker` processes; the README's "Running at scale" gives them to
 * operators (a test holds the two together), and spawned workers get them here.
 *
 * Node 24 lets the young generation grow to 64 MB. A worker allocates fast and keeps little, so most of that is
 * garbage that RSS pays for: with 4 MB semi-spaces a worker draining a backlog of 1,000,000 deliveries held
 * 267 MB instead of about 400 MB, at the same throughput. Not for API processes: their requests' objects live
 * across a database round trip, and a young generation that small promoted them, which cost 15 to 40 % more
 * CPU per message at ingest.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'];
