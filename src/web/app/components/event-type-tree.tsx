import { useEffect, useRef, useState } from 'react';
import { groupEventTypes } from '../api/event-types.ts';
import type { EventTypeOut } from '../api/openapi-types.ts';
import { FieldError } from './field-error.tsx';

function GroupCheckbox({
  label,
  checked,
  indeterminate,
  onChange,
}: {
  label: string;
  checked: boolean;
  indeterminate: boolean;
  onChange: (checked: boolean) => void;
}) {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <label className="group-label">
      <input ref={box} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

/**
 * The events an endpoint listens to: whole groups (every `payment.*`) or single events, with a filter box.
 * A group's box is mixed when only some of its events are picked.
 */
export function EventTypeTree({
  eventTypes,
  selected,
  onChange,
  error,
}: {
  eventTypes: readonly EventTypeOut[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  error?: string | undefined;
}) {
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const picked = new Set(selected);
  const needle = filter.trim().toLowerCase();
  const groups = groupEventTypes(
    eventTypes.filter((e) => !needle || `${e.name} ${e.description}`.toLowerCase().includes(needle)),
  );

  function set(names: string[], on: boolean) {
    const next = new Set(picked);
    for (const name of names) {
      if (on) next.add(name);
      else next.delete(name);
    }
    onChange([...next].sort());
  }

  return (
    <fieldset className="event-tree" aria-describedby="event-types-error">
      <legend>Events to send</legend>
      <p className="help">
        {selected.length === 0
          ? 'No event picked yet: pick the events this endpoint should receive.'
          : `${selected.length} event type${selected.length === 1 ? '' : 's'} picked.`}
      </p>
      <label htmlFor="event-filter">Filter events</label>
      <input
        id="event-filter"
        type="search"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        placeholder="e.g. refund"
      />
      <FieldError id="event-types-error" message={error} />
      <ul className="tree">
        {groups.map((group) => {
          const names = group.eventTypes.map((e) => e.name);
          const count = names.filter((n) => picked.has(n)).length;
          // A group shows its events when asked, when a filter is typed, or when only some are picked.
          const open = expanded.has(group.name) || needle !== '' || (count > 0 && count < names.length);
          const toggle = (show = !open) => {
            const next = new Set(expanded);
            if (show) next.add(group.name);
            else next.delete(group.name);
            setExpanded(next);
          };
          return (
            <li key={group.name}>
              <div className="group-row">
                <GroupCheckbox
                  label={`${group.name} (all ${names.length})`}
                  checked={count === names.length}
                  indeterminate={count > 0 && count < names.length}
                  onChange={(on) => set(names, on)}
                />
                <button
                  type="button"
                  className="link-button"
                  aria-expanded={open}
                  aria-controls={`event-group-${group.name}`}
                  onClick={() => toggle()}
                >
                  {open ? 'Hide' : 'Show'} {group.name} events
                </button>
              </div>
              <ul id={`event-group-${group.name}`} hidden={!open}>
                {group.eventTypes.map((eventType) => (
                  <li key={eventType.name}>
                    <label title={eventType.description}>
                      <input
                        type="checkbox"
                        checked={picked.has(eventType.name)}
                        onChange={(e) => {
                          set([eventType.name], e.target.checked);
                          // Picking the last event of a group must not fold the list away under the pointer.
                          toggle(true);
                        }}
                      />
                      <code>{eventType.name}</code>
                    </label>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      {groups.length === 0 ? <p>No event type matches “{filter}”.</p> : null}
    </fieldset>
  );
}
