import type { ErrorFamily } from '../errors/formats.js';
import type { ResponseDescriptor, RequestLike } from '../http/types.js';
import type { KitContext } from '../kit/context.js';

// The route type has a module of its own so that route files need not import the router, which
// imports every route table.

export interface RouteContext {
  /** The kit: the foundation's services plus what v3 routes need (API keys, connectors, events). */
  readonly kit: KitContext;
  readonly req: RequestLike;
  readonly params: Readonly<Record<string, string>>;
  /** The routes mounted with this one (`routes({ only })`); undefined when every route is. The discovery documents list only these. */
  readonly mounted?: ReadonlySet<Route> | undefined;
}

/** One of grantkit's own routes, as a plain request → response descriptor function. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** Segments; `:name` captures one (percent-decoded). */
  readonly path: string;
  readonly family: ErrorFamily;
  /** Whether the adapter must read the body before calling. */
  readonly readsBody: boolean;
  handler(ctx: RouteContext): Promise<ResponseDescriptor>;
}
