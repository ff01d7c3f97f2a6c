import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKER_NODE_FLAGS } from './node-flags.ts';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export interface SwitchyardProcess {
  child: ChildProcess;
  /** Set for `start` and `api`: where the API listens. */
  url: string | undefined;
  output(): string;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for a clean exit. */
  stop(): Promise<number | null>;
}

/**
 * Runs `switchyard <command>` as a real child process (what an operator runs) and waits until it is up.
 * @param nodeArgs options for node itself, e.g. `--cpu-prof` for a benchmark's profile
 */
export async function spawnSwitchyard(
  command: 'start' | 'api' | 'worker',
  env: Record<string, string>,
  readyTimeoutMs = 30_000,
  nodeArgs: string[] = [],
): Promise<SwitchyardProcess> {
  const flags = command === 'worker' ? WORKER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, ...nodeArgs, MAIN, command], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = command === 'worker' ? /delivery worker started/ : /listening on (http:\/\/\S+)/;
  const url = await new Promise<string | undefined>((resolve, reject) => {
    // A process that never got ready is not left behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${command} not ready:\n${output}`));
    }, readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard ${command} exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
