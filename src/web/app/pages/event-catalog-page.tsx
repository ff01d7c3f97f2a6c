import { useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import { eventTypesFor, exampleOf, groupEventTypes, schemaOf } from '../api/event-types.ts';
import { useResource } from '../api/use-resource.ts';
import { useCurrentApp } from '../components/app-layout.tsx';
import { useSearchParams } from '../router/use-search-params.ts';
import { useSession } from '../session/session-context.tsx';

/** Every event type, grouped by resource and searchable, with its description, schema and example. */
export function EventCatalogPage() {
  const { api } = useSession();
  const currentApp = useCurrentApp();
  const catalog = useResource(() => api.listEventTypes(), [api]);
  const [params, setParams] = useSearchParams();
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const all = eventTypesFor(catalog.data?.data ?? [], currentApp);
  const groups = groupEventTypes(
    all.filter((e) => !needle || `${e.name} ${e.description}`.toLowerCase().includes(needle)),
  );
  const selected = all.find((e) => e.name === params.get('event')) ?? groups[0]?.eventTypes[0];
  const example = exampleOf(selected);
  const schema = schemaOf(selected);

  return (
    <>
      <h1>Event catalog</h1>
      <p>
        The events your endpoints can receive. Each is a JSON envelope with <code>type</code>,{' '}
        <code>timestamp</code> and the resource in <code>data</code>.
      </p>
      {catalog.error ? <p role="alert">{messageOf(catalog.error)}</p> : null}
      <div className="catalog">
        <nav aria-label="Event types" className="catalog-tree">
          <label htmlFor="catalog-search">Search events</label>
          <input
            id="catalog-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="e.g. refund"
          />
          {groups.length === 0 && catalog.data ? <p>No event type matches “{query}”.</p> : null}
          <ul className="catalog-groups">
            {groups.map((group) => (
              <li key={group.name}>
                <span className="group-name">{group.name}</span>
                <ul className="catalog-members">
                  {group.eventTypes.map((e) => (
                    <li key={e.name}>
                      <button
                        type="button"
                        className="tree-item"
                        aria-current={selected?.name === e.name ? 'true' : undefined}
                        onClick={() => setParams({ event: e.name })}
                      >
                        {e.name}
                        {e.deprecated ? ' (deprecated)' : ''}
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </nav>
        {selected ? (
          <article className="catalog-detail" aria-labelledby="event-title">
            <h2 id="event-title">
              <code>{selected.name}</code>
            </h2>
            <p>{selected.description}</p>
            <h3>Example payload</h3>
            {example ? (
              <pre className="json" data-testid="event-example">
                {JSON.stringify(example, null, 2)}
              </pre>
            ) : (
              <p>No example for this event type.</p>
            )}
            <details>
              <summary>Schema</summary>
              {schema ? <pre className="json">{JSON.stringify(schema, null, 2)}</pre> : <p>No schema.</p>}
            </details>
          </article>
        ) : null}
      </div>
    </>
  );
}
