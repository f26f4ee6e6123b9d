import * as z from 'zod';
import type { JsonSchema, MediaType, Parameter } from './types.js';

/**
 * A route's zod schema as OpenAPI 3.1 reads it: JSON Schema 2020-12 of what the route accepts
 * (zod's input side: a field with a default is optional, a coerced number is sent as text), with
 * no `$schema` of its own, since the document's dialect is already 2020-12. What JSON Schema
 * cannot say (a refinement) is left out, so the schema never refuses what the route accepts.
 */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/** The query parameters an object schema describes, one per property. */
export function queryParameters(schema: z.ZodType): Parameter[] {
  const json = jsonSchema(schema);
  const properties = isRecord(json['properties']) ? json['properties'] : {};
  const required = Array.isArray(json['required']) ? json['required'] : [];
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: isRecord(property) ? property : {},
  }));
}

/**
 * A body schema as JSON, and with `form` also as an HTML form: grantkit reads either (http/body.ts),
 * but a form holds no nested objects or lists, so only the routes whose fields are flat list it.
 */
export function bodyContent(schema: z.ZodType, form: boolean): Record<string, MediaType> {
  const json = jsonSchema(schema);
  return form ? { 'application/json': { schema: json }, 'application/x-www-form-urlencoded': { schema: json } } : { 'application/json': { schema: json } };
}

/** The `{name}` parameters of an OpenAPI path. */
export function pathParameters(path: string): Parameter[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({ name: name!, in: 'path', required: true, schema: { type: 'string' } }));
}

/** An Express-style path (`/grants/:grant_id`) as OpenAPI writes it (`/grants/{grant_id}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
