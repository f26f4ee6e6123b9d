/**
 * The parts of an OpenAPI 3.1 document that grantkit writes. Schemas are JSON Schema 2020-12,
 * OpenAPI 3.1's own dialect, as zod writes them.
 */

/** A JSON Schema (2020-12) object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** `{ scheme name: scopes }`: every one of those scopes, under that scheme. An operation lists alternatives. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface MediaType {
  readonly schema: JsonSchema;
}

export interface Response {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export type ResponseOrRef = Response | { readonly $ref: string };

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, MediaType>> };
  readonly responses: Readonly<Record<string, ResponseOrRef>>;
  /** Alternatives: a request may meet any one. Absent: no credentials are asked for. */
  readonly security?: readonly SecurityRequirement[];
  /** How a client authenticates where it sends its secret in the body, which OpenAPI has no scheme for. */
  readonly 'x-grantkit-client-authentication'?: readonly string[];
  /** On an app route that a guard refuses whatever the token holds. */
  readonly 'x-grantkit-no-scope-admits'?: true;
}

export type PathItem = Readonly<Partial<Record<'get' | 'put' | 'post' | 'delete' | 'options' | 'patch', Operation>>>;

export type SecurityScheme =
  | { readonly type: 'http'; readonly scheme: 'bearer' | 'basic'; readonly description: string; readonly bearerFormat?: string };

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly responses: Readonly<Record<string, Response>>;
  };
}
