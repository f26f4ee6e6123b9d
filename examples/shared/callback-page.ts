import { signInUrl, type ExampleHosted } from './hosted.js';

/**
 * The demo `GET /callback` page: where hosted sign-in sends the user back to "the app". A real app
 * would exchange the code on its server at once; this page shows what arrived (code and state, or
 * the error) and, as a convenience, the curl command that exchanges the code. Every value from the
 * URL is HTML-escaped, and shell-quoted inside the command. No secret appears on the page: the
 * command reads the client secret from the shell's GRANTKIT_CLIENT_SECRET.
 */
export interface CallbackPage {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly html: string;
}

/** Only the page's own inline style; no scripts, no framing, and the code never leaks through Referer. */
const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const MAX_SHOWN = 2048;

/** A value of the callback's query: only the first, and bounded, since the URL is anyone's to write. */
export function fromQuery(query: URLSearchParams, k: string): string | undefined {
  return query.get(k)?.slice(0, MAX_SHOWN);
}

/** One line of the page's list of what arrived: a label and its value, escaped, as code. */
export function row(label: string, id: string, value: string | undefined): string {
  return value === undefined ? '' : `<dt>${label}</dt><dd><code id="${id}">${html(value)}</code></dd>`;
}

/** What the page shows when the sign-in sent back an error instead of a code. */
export function errorBody(query: URLSearchParams, clientId: string, hosted: ExampleHosted): string {
  const get = (k: string): string | undefined => fromQuery(query, k);
  return (
    `<h1>Sign-in did not complete</h1><dl>${row('error', 'error', get('error'))}${row('error_description', 'error-description', get('error_description'))}` +
    `${row('state', 'state', get('state'))}</dl><p><a href="${html(signInUrl(hosted, clientId))}">Start again</a></p>`
  );
}

/** The page with nothing to show: where to start a sign-in. */
export function nothingBody(hosted: ExampleHosted, clientId: string): string {
  return `<h1>Nothing to show</h1><p>This page receives the code after a hosted sign-in. <a href="${html(signInUrl(hosted, clientId))}">Sign in</a></p>`;
}

/** The v3 page (`/callback`): the code and state, and the curl command that exchanges the code at /v3/connect/token. */
export function callbackPage(query: URLSearchParams, clientId: string, hosted: ExampleHosted): CallbackPage {
  const get = (k: string): string | undefined => fromQuery(query, k);
  const code = get('code');
  const state = get('state');
  const error = get('error');
  let body: string;
  if (error !== undefined) {
    body = errorBody(query, clientId, hosted);
  } else if (code !== undefined) {
    const curl = curlExchange(`${hosted.publicUrl}/v3/connect/token`, clientId, hosted.demoCallback, code);
    body =
      `<h1>Signed in</h1><p>grantkit sent the user back to the app with a one-time code.</p>` +
      `<dl>${row('code', 'code', code)}${row('state', 'state', state)}</dl>` +
      `<h2>Exchange the code</h2><p>A real app does this on its server, at once: the code works once, for 10 minutes. ` +
      `With <code>GRANTKIT_CLIENT_SECRET</code> set in your shell to the client secret (the README gives the development value):</p>` +
      `<pre id="curl">${html(curl)}</pre>` +
      `<p>The answer's <code>access_token</code> then opens the demo routes: <code>curl ${html(hosted.publicUrl)}/messages -H "Authorization: Bearer $ACCESS_TOKEN"</code></p>`;
  } else {
    body = nothingBody(hosted, clientId);
  }
  return shell(error !== undefined || code !== undefined ? 200 : 400, body);
}

/** The page around a body: one inline style, the headers above. */
export function shell(status: number, body: string): CallbackPage {
  const page =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>grantkit example: callback</title><style>body{font:16px system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}` +
    `pre,code{background:#f3f3f3;padding:.1rem .3rem;overflow-wrap:anywhere}pre{padding:.8rem;white-space:pre-wrap}dd{margin:0 0 .6rem}</style>` +
    `</head><body>${body}</body></html>`;
  return { status, headers: HEADERS, html: page };
}

export function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The curl command that exchanges a code at a token endpoint, the client secret read from the shell. */
export function curlExchange(tokenUrl: string, clientId: string, redirectUri: string, code: string): string {
  return [
    `curl -s ${sh(tokenUrl)} \\`,
    '  -d grant_type=authorization_code \\',
    `  --data-urlencode ${sh(`client_id=${clientId}`)} \\`,
    '  --data-urlencode "client_secret=$GRANTKIT_CLIENT_SECRET" \\',
    `  --data-urlencode ${sh(`redirect_uri=${redirectUri}`)} \\`,
    `  --data-urlencode ${sh(`code=${code}`)}`,
  ].join('\n');
}

/** POSIX single quotes: nothing inside is expanded; a quote is closed, escaped and reopened. */
function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
