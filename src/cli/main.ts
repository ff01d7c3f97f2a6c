#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config/index.ts';
import { runStart } from './start-command.ts';
import { runWorker } from './worker-command.ts';

const program = new Command()
  .name('switchyard')
  .description('Webhooks and integrations gateway for payment platforms, speaking the Svix API.')
  .showHelpAfterError();

program
  .command('start', { isDefault: true })
  .description('Run the API and the delivery worker in one process. Configured by environment variables.')
  .action(runStart);

program
  .command('worker')
  .description(
    'Run only a delivery worker, against PostgreSQL (DATABASE_URL); any number may run side by side.',
  )
  .action(runWorker);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`switchyard: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `switchyard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
