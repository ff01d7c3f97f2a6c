import { type FormEvent, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import { useResource } from '../api/use-resource.ts';
import { useSession } from '../session/session-context.tsx';
import { FieldError } from './field-error.tsx';

/** Headers sent with every request to this endpoint; credential headers are shown by name only. */
export function CustomHeadersForm({ appId, endpointId }: { appId: string; endpointId: string }) {
  const { api } = useSession();
  const headers = useResource(() => api.getHeaders(appId, endpointId), [api, appId, endpointId]);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();

  async function change(action: () => Promise<void>) {
    setError(undefined);
    try {
      await action();
      headers.reload();
    } catch (caught) {
      setError(
        caught instanceof ApiProblem ? (caught.field('headers') ?? caught.message) : messageOf(caught),
      );
    }
  }

  function add(event: FormEvent) {
    event.preventDefault();
    void change(async () => {
      await api.patchHeaders(appId, endpointId, { headers: { [name.trim()]: value } });
      setName('');
      setValue('');
    });
  }

  const shown = headers.data
    ? [
        ...Object.entries(headers.data.headers),
        ...headers.data.sensitive.map((header): [string, string] => [header, '(hidden)']),
      ]
    : [];

  return (
    <form onSubmit={add} noValidate aria-labelledby="headers-title">
      <h2 id="headers-title">Custom headers</h2>
      {shown.length === 0 ? <p className="help">No custom headers. Add one below.</p> : null}
      {shown.length ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Header</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map(([header, headerValue]) => (
              <tr key={header}>
                <td>
                  <code>{header}</code>
                </td>
                <td>{headerValue}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      change(() =>
                        api.patchHeaders(appId, endpointId, { headers: {}, deleteHeaders: [header] }),
                      )
                    }
                  >
                    Remove <span className="visually-hidden">{header}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="inline-fields">
        <div>
          <label htmlFor="header-name">Header name</label>
          <input
            id="header-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="X-Team"
          />
        </div>
        <div>
          <label htmlFor="header-value">Value</label>
          <input id="header-value" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <button type="submit" disabled={!name.trim()}>
          Add header
        </button>
      </div>
      <FieldError id="headers-error" message={error} />
    </form>
  );
}
