import type { PageLook, PageTheme } from '../errors/pages.js';
import type { RequestLike } from '../http/types.js';
import type { KitContext } from '../kit/context.js';
import { catalogueOf } from '../locales/index.js';
import { chooseLocale } from '../locales/negotiate.js';

/**
 * How the pages of a hosted sign-in look: in the locale the sign-in chose when it began (its
 * `locale` parameter, else the browser's Accept-Language; kept in the flow so every later page
 * speaks it), in the client's theme.
 */
export function lookOf(kit: KitContext, r: { readonly clientId: string; readonly locale?: string | undefined }): PageLook {
  return { t: catalogueOf(r.locale), theme: kit.clients.get(r.clientId)?.theme };
}

/**
 * How a page looks when no sign-in stands behind it (an unknown client, an expired form, a
 * callback whose state is unknown): in the request's own `locale` parameter or Accept-Language,
 * and in `theme` when the client is known.
 */
export function requestLook(req: RequestLike, theme?: PageTheme): PageLook {
  return { t: catalogueOf(requestLocale(req)), theme };
}

/** The locale a request asks for: its `locale` parameter, else its Accept-Language. */
export function requestLocale(req: RequestLike): string {
  return chooseLocale(req.query.get('locale') ?? undefined, req.headers['accept-language']);
}
