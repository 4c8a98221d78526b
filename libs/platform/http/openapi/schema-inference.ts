/**
 * JSON Schema (the OpenAPI 3.0 subset) inferred from answers the server really gave: the response schemas of the
 * OpenAPI document are built from the HTTP tests' answers (scripts/openapi-responses.ts), so they describe what
 * the code does rather than what someone remembered to write. Pure.
 */
export interface InferredSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  nullable?: boolean;
  format?: 'date' | 'date-time';
  properties?: Record<string, InferredSchema>;
  required?: string[];
  /** Objects whose keys are data (metadata maps): their values' schema. */
  additionalProperties?: InferredSchema;
  items?: InferredSchema;
  /** Samples disagreed on the type (e.g. a number here, an object there): any value. */
  description?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Arrays are sampled: enough to see every shape their items take, bounded for pages of 1,000. */
const ITEMS_SAMPLED = 50;
/** An object with more distinct keys than this across samples is taken as a map (metadata, per-id tables). */
const MAP_KEYS = 60;

export function inferSchema(value: unknown): InferredSchema {
  if (value === null) return { nullable: true };
  if (Array.isArray(value)) {
    const items = value.slice(0, ITEMS_SAMPLED).map(inferSchema);
    return items.length === 0 ? { type: 'array', items: {} } : { type: 'array', items: items.reduce(mergeSchemas) };
  }
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'string':
      return DATE.test(value) ? { type: 'string', format: 'date' } : DATE_TIME.test(value) ? { type: 'string', format: 'date-time' } : { type: 'string' };
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      return { type: 'object', properties: Object.fromEntries(entries.map(([key, item]) => [key, inferSchema(item)])), required: entries.map(([key]) => key).sort() };
    }
    default:
      return {};
  }
}

/** The schema that both samples fit: properties united (required only where both have them), types widened. */
export function mergeSchemas(a: InferredSchema, b: InferredSchema): InferredSchema {
  const nullable = a.nullable || b.nullable ? { nullable: true as const } : {};
  if (a.type === undefined && a.description === undefined) return { ...b, ...nullable };
  if (b.type === undefined && b.description === undefined) return { ...a, ...nullable };
  if (a.type !== b.type) {
    if (isNumeric(a) && isNumeric(b)) return { type: 'number', ...nullable };
    return { description: 'one of several shapes', ...nullable };
  }
  switch (a.type) {
    case 'array':
      return { type: 'array', items: mergeSchemas(a.items ?? {}, b.items ?? {}), ...nullable };
    case 'object':
      return { ...mergeObjects(a, b), ...nullable };
    case 'string':
      return { type: 'string', ...(a.format && a.format === b.format ? { format: a.format } : {}), ...nullable };
    default:
      return { type: a.type, ...nullable };
  }
}

function isNumeric(schema: InferredSchema): boolean {
  return schema.type === 'integer' || schema.type === 'number';
}

function mergeObjects(a: InferredSchema, b: InferredSchema): InferredSchema {
  if (a.additionalProperties || b.additionalProperties) {
    const values = [a, b].flatMap((schema) => [...Object.values(schema.properties ?? {}), ...(schema.additionalProperties ? [schema.additionalProperties] : [])]);
    return { type: 'object', additionalProperties: values.reduce(mergeSchemas, {}) };
  }
  const keys = [...new Set([...Object.keys(a.properties ?? {}), ...Object.keys(b.properties ?? {})])].sort();
  if (keys.length > MAP_KEYS) {
    const values = [...Object.values(a.properties ?? {}), ...Object.values(b.properties ?? {})];
    return { type: 'object', additionalProperties: values.reduce(mergeSchemas, {}) };
  }
  const properties: Record<string, InferredSchema> = {};
  for (const key of keys) {
    const left = a.properties?.[key];
    const right = b.properties?.[key];
    properties[key] = left && right ? mergeSchemas(left, right) : (left ?? right)!;
  }
  const requiredB = new Set(b.required ?? []);
  return { type: 'object', properties, required: (a.required ?? []).filter((key) => requiredB.has(key)) };
}

/** An example small enough to read: arrays cut to their first two items, at every depth. */
export function shortExample(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, 2).map(shortExample);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortExample(item)]));
  return value;
}

/** Made valid OpenAPI 3.0 at every depth: no empty `required`, no `nullable` without a `type`. */
export function tidySchema(schema: InferredSchema): InferredSchema {
  const tidy: InferredSchema = { ...schema };
  if (tidy.required && tidy.required.length === 0) delete tidy.required;
  // OpenAPI 3.0's `nullable` needs a `type`: a field seen only as null (or in several shapes) is any value, null included.
  if (tidy.nullable && tidy.type === undefined) {
    delete tidy.nullable;
    tidy.description ??= 'null in every answer recorded; a value when set';
  }
  if (tidy.properties) tidy.properties = Object.fromEntries(Object.entries(tidy.properties).map(([key, value]) => [key, tidySchema(value)]));
  if (tidy.items) tidy.items = tidySchema(tidy.items);
  if (tidy.additionalProperties) tidy.additionalProperties = tidySchema(tidy.additionalProperties);
  return tidy;
}
