import { type FormEvent, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { EndpointOut } from '../api/openapi-types.ts';
import { useSession } from '../session/session-context.tsx';
import { FieldError } from './field-error.tsx';

/** Messages per second this endpoint may receive; empty for no limit beyond the application's. */
export function RateLimitForm({
  appId,
  endpoint,
  onSaved,
}: {
  appId: string;
  endpoint: EndpointOut;
  onSaved: () => void;
}) {
  const { api } = useSession();
  const [value, setValue] = useState(endpoint.throttleRate?.toString() ?? '');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      await api.patchEndpoint(appId, endpoint.id, {
        throttleRate: value.trim() === '' ? null : Number(value),
      });
      setNotice(value.trim() === '' ? 'No rate limit.' : `At most ${value} messages per second.`);
      onSaved();
    } catch (caught) {
      setError(
        caught instanceof ApiProblem ? (caught.field('throttleRate') ?? caught.message) : messageOf(caught),
      );
    }
  }

  return (
    <form onSubmit={save} noValidate aria-labelledby="rate-limit-title">
      <h2 id="rate-limit-title">Rate limit</h2>
      <label htmlFor="rate-limit">Messages per second</label>
      <input
        id="rate-limit"
        type="number"
        inputMode="numeric"
        min={1}
        max={65535}
        value={value}
        placeholder="No limit"
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby="rate-limit-help rate-limit-error"
      />
      <p id="rate-limit-help" className="help">
        Deliveries beyond this rate wait their turn; nothing is dropped. Leave empty for no limit.
      </p>
      <FieldError id="rate-limit-error" message={error} />
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <button type="submit">Save rate limit</button>
    </form>
  );
}
