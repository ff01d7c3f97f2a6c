import { request } from 'undici';
import type { OAuthGrant, OAuthRefusal } from '../connectors/index.ts';
import type { OAuthClient } from './oauth-clients.ts';
import { refusal } from './token-response.ts';

const TIMEOUT_MS = 15_000;
/** Token responses are a few hundred bytes; anything far larger is not one. */
const RESPONSE_LIMIT = 64 * 1024;
const USER_AGENT = `Switchyard/${process.env.npm_package_version ?? '0.1.0'}`;

export type TokenGrantRequest =
  | { grant_type: 'authorization_code'; code: string; redirect_uri: string }
  | { grant_type: 'refresh_token'; refresh_token: string };

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > RESPONSE_LIMIT) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Calls the vendor's token endpoint (RFC 6749 §4.1.3 and §6: a form POST) with the client authenticated the
 * vendor's way, and reads the answer in the vendor's shape. The URL is the installation's configuration,
 * never a merchant's, so this goes straight through undici rather than the delivery engine's SSRF-guarded
 * sender (which would refuse a loopback fake); redirects are not followed. Nothing here is logged, and a
 * failure says only what went wrong, never what was sent or received.
 */
export async function requestTokens(
  client: OAuthClient,
  grant: TokenGrantRequest,
): Promise<OAuthGrant | OAuthRefusal> {
  const { manifest, oauth: flow } = client.connector;
  const form = new URLSearchParams(grant);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': USER_AGENT,
  };
  if (manifest.oauth!.clientAuthentication === 'basic') {
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  let statusCode: number;
  let text: string | undefined;
  try {
    const response = await request(client.tokenUrl, {
      method: 'POST',
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = response.statusCode;
    text = await readCapped(response.body);
  } catch (error) {
    const code = (error as { code?: unknown; name?: unknown }).code ?? (error as { name?: unknown }).name;
    return refusal(
      'temporarily_unavailable',
      `${manifest.name}'s token endpoint could not be reached (${String(code ?? 'network error')})`,
    );
  }
  return flow!.readTokenResponse(statusCode, parseJson(text));
}
