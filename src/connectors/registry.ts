import type { Connector } from './connector.ts';
import { customerio } from './customerio/index.ts';
import { segment } from './segment/index.ts';

/** Every integration card, in the order the dropdown shows them. */
export const connectors: readonly Connector[] = [segment, customerio];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((c) => c.manifest.id === id);
}
