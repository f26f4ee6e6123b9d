import { headerOnlyRoute, misplacedCredential } from '../auth/placement.js';
import { renderThrown } from '../errors/formats.js';
import { requestBody } from '../http/body.js';
import { serialize, type SerializedResponse } from '../http/serialize.js';
import { httpsViolation, type TransportLike } from '../http/transport.js';
import { notReady } from './readiness.js';
import type { MatchedRoute } from '../routes/table.js';
import type { KitContext } from './context.js';
import type { RouteInput } from './inputs.js';

/**
 * Runs one of grantkit's own routes. Reads the body when the route needs one, from what the host
 * app's body parser left or from the stream (http/body.ts). Never rejects: every failure becomes a
 * response in the route's format. While spans are recorded, each run is one, named after the
 * route (`grantkit POST /connect/authorize`): every step of a sign-in is a span, and the store
 * calls it makes are its children.
 */
export function runRoute(kit: KitContext, matched: MatchedRoute, input: RouteInput): Promise<SerializedResponse> {
  if (!kit.telemetry.tracing) return answer(kit, matched, input);
  const { method, path } = matched.route;
  return kit.telemetry.span(`grantkit ${method} ${path}`, { 'http.request.method': method, 'http.route': path }, async (span) => {
    const response = await answer(kit, matched, input);
    span?.set('http.response.status_code', response.status);
    if (response.status >= 400) span?.fail(String(response.status));
    return response;
  });
}

async function answer(kit: KitContext, matched: MatchedRoute, input: RouteInput): Promise<SerializedResponse> {
  const { route, params, mounted } = matched;
  try {
    if (!kit.readiness.started) throw notReady();
    if (kit.options.requireHttps && route.path.startsWith('/v3/')) {
      const refused = httpsViolation({ required: true }, transportOf(input));
      if (refused) throw refused;
    }
    const body = route.readsBody ? await requestBody(input) : {};
    if (headerOnlyRoute(route.path)) {
      const misplaced = misplacedCredential(
        { authorization: input.headers.authorization, rawHeaders: input.stream.rawHeaders, query: input.query, body: route.readsBody ? body : input.body },
        kit.options.realm,
      );
      if (misplaced) throw misplaced;
    }
    const req = {
      method: input.method,
      path: input.path,
      query: new URLSearchParams(input.query),
      headers: input.headers,
      body,
      secure: input.secure,
      ip: input.ip ?? input.stream.socket.remoteAddress,
    };
    return serialize(await route.handler({ kit, req, params, mounted }));
  } catch (e) {
    return serialize(renderThrown(e, route.family, kit.options.onError));
  }
}

/** The connection facts of a route input, for the HTTPS rule. */
function transportOf(input: RouteInput): TransportLike {
  return { socket: input.stream.socket, headers: input.headers, secure: input.secure };
}
