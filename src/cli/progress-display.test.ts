import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from './progress-display.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress display', () => {
  it('redraws one bar in place on a terminal, and ends the line when done', () => {
    const { stream, writes } = fakeStream(true);
    const display = createProgressDisplay('recover qtask_1', stream);
    display.update({ status: 'running', progress: 0, processed: 0 });
    display.update({ status: 'running', progress: 0.5, processed: 1500 });
    display.update({ status: 'finished', progress: 1, processed: 3000 });
    display.done();
    expect(writes).toHaveLength(4);
    // Carriage return, then "erase the line", then the bar.
    expect(writes[1]!.startsWith('\r\u001b[2K')).toBe(true);
    expect(writes[1]!.slice(5)).toMatch(
      /^recover qtask_1 █{15}░{15} {2}50% {2}1,500 deliveries queued {2}\d+s$/,
    );
    expect(writes[2]).toMatch(/█{30} 100% {2}3,000 deliveries queued/);
    expect(writes[3]).toBe('\n');
  });

  it('writes plain lines elsewhere: at each change of status, and at most every two seconds between', () => {
    const { stream, writes } = fakeStream(false);
    const display = createProgressDisplay('replay-missing qtask_2', stream);
    display.update({ status: 'running', progress: 0, processed: 0 });
    display.update({ status: 'running', progress: 0.2, processed: 10 });
    display.update({ status: 'finished', progress: 1, processed: 1 });
    display.done();
    expect(writes).toEqual([
      'replay-missing qtask_2: running, 0% of the window, 0 deliveries queued\n',
      'replay-missing qtask_2: finished, 100% of the window, 1 delivery queued\n',
    ]);
  });
});
