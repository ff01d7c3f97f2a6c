/**
 * Who is signed in, kept for the browser tab only: the operator, who picks any app, or a merchant who came
 * through an app-portal link and sees one app.
 */
export type Session = { kind: 'operator'; token: string } | { kind: 'portal'; token: string; appId: string };

const KEY = 'switchyard.session';

export function loadSession(): Session | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return stored && typeof stored.token === 'string' ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}
