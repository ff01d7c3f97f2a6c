import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { failure } from './cli-error.ts';

const SCRIPTS = {
  delivery: fileURLToPath(new URL('../bench/delivery-bench.ts', import.meta.url)),
  sandbox: fileURLToPath(new URL('../bench/sandbox-bench.ts', import.meta.url)),
};

/** Commander's options as the benchmark's flags: commander names them in camelCase, the scripts as written. */
export function benchArguments(options: Record<string, string | boolean | undefined>): string[] {
  return Object.entries(options).flatMap(([name, value]) => {
    const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    if (value === undefined || value === false) return [];
    return value === true ? [flag] : [flag, value];
  });
}

/**
 * `switchyard bench delivery|sandbox`: runs the benchmark as its own process (it measures processes and
 * their CPU, so it must not share this one), passing the options through, and exits as it does.
 */
export async function runBench(
  which: keyof typeof SCRIPTS,
  options: Record<string, string | boolean | undefined>,
): Promise<void> {
  const args = benchArguments(options);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPTS[which], ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw failure(`the ${which} benchmark exited with ${code}`);
}
