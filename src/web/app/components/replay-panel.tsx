import { type FormEvent, useEffect, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { BackgroundTaskOut } from '../api/openapi-types.ts';
import type { ReplayKind } from '../api/switchyard-api.ts';
import { useSession } from '../session/session-context.tsx';
import { FieldError } from './field-error.tsx';

const HOUR = 3_600_000;
const WINDOWS = [
  { label: '8 hours', ms: 8 * HOUR },
  { label: '1 day', ms: 24 * HOUR },
  { label: '3 days', ms: 72 * HOUR },
  { label: '1 week', ms: 168 * HOUR },
  { label: '2 weeks', ms: 336 * HOUR },
] as const;

const CUSTOM = 'custom';

const KINDS: { kind: ReplayKind; label: string; help: string }[] = [
  { kind: 'recover', label: 'Recover failed messages', help: 'Sends again every message that failed.' },
  {
    kind: 'replay-missing',
    label: 'Replay missing messages',
    help: 'Sends the messages this endpoint never got (sent before it existed, or filtered out then).',
  },
  {
    kind: 'bulk-replay',
    label: 'Bulk replay',
    help: 'Sends every message again, delivered or not. Receivers should ignore duplicates by webhook-id.',
  },
];

const TASK_STATUS: Record<BackgroundTaskOut['status'], string> = {
  running: 'Running',
  finished: 'Finished',
  failed: 'Failed',
};

/** Recover, Replay missing and Bulk replay over a window, followed to the end with the number queued. */
export function ReplayPanel({
  appId,
  endpointId,
  onDone,
}: {
  appId: string;
  endpointId: string;
  onDone: () => void;
}) {
  const { api } = useSession();
  const [kind, setKind] = useState<ReplayKind>('recover');
  const [windowChoice, setWindowChoice] = useState<string>(String(WINDOWS[1].ms));
  const [customSince, setCustomSince] = useState('');
  const [task, setTask] = useState<BackgroundTaskOut>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    if (task?.status !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getTask(task.id);
        setTask(next);
        if (next.status !== 'running') onDone();
      } catch (error) {
        setProblem(messageOf(error));
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [api, task, onDone]);

  async function start(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    const since =
      windowChoice === CUSTOM ? new Date(customSince) : new Date(Date.now() - Number(windowChoice));
    if (Number.isNaN(since.getTime())) {
      setProblem('Pick the date and time to start from.');
      return;
    }
    try {
      setTask(await api.startReplay(appId, endpointId, kind, { since: since.toISOString() }));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? (error.field('since') ?? error.message) : messageOf(error));
    }
  }

  return (
    <form className="replay-panel" onSubmit={start} aria-labelledby="replay-title">
      <h2 id="replay-title">Recover and replay</h2>
      <fieldset>
        <legend>What to send again</legend>
        {KINDS.map((k) => (
          <label key={k.kind} className="template-option">
            <input
              type="radio"
              name="replay-kind"
              checked={kind === k.kind}
              onChange={() => setKind(k.kind)}
            />
            <span>
              <strong>{k.label}</strong>
              <span className="help">{k.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label htmlFor="replay-window">Messages from the last</label>
      <select id="replay-window" value={windowChoice} onChange={(e) => setWindowChoice(e.target.value)}>
        {WINDOWS.map((w) => (
          <option key={w.label} value={String(w.ms)}>
            {w.label}
          </option>
        ))}
        <option value={CUSTOM}>Since a date and time…</option>
      </select>
      {windowChoice === CUSTOM ? (
        <>
          <label htmlFor="replay-since">Since</label>
          <input
            id="replay-since"
            type="datetime-local"
            value={customSince}
            onChange={(e) => setCustomSince(e.target.value)}
            aria-describedby="replay-error"
          />
        </>
      ) : null}
      <FieldError id="replay-error" message={problem} />
      <p>
        <button type="submit" className="primary" disabled={task?.status === 'running'}>
          Start
        </button>
      </p>
      {task ? (
        <div role="status" className="task-progress" data-testid="replay-progress">
          <progress aria-label="Replay progress" value={task.status === 'running' ? undefined : 1} max={1} />{' '}
          {TASK_STATUS[task.status]}: {task.data.processed} message{task.data.processed === 1 ? '' : 's'}{' '}
          queued
          {task.data.error ? ` (${task.data.error})` : ''}.
        </div>
      ) : null}
    </form>
  );
}
