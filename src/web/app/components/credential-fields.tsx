import type { ApiProblem } from '../api/api-problem.ts';
import type { ConnectorOut } from '../api/openapi-types.ts';
import { FieldError } from './field-error.tsx';

/** The card's credential form (and its region where the vendor has several), each with the API's message. */
export function CredentialFields({
  connector,
  credentials,
  onCredentials,
  region,
  onRegion,
  problem,
  hideSecrets,
}: {
  connector: ConnectorOut;
  /** The credentials come from an OAuth connection: only the region is asked. */
  hideSecrets?: boolean;
  credentials: Record<string, string>;
  onCredentials: (credentials: Record<string, string>) => void;
  region: string;
  onRegion: (region: string) => void;
  problem: ApiProblem | undefined;
}) {
  const fields = hideSecrets ? [] : connector.credentials;
  if (fields.length === 0 && connector.regions.length < 2) return null;
  return (
    <fieldset className="credentials">
      <legend>{fields.length ? 'Credentials' : 'Region'}</legend>
      {fields.map((field) => {
        const id = `credential-${field.id}`;
        const error = problem?.field(`connector.credentials.${field.id}`);
        return (
          <div className="field" key={field.id}>
            <label htmlFor={id}>{field.label}</label>
            <input
              id={id}
              type={field.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              value={credentials[field.id] ?? ''}
              placeholder={field.placeholder}
              onChange={(e) => onCredentials({ ...credentials, [field.id]: e.target.value })}
              aria-invalid={error ? true : undefined}
              aria-describedby={`${id}-help ${id}-error`}
            />
            <p id={`${id}-help`} className="help">
              {field.help}
            </p>
            <FieldError id={`${id}-error`} message={error} />
          </div>
        );
      })}
      {connector.regions.length > 1 ? (
        <div className="field">
          <label htmlFor="connector-region">Region</label>
          <select
            id="connector-region"
            value={region}
            onChange={(e) => onRegion(e.target.value)}
            aria-describedby="connector-region-error"
          >
            {connector.regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <FieldError id="connector-region-error" message={problem?.field('connector.region')} />
        </div>
      ) : null}
    </fieldset>
  );
}
