import { type FormEvent, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import { eventTypesFor } from '../api/event-types.ts';
import type { EndpointOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { useSession } from '../session/session-context.tsx';
import { useCurrentApp } from './app-layout.tsx';
import { EventTypeTree } from './event-type-tree.tsx';
import { FieldError } from './field-error.tsx';

/** Change where a plain endpoint sends, its description and its events. */
export function EndpointSettingsForm({
  appId,
  endpoint,
  onSaved,
}: {
  appId: string;
  endpoint: EndpointOut;
  onSaved: () => void;
}) {
  const { api } = useSession();
  const currentApp = useCurrentApp();
  const catalog = useResource(() => api.listEventTypes(), [api]);
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description);
  const [selected, setSelected] = useState<string[]>(endpoint.eventTypes ?? []);
  const [problem, setProblem] = useState<ApiProblem>();
  const [failure, setFailure] = useState<string>();
  const [notice, setNotice] = useState<string>();
  // A card's URL is the vendor's API, or a secret webhook URL that its connection set.
  const urlEditable = !endpoint.connector;

  async function save(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setFailure(undefined);
    setNotice(undefined);
    try {
      await api.patchEndpoint(appId, endpoint.id, {
        ...(urlEditable ? { url } : {}),
        description,
        eventTypes: selected.length ? selected : null,
      });
      setNotice('Saved.');
      onSaved();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else setFailure(messageOf(error));
    }
  }

  return (
    <form onSubmit={save} noValidate aria-labelledby="endpoint-settings-title" className="endpoint-settings">
      <h2 id="endpoint-settings-title">Settings</h2>
      {urlEditable ? (
        <div className="field">
          <label htmlFor="edit-endpoint-url">Endpoint URL</label>
          <input
            id="edit-endpoint-url"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={problem?.field('url') ? true : undefined}
            aria-describedby="edit-endpoint-url-error"
          />
          <FieldError id="edit-endpoint-url-error" message={problem?.field('url')} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="edit-endpoint-description">Description</label>
        <input
          id="edit-endpoint-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          aria-describedby="edit-endpoint-description-error"
        />
        <FieldError id="edit-endpoint-description-error" message={problem?.field('description')} />
      </div>
      <EventTypeTree
        eventTypes={eventTypesFor(catalog.data?.data ?? [], currentApp)}
        selected={selected}
        onChange={setSelected}
        error={problem?.field('eventTypes')}
      />
      {selected.length === 0 ? (
        <p className="help">With no event picked, the endpoint receives every event.</p>
      ) : null}
      {failure ? <p role="alert">{failure}</p> : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <button type="submit" className="primary">
        Save settings
      </button>
    </form>
  );
}
