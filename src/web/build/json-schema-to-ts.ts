type Schema = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 1 ? unique[0]! : unique.map((p) => (p.includes('=>') ? `(${p})` : p)).join(' | ');
}

function wrapArrayItem(type: string): string {
  return /^[\w.]+$/.test(type) ? `${type}[]` : `Array<${type}>`;
}

function objectType(schema: Schema, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([name, property]) => {
    const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
    const doc = typeof property.description === 'string' ? `${inner}/** ${property.description} */\n` : '';
    return `${doc}${inner}${key}${required.has(name) ? '' : '?'}: ${toTsType(property, inner)};`;
  });
  const additional = schema.additionalProperties;
  if (additional && typeof additional === 'object') {
    const value = toTsType(additional as Schema, inner);
    if (lines.length === 0) return `Record<string, ${value}>`;
    lines.push(`${inner}[key: string]: ${value};`);
  }
  if (lines.length === 0) return 'Record<string, never>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function singleType(type: string, schema: Schema, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return wrapArrayItem(schema.items ? toTsType(schema.items as Schema, indent) : 'unknown');
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

/**
 * A TypeScript type for a JSON Schema (the OpenAPI 3.1 subset Zod produces): objects, records, arrays,
 * enums, unions, intersections, nullable types and references to other component schemas by name.
 */
export function toTsType(schema: Schema, indent = ''): string {
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  if (Array.isArray(schema.enum)) {
    const nullable = Array.isArray(schema.type) && schema.type.includes('null');
    return union([...schema.enum.map((v) => JSON.stringify(v)), ...(nullable ? ['null'] : [])]);
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const options = (schema.anyOf ?? schema.oneOf) as Schema[];
    return union(options.map((o) => toTsType(o, indent)));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Schema[]).map((part) => {
      // `{type: [object, null]}` beside a reference is how Zod marks a nullable reference.
      if (!part.$ref && !part.properties && Array.isArray(part.type) && part.type.includes('null'))
        return null;
      return toTsType(part, indent);
    });
    const types = parts.filter((p): p is string => p !== null);
    const joined = types.length === 1 ? types[0]! : types.map((t) => `(${t})`).join(' & ');
    return parts.includes(null) ? `${joined} | null` : joined;
  }
  if (Array.isArray(schema.type)) {
    return union((schema.type as string[]).map((t) => singleType(t, schema, indent)));
  }
  if (typeof schema.type === 'string') return singleType(schema.type, schema, indent);
  if (schema.properties) return objectType(schema, indent);
  return 'unknown';
}

/** One exported type alias per component schema, in the document's order. */
export function toTsModule(schemas: Record<string, Schema>, header: string): string {
  const declarations = Object.entries(schemas).map(([name, schema]) => {
    const doc = typeof schema.description === 'string' ? `/** ${schema.description} */\n` : '';
    return `${doc}export type ${name} = ${toTsType(schema)};\n`;
  });
  return `${header}\n${declarations.join('\n')}`;
}
