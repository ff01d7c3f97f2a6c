import type { Connector } from './connector.ts';

/** Every integration card, in the order the dropdown shows them. */
export const connectors: readonly Connector[] = [];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((c) => c.manifest.id === id);
}
