import { describe, expect, it } from 'vitest';
import { toTsModule, toTsType } from './json-schema-to-ts.ts';
import { readOpenApiDocument } from './openapi-document.ts';

describe('JSON Schema to TypeScript', () => {
  it('maps the shapes Zod emits', () => {
    expect(toTsType({ type: 'string' })).toBe('string');
    expect(toTsType({ type: ['integer', 'null'] })).toBe('number | null');
    expect(toTsType({ type: 'string', enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(toTsType({ type: 'array', items: { $ref: '#/components/schemas/EndpointOut' } })).toBe(
      'EndpointOut[]',
    );
    expect(toTsType({ type: 'object', additionalProperties: { type: 'string' } })).toBe(
      'Record<string, string>',
    );
    expect(toTsType({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('string | number');
    expect(toTsType({ allOf: [{ $ref: '#/components/schemas/A' }, { type: ['object', 'null'] }] })).toBe(
      'A | null',
    );
    expect(
      toTsType({
        type: 'object',
        properties: { id: { type: 'string' }, n: { type: 'number' } },
        required: ['id'],
      }),
    ).toBe('{\n  id: string;\n  n?: number;\n}');
    expect(toTsType({})).toBe('unknown');
  });

  it("covers every schema of the API's own document", async () => {
    const document = await readOpenApiDocument();
    const source = toTsModule(document.components.schemas, '');
    for (const name of ['EndpointOut', 'ConnectorOut', 'TransformationRunOut', 'BackgroundTaskOut']) {
      expect(source).toContain(`export type ${name} = `);
    }
    expect(source).not.toContain('unknown[]');
  });
});
