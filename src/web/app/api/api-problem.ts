import type { Problem } from './openapi-types.ts';

/**
 * An API error answer (`application/problem+json`). A 422's invalid fields are kept by path, without the
 * leading `body`/`query`/`path` part, so a form shows each next to its control: `connector.credentials.writeKey`.
 */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  readonly status: number;
  readonly code: string;
  readonly fields: ReadonlyMap<string, string>;

  constructor(problem: Problem) {
    const detail =
      typeof problem.detail === 'string'
        ? problem.detail
        : problem.detail.map((d) => `${d.loc.slice(1).join('.')}: ${d.msg}`).join('; ');
    super(detail || problem.title);
    this.status = problem.status;
    this.code = problem.code;
    this.fields = new Map(
      typeof problem.detail === 'string' ? [] : problem.detail.map((d) => [d.loc.slice(1).join('.'), d.msg]),
    );
  }

  /** The message for a field, or for any field under it (`eventTypes` also matches `eventTypes.2`). */
  field(name: string): string | undefined {
    const exact = this.fields.get(name);
    if (exact) return exact;
    for (const [key, message] of this.fields) if (key.startsWith(`${name}.`)) return message;
    return undefined;
  }

  /** The messages no form control claims, for a banner. */
  unclaimed(claimed: readonly string[]): string[] {
    if (this.fields.size === 0) return [this.message];
    return [...this.fields]
      .filter(([key]) => !claimed.some((name) => key === name || key.startsWith(`${name}.`)))
      .map(([key, message]) => (key ? `${key}: ${message}` : message));
  }
}

/** Whatever was thrown, as a sentence for the page. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
