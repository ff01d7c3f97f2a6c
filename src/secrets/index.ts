export { createSecretBox, parseSecretKey, type SecretBox } from './encryption.ts';
export { createId, hasIdPrefix, type IdPrefix, idFloor, idTime } from './ids.ts';
export { createSigningSecret, ENDPOINT_SECRET_PATTERN, normalizeSigningSecret } from './signing-secret.ts';
export { createToken, hashToken, tokensEqual } from './tokens.ts';
