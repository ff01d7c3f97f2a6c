import { useId, useState } from 'react';
import type { ConnectorOut } from '../api/openapi-types.ts';
import { ConnectorLogo } from './connector-logo.tsx';

/** The integrations dropdown: every card with its logo, name and one-line description. */
export function ConnectorPicker({
  connectors,
  onPick,
}: {
  connectors: readonly ConnectorOut[];
  onPick: (connector: ConnectorOut) => void;
}) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  return (
    <div className="connector-picker">
      <button
        type="button"
        className="dropdown-toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        Integrations <span aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      <ul id={listId} className="connector-grid" hidden={!open} aria-label="Integrations">
        {connectors.map((connector) => (
          <li key={connector.id}>
            <button type="button" className="connector-card" onClick={() => onPick(connector)}>
              <ConnectorLogo svg={connector.logo} />
              <span className="connector-text">
                <strong>{connector.name}</strong>
                <span>{connector.description}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
