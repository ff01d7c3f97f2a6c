import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { failure } from './cli-error.ts';

const SCRIPTS = {
  delivery: fileURLToPath(new URL('../bench/delivery-bench.ts', import.meta.url)),
  sandbox: fileURLToPath(new URL('../bench/sandbox-bench.ts', import.meta.url)),
};

/**
 * `switchyard bench delivery|sandbox`: runs the benchmark as its own process (it measures processes and
 * their CPU, so it must not share this one), passing the options through, and exits as it does.
 */
export async function runBench(
  which: keyof typeof SCRIPTS,
  options: Record<string, string | undefined>,
): Promise<void> {
  const args = Object.entries(options).flatMap(([name, value]) =>
    value === undefined ? [] : [`--${name}`, value],
  );
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPTS[which], ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw failure(`the ${which} benchmark exited with ${code}`);
}
