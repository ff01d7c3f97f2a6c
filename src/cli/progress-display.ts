/** What a progress display shows of a background task at one moment. */
export interface ProgressState {
  status: string;
  /** From 0 to 1. */
  progress: number;
  processed: number;
}

export interface ProgressDisplay {
  update(state: ProgressState): void;
  /** Leaves the display's last state on screen and moves on to the next line. */
  done(): void;
}

const BAR_WIDTH = 30;
/** Without a terminal, a line at most this often (and at every change of status). */
const LINE_INTERVAL_MS = 2_000;

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function queued(processed: number): string {
  return `${processed.toLocaleString('en-US')} ${processed === 1 ? 'delivery' : 'deliveries'} queued`;
}

/**
 * A bar redrawn in place on a terminal; on anything else (CI logs, a pipe) plain periodic lines, since
 * carriage returns would pile up there as one unreadable line.
 */
export function createProgressDisplay(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  const started = Date.now();
  let lastLine = 0;
  let lastStatus = '';
  let drawn = false;
  return {
    update(state) {
      const percent = `${Math.floor(state.progress * 100)}%`.padStart(4);
      if (stream.isTTY) {
        const filled = Math.round(state.progress * BAR_WIDTH);
        const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
        stream.write(`\r\x1b[2K${label} ${bar} ${percent}  ${queued(state.processed)}  ${elapsed(started)}`);
        drawn = true;
        return;
      }
      const now = Date.now();
      if (state.status === lastStatus && now - lastLine < LINE_INTERVAL_MS) return;
      lastLine = now;
      lastStatus = state.status;
      stream.write(
        `${label}: ${state.status}, ${percent.trim()} of the window, ${queued(state.processed)}\n`,
      );
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
