import { readdirSync, readFileSync } from 'node:fs';

/** The processes whose parent is `pid` (the sandbox processes of a Switchyard process, say). */
export function childPidsOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The command may contain spaces and parentheses; the parent pid is the second field after the last ')'.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
