/**
 * The credentials of an `Authorization` header, read the way the fakes' vendors document them. Only the
 * canonical form is taken (the scheme as written, one space): it is what every vendor documents and what
 * Switchyard sends, so a fake never accepts a spelling the vendor might refuse.
 */

const BEARER = /^Bearer (\S+)$/;
const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/;

/** The token of `Bearer <token>`. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/** User and password of `Basic base64(user:password)`; no password when the colon is missing. */
export function basicCredentials(
  authorization: string | undefined,
): { user: string; password: string | undefined } | undefined {
  const encoded = BASIC.exec(authorization ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? { user: decoded, password: undefined }
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
