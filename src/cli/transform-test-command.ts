import { readFileSync } from 'node:fs';
import { findEventType } from '../catalog/index.ts';
import { type ContractFinding, connectors, findConnector, reviewRequest } from '../connectors/index.ts';
import { readPayload, type TransformationOutcome } from '../sandbox/index.ts';
import { EXIT_FAILURE, usageError } from './cli-error.ts';
import { loadCliConfig } from './load-cli-config.ts';
import { readJsonObject } from './read-json-file.ts';

export interface TransformTestOptions {
  config?: string;
  event: string;
  payload?: string;
  connector?: string;
  region?: string;
  env?: Record<string, string>;
  url: string;
  json?: boolean;
}

/** What `POST /api/v1/transformations/run` answers, made here without a server. */
interface TestResult {
  cancelled: boolean;
  request: { method: string; url: string; headers: Record<string, string>; payload: unknown } | null;
  console: TransformationOutcome['console'];
  durationMs: number;
  error: { name: string; message: string; line: number | null; column: number | null } | null;
  warnings: ContractFinding[];
}

function readCode(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * `switchyard transform test`: runs transformation code on an event in the same sandbox delivery uses, and
 * with `--connector`, reviews the result against that vendor's contract as delivery would. Exits 1 when
 * delivery would not send the request (an error, or a contract warning), so that it can gate a change.
 */
export async function runTransformTest(file: string, options: TransformTestOptions): Promise<void> {
  const config = loadCliConfig(options.config);
  const code = readCode(file);
  const connector = options.connector ? findConnector(options.connector) : undefined;
  if (options.connector && !connector) {
    throw usageError(
      `no connector '${options.connector}'; the connectors are ${connectors.map((c) => c.manifest.id).join(', ')}`,
    );
  }
  const regions = connector?.manifest.regions ?? [];
  const region = options.region ? regions.find((r) => r.id === options.region) : regions[0];
  if (connector && !region) {
    throw usageError(
      `--region must be one of ${regions.map((r) => r.id).join(', ')} for ${options.connector}`,
    );
  }
  const payload = options.payload ? readJsonObject(options.payload) : findEventType(options.event)?.example;
  if (!payload) {
    throw usageError(
      `'${options.event}' is not an event type of the catalog, so it has no example: give --payload <file>`,
    );
  }

  // Loaded only now: the worker's modules are the bulk of this command's start-up, and a usage error needs none.
  const { createConfiguredSandbox } = await import('../server/start-worker.ts');
  const sandbox = createConfiguredSandbox(config);
  let outcome: TransformationOutcome;
  try {
    outcome = await sandbox.transform({
      scope: 'cli',
      code,
      input: {
        eventType: options.event,
        payload,
        url: options.url,
        method: 'POST',
        headers: {},
        env: options.env ?? {},
        cancel: false,
      },
    });
  } finally {
    await sandbox.close();
  }

  const result: TestResult = {
    cancelled: outcome.kind === 'cancelled',
    request: outcome.kind === 'request' ? readPayload(outcome.request) : null,
    console: outcome.console,
    durationMs: outcome.durationMs,
    error: outcome.kind === 'error' ? outcome.error : null,
    warnings: [],
  };
  if (outcome.kind === 'request' && connector && region) {
    // Delivery adds the vendor's idempotency keys before it checks; the review sees what would be sent.
    const request = connector.prepare(readPayload(outcome.request), {
      messageId: 'msg_test',
      endpointId: 'ep_test',
    });
    result.request = request;
    result.warnings = reviewRequest(connector, request, region, options.url);
  }

  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result, connector?.manifest.name),
  );
  if (result.error || result.warnings.length) process.exitCode = EXIT_FAILURE;
}

function describe(result: TestResult, vendor: string | undefined): string {
  const lines: string[] = [];
  if (result.error) {
    const where = result.error.line ? ` (line ${result.error.line}, column ${result.error.column})` : '';
    lines.push(`${result.error.name}: ${result.error.message}${where}`, 'nothing would be sent');
  } else if (result.cancelled || !result.request) {
    lines.push('cancelled: nothing would be sent');
  } else {
    const { method, url, headers, payload } = result.request;
    lines.push(`${method} ${url}`);
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    lines.push('', JSON.stringify(payload, null, 2));
  }
  if (result.console.length) {
    lines.push('', 'console:');
    for (const line of result.console) lines.push(`  ${line.level.padEnd(5)} ${line.message}`);
  }
  if (result.warnings.length) {
    lines.push('', `contract warnings: ${vendor} would refuse this request, so delivery would not send it:`);
    for (const warning of result.warnings) lines.push(`  ${warning.field}: ${warning.message}`);
  }
  return `${lines.join('\n')}\n`;
}
