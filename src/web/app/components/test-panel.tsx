import { useEffect, useId, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import { exampleOf } from '../api/event-types.ts';
import type { ConnectorOut, EventTypeOut, TransformationRunOut } from '../api/openapi-types.ts';
import { CodeEditor } from '../editor/code-editor.tsx';
import { useSession } from '../session/session-context.tsx';

const MASK = '••••';
/** Stands for a URL that only the OAuth connection knows; `.invalid` can never resolve. */
const CONNECTION_URL = 'https://oauth-connection.invalid/';

/** The header the delivery engine adds from the stored credentials, shown masked; none for other hosts. */
function credentialHeaders(
  connector: ConnectorOut | undefined,
  regionId: string | undefined,
  url: string,
): Record<string, string> {
  if (!connector) return {};
  const region = connector.regions.find((r) => r.id === regionId) ?? connector.regions[0];
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    return {};
  }
  const ownHost = region && region.hosts.length === 0;
  if (!ownHost && !region?.hosts.includes(host)) return {};
  if (connector.authentication === 'basic') return { authorization: `Basic ${MASK}` };
  if (connector.authentication === 'bearer') return { authorization: `Bearer ${MASK}` };
  if (connector.authentication === 'header') return { [`${connector.name} credential`]: MASK };
  return {};
}

export interface TestRun {
  result: TransformationRunOut;
  /** The code the run was made with, so a later edit can tell that the result is stale. */
  code: string;
}

/**
 * Runs the code on an event type's example (or an edited payload) without sending anything, and shows the
 * request delivery would make, the console, the error with its line, and the vendor's contract warnings.
 */
export function TestPanel({
  code,
  eventTypes,
  connector,
  region,
  url,
  urlFromConnection,
  onRun,
}: {
  code: string;
  /** The event types to offer, first selected; all of the catalog when the endpoint picks none. */
  eventTypes: readonly EventTypeOut[];
  connector?: ConnectorOut | undefined;
  region?: string | undefined;
  url?: string | undefined;
  /**
   * The endpoint's URL will come from an OAuth connection and is not known here: say so in place of the test's
   * stand-in URL, and leave out what the vendor's rules say about that stand-in.
   */
  urlFromConnection?: string | undefined;
  onRun: (run: TestRun | undefined) => void;
}) {
  const { api } = useSession();
  const ids = useId();
  const [eventType, setEventType] = useState(eventTypes[0]?.name ?? '');
  const [payload, setPayload] = useState('');
  const [payloadError, setPayloadError] = useState<string>();
  const [run, setRun] = useState<TestRun>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const chosen = eventTypes.find((e) => e.name === eventType);
  useEffect(() => {
    if (!chosen && eventTypes[0]) setEventType(eventTypes[0].name);
  }, [chosen, eventTypes]);
  useEffect(() => {
    setPayload(JSON.stringify(exampleOf(chosen) ?? {}, null, 2));
    setPayloadError(undefined);
  }, [chosen]);

  async function runTest() {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(payload) as Record<string, unknown>;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('it must be a JSON object');
    } catch (error) {
      setPayloadError(`The payload is not a valid JSON object: ${messageOf(error)}`);
      return;
    }
    setPayloadError(undefined);
    setBusy(true);
    setFailure(undefined);
    try {
      const result = await api.runTransformation({
        code,
        eventType,
        payload: parsed,
        ...(connector ? { connector: connector.id, region } : {}),
        ...(urlFromConnection ? { url: CONNECTION_URL } : url ? { url } : {}),
      });
      const next = { result, code };
      setRun(next);
      onRun(next);
    } catch (error) {
      setRun(undefined);
      onRun(undefined);
      setFailure(error instanceof ApiProblem ? error.message : messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  const result = run?.result;
  const stale = run !== undefined && run.code !== code;
  const keptUrl = Boolean(urlFromConnection) && result?.request?.url === CONNECTION_URL;
  const warnings = (result?.warnings ?? []).filter((w) => !keptUrl || w.field !== 'url');
  const headers = result?.request
    ? { ...result.request.headers, ...credentialHeaders(connector, region, result.request.url) }
    : {};

  return (
    <section className="test-panel" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Test</h3>
      <p className="help">Runs the code on a sample event. Nothing is sent.</p>
      <label htmlFor={`${ids}-event`}>Event type</label>
      <select id={`${ids}-event`} value={eventType} onChange={(e) => setEventType(e.target.value)}>
        {eventTypes.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
          </option>
        ))}
      </select>
      <div className="label-row">
        <span className="editor-label">Payload</span>
        <button
          type="button"
          className="link-button"
          onClick={() => setPayload(JSON.stringify(exampleOf(chosen) ?? {}, null, 2))}
        >
          Reset to the example
        </button>
      </div>
      <CodeEditor
        id={`${ids}-payload`}
        label="Payload (JSON)"
        language="json"
        value={payload}
        onChange={setPayload}
      />
      {payloadError ? (
        <p className="field-error" role="alert">
          {payloadError}
        </p>
      ) : null}
      <button type="button" className="primary" onClick={runTest} disabled={busy || !eventType}>
        {busy ? 'Running…' : 'Run test'}
      </button>
      {failure ? (
        <p className="field-error" role="alert">
          {failure}
        </p>
      ) : null}
      {result ? (
        <div className={`test-result${stale ? ' stale' : ''}`} aria-live="polite" data-testid="test-result">
          {stale ? <p className="notice">The code changed since this run: run the test again.</p> : null}
          {result.error ? (
            <div className="run-error" role="alert">
              <strong>{result.error.name}</strong>
              {result.error.line !== null ? ` on line ${result.error.line}` : ''}
              {result.error.column !== null ? `, column ${result.error.column}` : ''}: {result.error.message}
            </div>
          ) : null}
          {result.cancelled ? <p>The code cancelled this event: nothing would be sent.</p> : null}
          {result.request ? (
            <>
              <h4>Request</h4>
              <p className="request-line">
                <code>
                  {result.request.method} {keptUrl ? urlFromConnection : result.request.url}
                </code>
              </p>
              <table className="headers">
                <caption>Headers</caption>
                <tbody>
                  {Object.entries(headers).map(([name, value]) => (
                    <tr key={name}>
                      <th scope="row">{name}</th>
                      <td>{value}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">webhook-signature</th>
                    <td className="muted">added when sent</td>
                  </tr>
                </tbody>
              </table>
              <h4>Body</h4>
              <pre className="json" data-testid="request-body">
                {JSON.stringify(result.request.payload, null, 2)}
              </pre>
            </>
          ) : null}
          {warnings.length ? (
            <>
              <h4>Warnings from {connector?.name ?? 'the destination'}</h4>
              <ul className="warnings">
                {warnings.map((w) => (
                  <li key={`${w.field}:${w.message}`}>
                    <code>{w.field}</code>: {w.message}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h4>Console</h4>
          {result.console.length ? (
            <pre className="console">{result.console.map((c) => `[${c.level}] ${c.message}`).join('\n')}</pre>
          ) : (
            <p className="muted">Nothing logged. Use console.log in the code to see values here.</p>
          )}
          <p className="muted">Ran in {result.durationMs.toFixed(1)} ms.</p>
        </div>
      ) : null}
    </section>
  );
}
