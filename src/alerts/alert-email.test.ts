import { describe, expect, it } from 'vitest';
import { type AlertFacts, composeAlertEmail } from './alert-email.ts';

const facts: AlertFacts = {
  kind: 'endpoint.disabled',
  app: { id: 'app_1', name: 'Acme <script>alert(1)</script>\r\nBcc: x@y.example' },
  endpoint: { id: 'ep_1', url: 'https://hooks.acme.example/in', description: '' },
  messageId: undefined,
  reason: 'failing continuously',
  lastError: 'HTTP 500',
  at: new Date('2026-11-30T12:00:00.000Z'),
  link: undefined,
  intervalMs: 3_600_000,
};

describe('the alert email', () => {
  it('escapes merchant-chosen text in HTML and keeps the subject on one line', () => {
    const email = composeAlertEmail(facts);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toBe(
      '[Switchyard] Endpoint disabled: https://hooks.acme.example/in (Acme <script>alert(1)</script> Bcc: x@y.example)',
    );
  });

  it('leaves out what it does not know: no link, no message, no description', () => {
    const { text, html } = composeAlertEmail(facts);
    expect(text).not.toMatch(/dashboard:|Message:|Description:/);
    expect(html).not.toContain('<a ');
    expect(text).toContain('When:        2026-11-30T12:00:00.000Z');
    expect(text).toContain('every 60 minutes.');
  });
});
