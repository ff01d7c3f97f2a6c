import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The children of a process (a Switchyard process's sandbox processes), as the kernel lists them per thread. */
export function childPidsOf(pid: number): number[] {
  let children = '';
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children += ` ${readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')}`;
    }
  } catch {
    return [];
  }
  return children.split(/\s+/).filter(Boolean).map(Number);
}

/** The processes and every descendant. */
function treeOf(pids: number[]): number[] {
  return pids.flatMap((pid) => [pid, ...treeOf(childPidsOf(pid))]);
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Resident set size of a process now, from the kernel (VmRSS), in MB. */
export function rssMb(pid: number): number {
  return Math.round(procStatusMb(pid, 'VmRSS'));
}

/** Peak resident set size of a process, from the kernel (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return Math.round(procStatusMb(pid, 'VmHWM'));
}

/** Peak RSS of processes and their descendants, summed, in MB. */
export function peakRssMbOfTree(pids: number[]): number {
  return Math.round(treeOf(pids).reduce((sum, pid) => sum + procStatusMb(pid, 'VmHWM'), 0));
}

/** RSS now of processes and their descendants, summed, in MB. */
export function rssMbOfTree(pids: number[]): number {
  return Math.round(treeOf(pids).reduce((sum, pid) => sum + procStatusMb(pid, 'VmRSS'), 0));
}

/** CPU time (user + system) of a process, in µs (clock ticks of 1/100 s); 0 once it is gone. */
export function cpuUsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields 14 and 15 (1-based); after the comm field, which may hold spaces, the count starts at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

/** CPU time of processes and their live descendants, in µs. */
export function cpuUsOfTree(pids: number[]): number {
  return treeOf(pids).reduce((sum, pid) => sum + cpuUsOf(pid), 0);
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
