import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkTeamsRequest } from './contract.ts';
import { teamsManifest } from './manifest.ts';
import { classifyTeamsResponse } from './response-policy.ts';

export {
  ADAPTIVE_CONTENT_TYPE,
  checkTeamsRequest,
  MAX_MESSAGE_BYTES,
  TEAMS_LEGACY_DOMAINS,
  TEAMS_WORKFLOWS_DOMAINS,
  type TeamsWebhookKind,
  teamsPayloadProblems,
  teamsWebhookKind,
} from './contract.ts';
export {
  startTeamsFake,
  type TeamsFake,
  type TeamsFakeOptions,
  type TeamsMessage,
  THROTTLED_BODY,
} from './fake.ts';
export { teamsManifest, teamsRegions } from './manifest.ts';
export { classifyTeamsResponse } from './response-policy.ts';

/** The pasted webhook URL (for Workflows, its `sig`) is the credential: no headers. */
function authenticateTeams(
  _credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  return {};
}

/** Teams webhooks have no idempotency field: the request goes as built. */
function prepareTeamsRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const teams: Connector = {
  manifest: teamsManifest,
  authenticate: authenticateTeams,
  check: checkTeamsRequest,
  prepare: prepareTeamsRequest,
  classify: classifyTeamsResponse,
};
