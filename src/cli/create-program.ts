import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseTime } from './parse-time.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Commander passes the previous value second, which parseTime would read as the clock. */
const time = (value: string) => parseTime(value);

function positiveInteger(value: string): string {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number above 0');
  return value;
}

function nonNegativeInteger(value: string): string {
  if (!/^(0|[1-9]\d*)$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return value;
}

function listOf(allowed: string[]) {
  return (value: string): string => {
    const wrong = value.split(',').filter((item) => !allowed.includes(item));
    if (wrong.length)
      throw new InvalidArgumentError(`expected a comma-separated list of ${allowed.join(', ')}`);
    return value;
  };
}

function positiveIntegerList(value: string): string {
  if (!/^[1-9]\d*(,[1-9]\d*)*$/.test(value)) {
    throw new InvalidArgumentError('expected comma-separated whole numbers above 0, such as 1,2');
  }
  return value;
}

const configOption = () =>
  new Option('-c, --config <file>', 'JSON configuration file; environment variables override it').env(
    'SWITCHYARD_CONFIG',
  );

/** Options of the commands that talk to a running Switchyard. */
function withClientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'Switchyard to talk to (default: SWITCHYARD_URL, else http://HOST:PORT)')
    .option('--token <token>', 'bearer token (default: SWITCHYARD_TOKEN, else the operator token)')
    .addOption(configOption());
}

function withTaskOptions(command: Command): Command {
  return withClientOptions(
    command
      .requiredOption('--app <app>', 'application id or uid')
      .requiredOption('--endpoint <endpoint>', 'endpoint id or uid')
      .requiredOption('--since <time>', 'start of the window: ISO 8601, or a duration ago such as 24h', time)
      .option('--until <time>', 'end of the window (default: now)', time)
      .option('--no-wait', 'print the started task and exit instead of following it')
      .option('--json', 'print the task as JSON instead of a progress bar'),
  );
}

/**
 * The `switchyard` command line. Actions import their modules when they run, so that `--help` and quick
 * commands do not load the server.
 */
