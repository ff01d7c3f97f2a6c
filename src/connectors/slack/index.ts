import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkSlackRequest } from './contract.ts';
import { slackManifest } from './manifest.ts';
import { readSlackTokenResponse } from './oauth.ts';
import { classifySlackResponse } from './response-policy.ts';

export {
  checkSlackRequest,
  MAX_BLOCKS,
  MAX_SECTION_TEXT,
  MAX_TEXT,
  SLACK_HOST,
  type SlackProblem,
  slackPayloadProblems,
} from './contract.ts';
export {
  type SlackFake,
  type SlackFakeOptions,
  type SlackMessage,
  startSlackFake,
} from './fake.ts';
export { slackManifest, slackRegions } from './manifest.ts';
export { readSlackTokenResponse, slackOAuth } from './oauth.ts';
export { classifySlackResponse } from './response-policy.ts';

/** The pasted webhook URL is the credential: no headers. */
function authenticateSlack(
  _credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  return {};
}

/** Slack incoming webhooks have no idempotency field: the request goes as built. */
function prepareSlackRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const slack: Connector = {
  manifest: slackManifest,
  authenticate: authenticateSlack,
  check: checkSlackRequest,
  prepare: prepareSlackRequest,
  classify: classifySlackResponse,
  oauth: { readTokenResponse: readSlackTokenResponse },
};
