import { curlExchange, errorBody, fromQuery, html, nothingBody, row, shell, type CallbackPage } from './callback-page.js';
import { v2SignInUrl, type ExampleHosted } from './hosted.js';

/**
 * The demo `GET /callback/v2` page: where the v2 hosted sign-in (`/oauth/authorize`) sends the
 * user back. A v2 code is redeemed at `/oauth/token` (at /v3/connect/token it would be refused,
 * and burned: codes are single use), and this page does what a real app's server does: it
 * redeems the code at once, with the client secret the server holds, and shows what came back.
 * The access token itself stays on the server: a v2 token does not expire, so the page shows its
 * first characters only. An app built without the secret shows the curl command instead.
 *
 * A real app would also check `state` against the one it sent (its session); the demo has none.
 */
const SHOWN_PREFIX = 12;

/** What /oauth/token answers for a v2 code. */
interface V2Token {
  readonly access_token: string;
  readonly account_id: string;
  readonly email_address: string;
  readonly provider: string;
}

type Redeemed = { readonly token: V2Token } | { readonly failed: string };

export async function v2CallbackPage(query: URLSearchParams, clientId: string, hosted: ExampleHosted, clientSecret?: string): Promise<CallbackPage> {
  const code = fromQuery(query, 'code');
  if (fromQuery(query, 'error') !== undefined) return shell(200, errorBody(query, clientId, hosted));
  if (code === undefined) return shell(400, nothingBody(hosted, clientId));
  const arrived = `${row('code', 'code', code)}${row('state', 'state', fromQuery(query, 'state'))}`;
  if (clientSecret === undefined) return shell(200, curlBody(arrived, code, clientId, hosted));
  const redeemed = await redeem(code, clientId, clientSecret, hosted);
  if ('failed' in redeemed) {
    return shell(
      200,
      `<h1>The code was not exchanged</h1><dl>${arrived}${row('answer', 'failure', redeemed.failed)}</dl>` +
        `<p>A code works once, for 10 minutes; sent again, it also revokes the token its first use gave. <a href="${html(v2SignInUrl(hosted, clientId))}">Sign in again</a></p>`,
    );
  }
  const t = redeemed.token;
  return shell(
    200,
    `<h1>Signed in</h1><p>grantkit sent the user back to the app with a one-time code, and the app's server exchanged it at once ` +
      `at <code>${html(hosted.publicUrl)}/oauth/token</code> (v2):</p>` +
      `<dl>${arrived}${row('account_id', 'account-id', t.account_id)}${row('email_address', 'email-address', t.email_address)}` +
      `${row('provider', 'provider', t.provider)}${row('access_token', 'access-token', `${t.access_token.slice(0, SHOWN_PREFIX)}…`)}</dl>` +
      `<p>The access token stays on the app's server, which sends it as <code>Authorization: Bearer …</code> to the routes it guards. ` +
      `It does not expire, so this page shows its first characters only; the app revokes it with <code>POST /oauth/revoke</code>.</p>`,
  );
}

/** The app's server redeems the code, as the v2 SDKs' exchangeCodeForToken does. */
async function redeem(code: string, clientId: string, clientSecret: string, hosted: ExampleHosted): Promise<Redeemed> {
  const form = { client_id: clientId, client_secret: clientSecret, grant_type: 'authorization_code', code, redirect_uri: hosted.demoV2Callback };
  let res: Response;
  try {
    res = await fetch(`${hosted.publicUrl}/oauth/token`, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    return { failed: `${hosted.publicUrl}/oauth/token could not be reached: ${e instanceof Error ? e.message : String(e)}` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 200 && isV2Token(body)) return { token: body };
  const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : '';
  return { failed: `${res.status} ${message}`.trim() };
}

function isV2Token(x: unknown): x is V2Token {
  if (typeof x !== 'object' || x === null) return false;
  return ['access_token', 'account_id', 'email_address', 'provider'].every((k) => typeof (x as Record<string, unknown>)[k] === 'string');
}

/** Without the secret: the curl command that redeems the code, the secret read from the shell. */
function curlBody(arrived: string, code: string, clientId: string, hosted: ExampleHosted): string {
  const curl = curlExchange(`${hosted.publicUrl}/oauth/token`, clientId, hosted.demoV2Callback, code);
  return (
    `<h1>Signed in</h1><p>grantkit sent the user back to the app with a one-time v2 code. Exchange it at <code>/oauth/token</code> ` +
    `within 10 minutes, with <code>GRANTKIT_CLIENT_SECRET</code> set in your shell:</p><dl>${arrived}</dl><pre id="curl">${html(curl)}</pre>`
  );
}
