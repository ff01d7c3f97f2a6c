import { describe, expect, it } from 'vitest';
import { describeAttempt, displayUrl } from './alert-facts.ts';

const attempt = (statusCode: number, errorClass: string | null, response: string | null) => ({
  statusCode,
  errorClass,
  response,
  at: new Date(),
});

describe('what an alert email may show', () => {
  it('shows an endpoint URL without userinfo, query or fragment', () => {
    expect(displayUrl('https://user:pw@hooks.example.com:8443/in/orders?token=abc#x', null)).toBe(
      'https://hooks.example.com:8443/in/orders',
    );
    expect(displayUrl('https://api.segment.io/v1/track', 'segment')).toBe('https://api.segment.io/v1/track');
  });

  it('shows only the origin of a URL that is itself the credential', () => {
    expect(displayUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET', 'slack')).toBe(
      'https://hooks.slack.com/••••',
    );
  });

  it("gives an answer's status code but never its body", () => {
    expect(describeAttempt(attempt(502, null, '{"card":"4242"}'))).toBe('HTTP 502');
  });

  it("gives the transport's own words, in one line of bounded length", () => {
    expect(describeAttempt(attempt(0, 'timeout', 'no response within 15000 ms'))).toBe(
      'timeout: no response within 15000 ms',
    );
    const long = describeAttempt(attempt(0, 'dns', `getaddrinfo ENOTFOUND ${'x'.repeat(400)}\nsecond line`));
    expect(long.length).toBeLessThanOrEqual(205);
    expect(long).not.toContain('second line');
  });

  it("keeps the merchant's code and the connector's secrets in the dashboard", () => {
    expect(describeAttempt(attempt(0, 'transformation', 'Error: {"card":"4242"}'))).toBe(
      'the transformation threw an error (see the dashboard)',
    );
    expect(describeAttempt(attempt(0, 'credentials', 'token expired'))).toBe(
      'the connector credentials could not be used (see the dashboard)',
    );
    expect(describeAttempt(attempt(0, 'something-new', 'details'))).toBe('something-new error');
  });
});
