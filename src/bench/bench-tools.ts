import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Peak resident set size of a process, from the kernel (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The processes and every descendant (a Switchyard process and its sandbox processes). */
function treeOf(pids: number[]): number[] {
  const all: number[] = [];
  const visit = (pid: number) => {
    all.push(pid);
    let children = '';
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        children += ` ${readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')}`;
      }
    } catch {
      return;
    }
    for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child));
  };
  for (const pid of pids) visit(pid);
  return all;
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Peak RSS of processes and their descendants, summed, in MB. */
export function peakRssMbOfTree(pids: number[]): number {
  return Math.round(treeOf(pids).reduce((sum, pid) => sum + procStatus(pid, 'VmHWM'), 0));
}

/** RSS now of processes and their descendants, summed, in MB. */
export function rssMbOfTree(pids: number[]): number {
  return Math.round(treeOf(pids).reduce((sum, pid) => sum + procStatus(pid, 'VmRSS'), 0));
}

/** CPU time (user + system) of processes and their live descendants, in µs (ticks of 1/100 s). */
export function cpuUsOfTree(pids: number[]): number {
  let total = 0;
  for (const pid of treeOf(pids)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    } catch {
      // gone since the tree was read
    }
  }
  return total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface ReceiverProcess {
  url: string;
  child: ChildProcess;
  reset(): Promise<void>;
  stats(): Promise<{ requests: number; arrivals: [string, number][] }>;
  /** Requests, and distinct deliveries, so far: cheap to poll. */
  count(): Promise<{ requests: number; distinct: number }>;
  stop(): Promise<void>;
}

export async function startReceiverProcess(): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./receiver-process.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    async reset() {
      await fetch(`${url}/reset`, { method: 'POST' });
    },
    async count() {
      return (await (await fetch(`${url}/count`)).json()) as { requests: number; distinct: number };
    },
    async stats() {
      return (await (await fetch(`${url}/stats`)).json()) as {
        requests: number;
        arrivals: [string, number][];
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
