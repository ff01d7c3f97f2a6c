import type { ConnectorOut } from '../api/openapi-types.ts';

/** The card's templates: each a starting transformation and the events it handles. */
export function TemplatePicker({
  connector,
  template,
  onTemplate,
}: {
  connector: ConnectorOut;
  template: string;
  onTemplate: (template: string) => void;
}) {
  if (connector.templates.length === 0) return null;
  return (
    <fieldset className="templates">
      <legend>Template</legend>
      {connector.templates.map((t) => (
        <label key={t.id} className="template-option">
          <input
            type="radio"
            name="template"
            value={t.id}
            checked={template === t.id}
            onChange={() => onTemplate(t.id)}
          />
          <span>
            <strong>{t.name}</strong>
            <span className="help">
              {t.description} Events: {t.eventTypes.join(', ')}.
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
