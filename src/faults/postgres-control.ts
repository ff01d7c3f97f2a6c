import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface PostgresControl {
  /** `version/name` of the cluster, as pg_lsclusters names it. */
  cluster: string;
  /** Stops the server (fast shutdown: sessions are cut) and resolves once it is down. */
  stop(): Promise<void>;
  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void>;
}

/** Whether PostgreSQL can be stopped and started here, and if not, why. */
export type PostgresControlResult = { control: PostgresControl } | { unavailable: string };

function run(args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Control of the real PostgreSQL server behind `url`, through Debian's `pg_ctlcluster` (as root): the cluster
 * listening on the URL's port. Unavailable elsewhere (no pg_ctlcluster, not root, another kind of server).
 */
export function postgresControl(url: string): PostgresControlResult {
  if (process.getuid?.() !== 0) return { unavailable: 'stopping PostgreSQL needs root' };
  let clusters: string;
  try {
    clusters = run(['pg_lsclusters', '--no-header']);
    run(['sh', '-c', 'command -v pg_ctlcluster']);
  } catch {
    return { unavailable: 'pg_ctlcluster is not installed (Debian postgresql-common)' };
  }
  const port = new URL(url).port || '5432';
  const line = clusters
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((fields) => fields[2] === port);
  if (!line) return { unavailable: `no local cluster listens on port ${port}` };
  const [version, name] = line as [string, string];
  const ctl = (action: string, ...options: string[]) =>
    run(['pg_ctlcluster', '--skip-systemctl-redirect', ...options, version, name, action]);
  return {
    control: {
      cluster: `${version}/${name}`,
      async stop() {
        ctl('stop', '--mode', 'fast');
      },
      async start() {
        try {
          ctl('start');
        } catch (error) {
          // Already running (a start after a failed stop) is fine; anything else is not.
          if (!(await answers(url))) throw error;
        }
        for (let i = 0; i < 100 && !(await answers(url)); i++) await sleep(100);
        if (!(await answers(url))) throw new Error(`PostgreSQL ${version}/${name} did not come back`);
      },
    },
  };
}
