import { useEffect, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { EndpointOut, TransformationBacktestOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { CodeEditor } from '../editor/code-editor.tsx';
import { errorMarkOf } from '../editor/error-mark-of.ts';
import { useSession } from '../session/session-context.tsx';
import { BacktestResults } from './backtest-results.tsx';
import { FieldError } from './field-error.tsx';
import { TestPanel, type TestRun } from './test-panel.tsx';

const STARTER = `function handler(webhook) {
  // webhook.payload is the event; change url, method, headers or payload, or set webhook.cancel = true.
  return webhook;
}
`;

/** The endpoint's transformation: enable it, edit and test the code, backtest a draft, save it. */
export function TransformationSection({ appId, endpoint }: { appId: string; endpoint: EndpointOut }) {
  const { api } = useSession();
  const saved = useResource(() => api.getTransformation(appId, endpoint.id), [api, appId, endpoint.id]);
  const connectors = useResource(() => api.listConnectors(), [api]);
  const catalog = useResource(() => api.listEventTypes(), [api]);
  const [code, setCode] = useState<string>();
  const [run, setRun] = useState<TestRun>();
  const [problem, setProblem] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [backtest, setBacktest] = useState<TransformationBacktestOut['data']>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (saved.data && code === undefined) setCode(saved.data.code ?? STARTER);
  }, [saved.data, code]);

  const draft = code ?? '';
  const connector = connectors.data?.data.find((c) => c.id === endpoint.connector?.id);
  const eventTypes = (catalog.data?.data ?? []).filter(
    (e) => !endpoint.eventTypes?.length || endpoint.eventTypes.includes(e.name),
  );

  async function act(action: () => Promise<void>) {
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(
        error instanceof ApiProblem
          ? (error.field('code') ?? error.field('enabled') ?? error.message)
          : messageOf(error),
      );
    } finally {
      setBusy(false);
    }
  }

  const save = () =>
    act(async () => {
      await api.patchTransformation(appId, endpoint.id, { code: draft });
      setNotice('Saved: the next attempts use this code, retries included.');
      saved.reload();
    });
  const toggle = (enabled: boolean) =>
    act(async () => {
      await api.patchTransformation(
        appId,
        endpoint.id,
        enabled && !saved.data?.code ? { code: draft, enabled } : { enabled },
      );
      setNotice(
        enabled ? 'Transformation enabled.' : 'Transformation disabled: events are sent as they are.',
      );
      saved.reload();
    });
  const runBacktest = () =>
    act(async () => {
      setBacktest((await api.backtest(appId, endpoint.id, draft, 10)).data);
    });

  if (saved.error) return <p role="alert">{messageOf(saved.error)}</p>;
  if (!saved.data || code === undefined) return <p aria-live="polite">Loading…</p>;
  const runError = run && run.code === draft ? run.result.error : null;
  const mark =
    errorMarkOf(problem) ?? (runError?.line ? { line: runError.line, message: runError.message } : null);

  return (
    <section className="transformation" aria-labelledby="transformation-title">
      <h2 id="transformation-title">Transformation</h2>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={saved.data.enabled}
          disabled={busy}
          onChange={(e) => toggle(e.target.checked)}
        />
        Enabled
      </label>
      <p className="help">
        {saved.data.enabled
          ? 'Every event runs through this code before it is sent.'
          : 'Off: events are sent unchanged. Enable it to reshape them with the code below.'}
      </p>
      <div className="editor-and-test">
        <div className="editor-column">
          <span className="editor-label">Code</span>
          <CodeEditor
            id="endpoint-transformation-code"
            label="Transformation code"
            language="javascript"
            value={draft}
            onChange={setCode}
            errorMark={mark}
          />
          <FieldError id="endpoint-transformation-error" message={problem} />
          {notice ? (
            <p className="notice" role="status">
              {notice}
            </p>
          ) : null}
          <p className="button-row">
            <button
              type="button"
              className="primary"
              onClick={save}
              disabled={busy || draft === saved.data.code}
            >
              Save code
            </button>
            <button type="button" onClick={runBacktest} disabled={busy}>
              Backtest on recent events
            </button>
          </p>
          {backtest ? <BacktestResults results={backtest} /> : null}
        </div>
        <TestPanel
          code={draft}
          eventTypes={eventTypes}
          connector={connector}
          region={endpoint.connector?.region ?? undefined}
          url={connector ? undefined : endpoint.url}
          onRun={setRun}
        />
      </div>
    </section>
  );
}
