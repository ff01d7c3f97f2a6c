import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import { eventTypesFor } from '../api/event-types.ts';
import type { ConnectorOut, EndpointIn, OAuthConnectionOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { useCurrentApp } from '../components/app-layout.tsx';
import { ConnectorLogo } from '../components/connector-logo.tsx';
import { ConnectorPicker } from '../components/connector-picker.tsx';
import { CredentialFields } from '../components/credential-fields.tsx';
import { EventTypeTree } from '../components/event-type-tree.tsx';
import { FieldError } from '../components/field-error.tsx';
import { Markdown } from '../components/markdown.tsx';
import { OAuthConnect } from '../components/oauth-connect.tsx';
import { TemplatePicker } from '../components/template-picker.tsx';
import { TestPanel, type TestRun } from '../components/test-panel.tsx';
import { CodeEditor } from '../editor/code-editor.tsx';
import { errorMarkOf } from '../editor/error-mark-of.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { useSearchParams } from '../router/use-search-params.ts';
import { useSession } from '../session/session-context.tsx';

/** Fields the form shows the API's messages beside; anything else goes in the banner. */
const CLAIMED = [
  'url',
  'description',
  'eventTypes',
  'filterTypes',
  'connector.credentials',
  'connector.region',
  'code',
];

/** Whether the card needs the merchant's own URL: the URL is the secret (Slack), or it is their own API. */
function needsUrl(connector: ConnectorOut | undefined, viaOAuth: boolean): boolean {
  if (viaOAuth && connector?.oauth?.yields === 'webhook-url') return false;
  return (
    !connector || connector.authentication === 'url' || connector.regions.every((r) => r.hosts.length === 0)
  );
}

/**
 * + Add Endpoint: a plain URL, or an integration card (instructions, credentials, region, template, events,
 * the transformation editor beside its test panel). Create is offered once a test ran.
 */
export function AddEndpointPage({ appId }: { appId: string }) {
  const { api } = useSession();
  const currentApp = useCurrentApp();
  const connectors = useResource(() => api.listConnectors(), [api]);
  const eventTypes = useResource(() => api.listEventTypes(), [api]);
  const [connector, setConnector] = useState<ConnectorOut>();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [region, setRegion] = useState('');
  const [template, setTemplate] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [code, setCode] = useState('');
  const [run, setRun] = useState<TestRun>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [failure, setFailure] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [connection, setConnection] = useState<OAuthConnectionOut>();
  const [manual, setManual] = useState(false);
  const [params] = useSearchParams();
  const restored = useRef(false);

  const templateOf = (c: ConnectorOut | undefined, id: string) => c?.templates.find((t) => t.id === id);

  function pickConnector(next: ConnectorOut) {
    const first = next.templates[0];
    setConnector(next);
    setConnection(undefined);
    setManual(false);
    setCredentials({});
    setRegion(next.regions[0]?.id ?? '');
    setTemplate(first?.id ?? '');
    setSelected([...(first?.eventTypes ?? next.defaultEventTypes)].sort());
    setCode(first?.code ?? '');
    setRun(undefined);
    setProblem(undefined);
  }

  // Back from a vendor's consent page (or a link to one card): the card is picked again, with its connection.
  const cardParam = params.get('card');
  const connectionParam = params.get('connection');
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, when the cards have loaded
  useEffect(() => {
    const card = connectors.data?.data.find((c) => c.id === cardParam);
    if (restored.current || !card) return;
    restored.current = true;
    pickConnector(card);
    if (connectionParam) {
      api
        .getOAuthConnection(appId, connectionParam)
        .then(setConnection)
        .catch((error: unknown) => setFailure(messageOf(error)));
    }
  }, [connectors.data]);

  function pickTemplate(id: string) {
    const next = templateOf(connector, id);
    if (!next) return;
    const edited = code !== (templateOf(connector, template)?.code ?? '');
    if (edited && !window.confirm('Replace your edited code with this template?')) return;
    setTemplate(id);
    setCode(next.code);
    setSelected([...next.eventTypes].sort());
    setRun(undefined);
  }

  const viaOAuth = Boolean(connector?.oauth?.available) && !manual;

  async function create(event: FormEvent) {
    event.preventDefault();
    if (viaOAuth && connection?.status !== 'connected') {
      setFailure(`Connect ${connector?.name} first: the button is at the top of the page.`);
      return;
    }
    setCreating(true);
    setProblem(undefined);
    setFailure(undefined);
    const body: EndpointIn = connector
      ? {
          connector: {
            id: connector.id,
            template: template || null,
            region: region || null,
            ...(viaOAuth
              ? { connection: connection?.id ?? null }
              : { credentials: Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== '')) }),
          },
          eventTypes: selected,
          ...(needsUrl(connector, viaOAuth) ? { url } : {}),
          ...(description ? { description } : {}),
        }
      : {
          url,
          ...(selected.length ? { eventTypes: selected } : {}),
          ...(description ? { description } : {}),
        };
    try {
      const endpoint = await api.createEndpoint(appId, body);
      const templateCode = templateOf(connector, template)?.code;
      if (connector && code !== templateCode) {
        try {
          await api.patchTransformation(appId, endpoint.id, { code, enabled: true });
        } catch (error) {
          // The endpoint must not exist with code other than what the merchant tested.
          await api.deleteEndpoint(appId, endpoint.id).catch(() => undefined);
          throw error;
        }
      }
      navigate(`/app/${appId}/endpoints/${endpoint.id}?created=1`);
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else setFailure(messageOf(error));
    } finally {
      setCreating(false);
    }
  }

  const catalog = eventTypesFor(eventTypes.data?.data ?? [], currentApp);
  const testTypes = selected.length ? catalog.filter((e) => selected.includes(e.name)) : catalog;
  const runError = run && run.code === code ? run.result.error : null;
  const codeProblem = problem?.field('code');
  const errorMark =
    errorMarkOf(codeProblem) ?? (runError?.line ? { line: runError.line, message: runError.message } : null);
  const banner = problem?.unclaimed(CLAIMED) ?? (failure ? [failure] : []);
  const loadError = connectors.error ?? eventTypes.error;

  return (
    <form className="add-endpoint" onSubmit={create} noValidate>
      <header className="page-header">
        <h1>Add endpoint</h1>
        <Link to={`/app/${appId}/endpoints`}>Cancel</Link>
      </header>
      {loadError ? <p role="alert">{messageOf(loadError)}</p> : null}

      {connector ? (
        <section className="card-setup" aria-labelledby="card-title">
          <div className="card-heading">
            <ConnectorLogo svg={connector.logo} size={40} />
            <div>
              <h2 id="card-title">{connector.name}</h2>
              <p>{connector.description}</p>
            </div>
            <button type="button" onClick={() => setConnector(undefined)}>
              Change
            </button>
          </div>
          <details open>
            <summary>Setup instructions</summary>
            <Markdown source={connector.instructions} />
          </details>
        </section>
      ) : (
        <section aria-labelledby="destination-title">
          <h2 id="destination-title">Where should events go?</h2>
          <p>
            Enter the URL of your server, or pick an integration to send events straight to a tool you use.
          </p>
          <ConnectorPicker connectors={connectors.data?.data ?? []} onPick={pickConnector} />
        </section>
      )}

      {needsUrl(connector, viaOAuth) ? (
        <div className="field">
          <label htmlFor="endpoint-url">{connector ? `${connector.name} URL` : 'Endpoint URL'}</label>
          <input
            id="endpoint-url"
            type="url"
            inputMode="url"
            value={url}
            placeholder="https://example.com/webhooks"
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={problem?.field('url') ? true : undefined}
            aria-describedby="endpoint-url-error"
          />
          <FieldError id="endpoint-url-error" message={problem?.field('url')} />
        </div>
      ) : null}

      {connector && viaOAuth ? (
        <>
          <OAuthConnect
            appId={appId}
            connector={connector}
            connection={connection}
            onConnection={setConnection}
          />
          <p>
            <button type="button" className="link-button" onClick={() => setManual(true)}>
              {connector.oauth?.yields === 'webhook-url'
                ? 'Paste a webhook URL instead'
                : 'Enter the credentials by hand instead'}
            </button>
          </p>
        </>
      ) : null}

      {connector ? (
        <>
          <CredentialFields
            connector={connector}
            hideSecrets={viaOAuth}
            credentials={credentials}
            onCredentials={setCredentials}
            region={region}
            onRegion={setRegion}
            problem={problem}
          />
          <TemplatePicker connector={connector} template={template} onTemplate={pickTemplate} />
        </>
      ) : null}

      <div className="field">
        <label htmlFor="endpoint-description">Description (optional)</label>
        <input
          id="endpoint-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          aria-describedby="endpoint-description-error"
        />
        <FieldError id="endpoint-description-error" message={problem?.field('description')} />
      </div>

      <EventTypeTree
        eventTypes={catalog}
        selected={selected}
        onChange={setSelected}
        error={problem?.field('eventTypes') ?? problem?.field('filterTypes')}
      />
      {!connector && selected.length === 0 ? (
        <p className="help">With no event picked, the endpoint receives every event.</p>
      ) : null}

      {connector ? (
        <section className="transformation" aria-labelledby="transformation-title">
          <h2 id="transformation-title">Transformation</h2>
          <p className="help">
            JavaScript that turns each event into the request {connector.name} expects. Credentials are added
            by Switchyard when it sends: never write them in the code.
          </p>
          <div className="editor-and-test">
            <div className="editor-column">
              <span className="editor-label">Code</span>
              <CodeEditor
                id="transformation-code"
                label="Transformation code"
                language="javascript"
                value={code}
                onChange={setCode}
                errorMark={errorMark}
              />
              <FieldError id="transformation-code-error" message={codeProblem} />
            </div>
            <TestPanel
              code={code}
              eventTypes={testTypes}
              connector={connector}
              region={region}
              url={needsUrl(connector, viaOAuth) && url ? url : undefined}
              urlFromConnection={
                viaOAuth && connector.oauth?.yields === 'webhook-url'
                  ? `(the webhook URL of your ${connector.name} connection)`
                  : undefined
              }
              onRun={setRun}
            />
          </div>
        </section>
      ) : null}

      {banner.length ? (
        <div className="banner error" role="alert">
          {banner.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      ) : null}

      <div className="actions">
        {connector && !run ? (
          <p className="help">Run a test to check what your code sends, then create the endpoint.</p>
        ) : (
          <button type="submit" className="primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create'}
          </button>
        )}
      </div>
    </form>
  );
}