export function createProgram(): Command {
  const program = new Command()
    .name('switchyard')
    .description('Webhooks and integrations gateway for payment platforms, speaking the Svix API.')
    .version(VERSION)
    // Usage errors exit 2 rather than commander's 1, which is kept for failures; main.ts decides.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('Run the API and the delivery worker in one process (what `npm start` runs).')
    .addOption(configOption())
    .action(async (options) => (await import('./start-command.ts')).runStart(options, 'all'));

  program
    .command('api')
    .description('Run the HTTP API without the delivery worker; run `switchyard worker` processes beside it.')
    .addOption(configOption())
    .action(async (options) => (await import('./start-command.ts')).runStart(options, 'api'));

  program
    .command('worker')
    .description(
      'Run only a delivery worker, against PostgreSQL (DATABASE_URL); any number may run side by side.',
    )
    .addOption(configOption())
    .action(async (options) => (await import('./worker-command.ts')).runWorker(options));

  program
    .command('migrate')
    .description(
      'Bring the database schema up to date and exit. On PostgreSQL, safe to run from several deploys at once; on the embedded PGlite, only while Switchyard is stopped.',
    )
    .addOption(configOption())
    .action(async (options) => (await import('./migrate-command.ts')).runMigrate(options));

  withClientOptions(
    program
      .command('send')
      .description("Post an event to an application: the catalog's example of its type, or a payload file.")
      .argument('<event-type>', 'event type, e.g. payment.succeeded')
      .requiredOption('--app <app>', 'application id or uid')
      .option('--payload <file>', 'JSON file of the event envelope (- for standard input)')
      .option('--event-id <id>', 'your unique id of the event (a repeat is refused)')
      .option('--idempotency-key <key>', 'Idempotency-Key header: a repeat within 12 hours returns the first')
      .option('--channel <channel...>', 'channels of the message')
      .option('--json', 'print the created message as JSON'),
  )
    .addHelpText('after', '\nExample:\n  switchyard send payment.succeeded --app acme')
    .action(async (eventType, options) => (await import('./send-command.ts')).runSend(eventType, options));

  const transform = program.command('transform').description('Work with transformation code.');
  transform
    .command('test')
    .description(
      'Run transformation code on an event in the sandbox, locally, and print the request it makes, its console ' +
        "output and, with --connector, the vendor contract's warnings. Exits 1 if delivery would not send it.",
    )
    .argument('<file>', 'JavaScript file defining handler(webhook)')
    .requiredOption('--event <event-type>', 'event type; its catalog example is the payload unless --payload')
    .option('--payload <file>', 'JSON file of the event envelope (- for standard input)')
    .option('--connector <id>', "check the request against this connector's contract, e.g. segment")
    .option('--region <id>', "the connector's data region (default: its first)")
    .option(
      '--env <KEY=VALUE>',
      'a transformation variable, repeatable',
      (entry: string, env: Record<string, string> | undefined) => {
        const at = entry.indexOf('=');
        if (at < 1) throw new InvalidArgumentError('expected KEY=VALUE');
        return { ...env, [entry.slice(0, at)]: entry.slice(at + 1) };
      },
    )
    .option(
      '--url <url>',
      'the endpoint URL the code receives as webhook.url',
      'https://endpoint.example/webhook',
    )
    .option('--json', 'print the result as JSON, as POST /api/v1/transformations/run answers')
    .addOption(configOption())
    .addHelpText(
      'after',
      '\nExample:\n  switchyard transform test segment-track-payment.js --event payment.succeeded --connector segment',
    )
    .action(async (file, options) =>
      (await import('./transform-test-command.ts')).runTransformTest(file, options),
    );

  withTaskOptions(
    program
      .command('replay')
      .description(
        'Send every message of a window to an endpoint again, following the task with a progress bar.',
      )
      .option(
        '--missing',
        'only the messages the endpoint never got (created earlier, or filtered out then)',
      ),
  )
    .addHelpText(
      'after',
      '\nExample:\n  switchyard replay --app acme --endpoint ep_2nX4fKp --since 24h --missing',
    )
    .action(async (options) => (await import('./replay-command.ts')).runReplay(options));

  withTaskOptions(
    program
      .command('recover')
      .description(
        'Send again every message of a window whose delivery to an endpoint failed, with a progress bar.',
      ),
  )
    .addHelpText(
      'after',
      '\nExample:\n  switchyard recover --app acme --endpoint ep_2nX4fKp --since 2026-11-23T10:00:00Z',
    )
    .action(async (options) => (await import('./recover-command.ts')).runRecover(options));

  const bench = program.command('bench').description('Run a benchmark and print its table.');
  bench
    .command('delivery')
    .description(
      'Delivery throughput and latency against a bare HTTP loop, on PGlite and PostgreSQL (DATABASE_URL).',
    )
    .option('--deliveries <n>', 'deliveries of each closed-loop run', positiveInteger, '20000')
    .option('--fanouts <list>', 'endpoints per message, one run each', positiveIntegerList, '1,10')
    .option(
      '--transforms <list>',
      'runs without and with a seed transformation',
      listOf(['off', 'on']),
      'off,on',
    )
    .option('--drivers <list>', 'databases to run on', listOf(['pglite', 'postgres']), 'pglite,postgres')
    .option('--concurrency <n>', 'requests in flight per worker', positiveInteger, '64')
    .option(
      '--rate <n>',
      'events per second of the open-loop latency run (0: none)',
      nonNegativeInteger,
      '1000',
    )
    .option('--duration <s>', 'seconds of the open-loop latency run', positiveInteger, '60')
    .option(
      '--workers <list>',
      'worker process counts of the PostgreSQL scale-out runs',
      positiveIntegerList,
      '1,2,4',
    )
    .option(
      '--pending <n>',
      'deliveries of the PostgreSQL backlog run (0: none)',
      nonNegativeInteger,
      '1000000',
    )
    .option('--json <file>', 'also write the results to this file')
    .option('--cpu-prof <dir>', "write Switchyard's CPU profiles there")
    .action(async (options) => (await import('./bench-command.ts')).runBench('delivery', options));
  bench
    .command('sandbox')
    .description('Transformation calls per second in the sandbox against plain V8, and cold compiles.')
    .option('--calls <n>', 'calls of the throughput runs', positiveInteger, '300000')
    .option('--wave <n>', 'calls in flight', positiveInteger, '500')
    .option('--latency <n>', 'calls of the latency run', positiveInteger, '2000')
    .option('--cold <n>', 'new code versions of the cold-compile run', positiveInteger, '200')
    .option('--processes <list>', 'sandbox process counts to run', positiveIntegerList, '1,2')
    .option('--json <file>', 'also write the results to this file')
    .action(async (options) => (await import('./bench-command.ts')).runBench('sandbox', options));

  return program;
}
