import { type FormEvent, useEffect, useState } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { AlertSettingsOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { FieldError } from '../components/field-error.tsx';
import { useSession } from '../session/session-context.tsx';

type AlertKind = AlertSettingsOut['events'][number];

const KINDS: { kind: AlertKind; label: string }[] = [
  { kind: 'endpoint.failing', label: 'An endpoint starts failing (a message failed four attempts)' },
  { kind: 'endpoint.disabled', label: 'An endpoint was disabled' },
  { kind: 'message.attempt.exhausted', label: 'A message failed every attempt and will not be retried' },
];

/** The app's failure email alerts: who is told, and about what. */
export function SettingsPage({ appId }: { appId: string }) {
  const { api } = useSession();
  const saved = useResource(() => api.getAlerts(appId), [api, appId]);
  const [emails, setEmails] = useState<string[]>([]);
  const [events, setEvents] = useState<AlertKind[]>([]);
  const [problem, setProblem] = useState<ApiProblem>();
  const [failure, setFailure] = useState<string>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    if (!saved.data) return;
    setEmails(saved.data.emails.length ? saved.data.emails : ['']);
    setEvents(saved.data.events);
  }, [saved.data]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setFailure(undefined);
    setNotice(undefined);
    try {
      const result = await api.putAlerts(appId, {
        emails: emails.map((e) => e.trim()).filter(Boolean),
        events,
      });
      setEmails(result.emails.length ? result.emails : ['']);
      setNotice(
        result.emails.length
          ? `Saved: ${result.emails.length} address${result.emails.length === 1 ? '' : 'es'} will be emailed.`
          : 'Saved: no one will be emailed.',
      );
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else setFailure(messageOf(error));
    }
  }

  // The API numbers addresses after blank rows are dropped; map its index back to the row shown.
  const rowOfIndex = emails.map((_, row) => row).filter((row) => emails[row]?.trim());
  const errorForRow = (row: number) => {
    const index = rowOfIndex.indexOf(row);
    return index < 0 ? undefined : problem?.fields.get(`emails.${index}`);
  };

  if (saved.error) return <p role="alert">{messageOf(saved.error)}</p>;
  return (
    <>
      <h1>Settings</h1>
      <form onSubmit={save} noValidate className="settings">
        <h2>Failure alerts by email</h2>
        <p>Who should hear about it when deliveries to this application's endpoints fail.</p>
        <fieldset>
          <legend>Email addresses</legend>
          {emails.length === 1 && !emails[0] ? (
            <p className="help">
              No one is emailed yet. Add the address of whoever looks after your integrations.
            </p>
          ) : null}
          {emails.map((email, row) => {
            const id = `alert-email-${row}`;
            const error = errorForRow(row);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their position is their identity
              <div className="inline-fields" key={row}>
                <div>
                  <label htmlFor={id}>Address {row + 1}</label>
                  <input
                    id={id}
                    type="email"
                    autoComplete="email"
                    value={email}
                    onChange={(e) => setEmails(emails.map((v, i) => (i === row ? e.target.value : v)))}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={`${id}-error`}
                  />
                  <FieldError id={`${id}-error`} message={error} />
                </div>
                <button type="button" onClick={() => setEmails(emails.filter((_, i) => i !== row))}>
                  Remove <span className="visually-hidden">address {row + 1}</span>
                </button>
              </div>
            );
          })}
          <p>
            <button type="button" onClick={() => setEmails([...emails, ''])}>
              Add address
            </button>
          </p>
          <FieldError id="alert-emails-error" message={problem?.fields.get('emails')} />
        </fieldset>
        <fieldset>
          <legend>Send an email when</legend>
          {KINDS.map(({ kind, label }) => (
            <label key={kind} className="inline-check">
              <input
                type="checkbox"
                checked={events.includes(kind)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, kind] : events.filter((k) => k !== kind))
                }
              />
              {label}
            </label>
          ))}
          <FieldError id="alert-events-error" message={problem?.field('events')} />
        </fieldset>
        {failure ? <p role="alert">{failure}</p> : null}
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <button type="submit" className="primary">
          Save alerts
        </button>
      </form>
    </>
  );
}
