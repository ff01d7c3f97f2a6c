/**
 * The process hop alone, for the sandbox benchmark: a child that answers each message as a sandbox process
 * does (same channel, same serialization, replies of the same size) without running anything, so that the
 * benchmark can tell the hop's cost from the sandbox's.
 */
interface EchoRequest {
  batches: { count: number; inputs: string }[];
}

const outcome = 'o'.repeat(Number(process.env.ECHO_OUTCOME_CHARS ?? 1000));

process.on('message', (request: EchoRequest) => {
  process.send!({
    results: request.batches.map((batch) => ({
      outcomes: Array(batch.count).fill(outcome).join('\u0001'),
      entries: [batch.count, 0],
    })),
  });
});
process.on('disconnect', () => process.exit(0));
