import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkDiscordRequest } from './contract.ts';
import { discordManifest } from './manifest.ts';
import { readDiscordTokenResponse } from './oauth.ts';
import { classifyDiscordResponse } from './response-policy.ts';

export {
  checkDiscordRequest,
  DISCORD_HOST,
  type DiscordProblem,
  discordPayloadProblems,
  EMBED_LIMITS,
  MAX_CONTENT,
  MAX_EMBED_TOTAL,
  MAX_EMBEDS,
  MAX_FIELDS,
} from './contract.ts';
export {
  type DiscordFake,
  type DiscordFakeOptions,
  type DiscordMessage,
  startDiscordFake,
} from './fake.ts';
export { discordManifest, discordRegions } from './manifest.ts';
export { discordOAuth, readDiscordTokenResponse } from './oauth.ts';
export { classifyDiscordResponse, discordRetryAfterMs } from './response-policy.ts';

/** The token in the pasted webhook URL is the credential: no headers. */
function authenticateDiscord(
  _credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  return {};
}

/** Discord webhooks have no idempotency field: the request goes as built. */
function prepareDiscordRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const discord: Connector = {
  manifest: discordManifest,
  authenticate: authenticateDiscord,
  check: checkDiscordRequest,
  prepare: prepareDiscordRequest,
  classify: classifyDiscordResponse,
  oauth: { readTokenResponse: readDiscordTokenResponse },
};
