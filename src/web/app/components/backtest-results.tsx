import { lineDiff } from '../api/line-diff.ts';
import type { TransformationBacktestOut, TransformationRunOut } from '../api/openapi-types.ts';

/** What a run would send, as text to compare: the request, a cancellation, or the error. */
function describe(run: TransformationRunOut): string {
  if (run.error) return `Error: ${run.error.name}: ${run.error.message}`;
  if (run.cancelled || !run.request) return 'Cancelled: nothing sent';
  return `${run.request.method} ${run.request.url}\n${JSON.stringify(run.request.payload, null, 2)}`;
}

/** The draft beside the current code on recent real messages, each changed one as a line diff. */
export function BacktestResults({ results }: { results: TransformationBacktestOut['data'] }) {
  if (results.length === 0) {
    return <p>This endpoint has received no message yet, so there is nothing to backtest on.</p>;
  }
  const changed = results.filter((r) => r.changed).length;
  return (
    <div className="backtest" data-testid="backtest-results">
      <p role="status">
        {changed === 0
          ? `No change: the draft sends exactly what the current code sends for the last ${results.length} messages.`
          : `${changed} of the last ${results.length} messages would be sent differently.`}
      </p>
      <ul className="backtest-list">
        {results.map((r) => (
          <li key={r.messageId}>
            <p>
              <code>{r.eventType}</code> · <code>{r.messageId}</code> ·{' '}
              {r.changed ? <strong>changed</strong> : 'same'}
            </p>
            {r.changed ? (
              <pre className="diff">
                {lineDiff(describe(r.current), describe(r.draft)).map((line, index) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: diff lines repeat; their position is their identity
                    key={index}
                    className={`diff-${line.kind}`}
                  >
                    {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                    {line.text}
                    {'\n'}
                  </span>
                ))}
              </pre>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
