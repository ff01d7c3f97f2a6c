import { type FormEvent, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { ConnectorOut, EndpointOut } from '../api/openapi-types.ts';
import { useSession } from '../session/session-context.tsx';
import { CredentialFields } from './credential-fields.tsx';

/** Replace a card endpoint's credentials (a rotated key) or region, without recreating the endpoint. */
export function CredentialsForm({
  appId,
  endpoint,
  connector,
  onSaved,
}: {
  appId: string;
  endpoint: EndpointOut;
  connector: ConnectorOut;
  onSaved: () => void;
}) {
  const { api } = useSession();
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [region, setRegion] = useState(endpoint.connector?.region ?? connector.regions[0]?.id ?? '');
  const [problem, setProblem] = useState<ApiProblem>();
  const [failure, setFailure] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function save(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setFailure(undefined);
    setNotice(undefined);
    try {
      await api.setCredentials(
        appId,
        endpoint.id,
        Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== '')),
        region,
      );
      setCredentials({});
      setNotice('Credentials replaced: the next attempts use them.');
      onSaved();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else setFailure(messageOf(error));
    }
  }

  if (connector.credentials.length === 0) return null;
  return (
    <form
      onSubmit={save}
      noValidate
      aria-labelledby="replace-credentials-title"
      className="replace-credentials"
    >
      <h2 id="replace-credentials-title">Replace credentials</h2>
      <p className="help">The stored ones are never shown again; enter new ones to replace them all.</p>
      <CredentialFields
        connector={connector}
        credentials={credentials}
        onCredentials={setCredentials}
        region={region}
        onRegion={setRegion}
        problem={problem && remapped(problem)}
      />
      {failure ? <p role="alert">{failure}</p> : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <button type="submit">Replace credentials</button>
    </form>
  );
}

/** This API names the fields `credentials.x` and `region`; the shared fields read `connector.…`. */
function remapped(problem: ApiProblem): ApiProblem {
  return new ApiProblem({
    type: 'about:blank',
    title: problem.message,
    status: problem.status,
    code: problem.code,
    detail: problem.fields.size
      ? [...problem.fields].map(([key, msg]) => ({
          loc: ['body', 'connector', ...key.split('.')],
          msg,
          type: 'value_error',
        }))
      : problem.message,
  });
}
