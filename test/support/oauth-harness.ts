import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Provider from 'oidc-provider';
import { grantkit } from '../../adapters/express/index.js';
import { createGrantKit, MemoryStore, type GrantKit, type GrantKitOptions } from '../../src/index.js';
import { collectAudit, rememberSecret } from './audit-collector.js';
import { GOOGLE_PREFIX, GOOGLE_SCOPES } from '../../src/scopes/provider-google.js';
import { MICROSOFT_SCOPES } from '../../src/scopes/provider-microsoft.js';

/**
 * A real OAuth 2.0 / OpenID server on loopback (oidc-provider) standing in for Google or
 * Microsoft at overridden endpoint URLs, and grantkit behind Express, plus a small browser that
 * keeps cookies and follows redirects so tests click through the whole hosted dance.
 */

export const APP_ID = 'app';
export const APP_SECRET = 'app-secret-0123456789';
export const APP_CALLBACK = 'http://127.0.0.1:9/callback';
export const SPA_ID = 'spa';
export const SPA_CALLBACK = 'http://localhost:9/spa';
export const SECRET_KEY = 'h'.repeat(40);
export const TENANT = 'contoso';
rememberSecret(APP_SECRET, SECRET_KEY);

/** What the stand-in provider's "user" does at the next sign-in. */
export interface UserScript {
  email: string;
  /** Scopes the user unticks on the consent screen. */
  deny: readonly string[];
  /** Refuse the sign-in altogether (access_denied). */
  refuse: boolean;
  /**
   * The account's stable id, as the real providers give one (Google `sub`, Microsoft `oid`): the
   * lowercased email unless a test sets another (a different account claiming the same address).
   */
  subject?: string;
  /** False: the provider reports the address without saying it is verified (no `email_verified`). */
  emailVerified?: boolean;
}

export interface Upstream {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly user: UserScript;
  readonly server: Server;
}

const G_IDENTITY = [`${GOOGLE_PREFIX}userinfo.email`, `${GOOGLE_PREFIX}userinfo.profile`];

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Starts an oidc-provider at `http://127.0.0.1:<port><prefix>` with one client: grantkit. */
export async function startUpstream(name: string, callbackUrl: string, prefix = ''): Promise<Upstream> {
  const app = express();
  const server = createServer(app);
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}${prefix}`;
  const user: UserScript = { email: 'ada@example.com', deny: [], refuse: false };
  const microsoft = name === 'microsoft';
  // Accounts are named by their stable id; this is the address each one reports.
  const emails = new Map<string, { email: string; verified: boolean }>();
  const clientId = `${name}-app`;
  const clientSecret = `${name}-secret-0123456789`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [callbackUrl],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    // Google URIs and Graph names are plain scopes to this server; it grants what the user leaves ticked.
    scopes: ['openid', 'offline_access', 'email', 'profile', 'User.Read', ...G_IDENTITY, ...GOOGLE_SCOPES, ...MICROSOFT_SCOPES],
    claims: {
      // Microsoft's identity platform names an account by tenant and object id (`tid`, `oid`).
      openid: microsoft ? ['sub', 'tid', 'oid'] : ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      [`${GOOGLE_PREFIX}userinfo.email`]: ['email', 'email_verified'],
      [`${GOOGLE_PREFIX}userinfo.profile`]: ['name'],
    },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => {
        const account = emails.get(id) ?? { email: id, verified: true };
        const flag = account.verified ? { email_verified: true } : {};
        const name = `User ${account.email.split('@')[0]}`;
        return microsoft
          ? { sub: id, tid: `tenant-${TENANT}`, oid: id, email: account.email, ...flag, name }
          : { sub: id, email: account.email, ...flag, name };
      },
    }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${prefix}/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    cookies: { keys: ['upstream-cookie-key-0123456789'] },
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60, RefreshToken: 86400 },
  });
  // The "user": signs in as user.email, then consents to everything but user.deny.
  app.get(`${prefix}/interaction/:uid`, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (user.refuse) {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'user said no' }, { mergeWithLastSubmission: false });
        return;
      }
      if (details.prompt.name === 'login') {
        const accountId = user.subject ?? user.email.toLowerCase();
        emails.set(accountId, { email: user.email, verified: user.emailVerified !== false });
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params['client_id'] as string });
      const asked = String(details.params['scope'] ?? '').split(' ');
      grant.addOIDCScope(asked.filter((s) => !user.deny.includes(s)).join(' '));
      // Unticked scopes are rejected, so the server does not ask again and leaves them out of `scope`.
      const denied = asked.filter((s) => user.deny.includes(s));
      if (denied.length > 0) grant.rejectOIDCScope(denied.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (e) {
      next(e);
    }
  });
  app.use(prefix || '/', provider.callback());
  return { issuer, clientId, clientSecret, user, server };
}

export interface Harness {
  readonly kit: GrantKit;
  readonly base: string;
  readonly google: Upstream;
  readonly microsoft: Upstream;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * grantkit on an Express app with a few guarded routes, with google and microsoft connectors
 * pointing at two oidc-provider instances (Microsoft's under a tenant path).
 */
export async function startHarness(extra: Partial<GrantKitOptions> = {}): Promise<Harness> {
  const app = express();
  const server = createServer(app);
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  const google = await startUpstream('google', `${base}/oauth/callback/google`);
  const microsoft = await startUpstream('microsoft', `${base}/oauth/callback/microsoft`, `/${TENANT}`);
  const msBase = microsoft.issuer.slice(0, -TENANT.length - 1);
  const kit = createGrantKit({
    clients: [
      { id: APP_ID, secret: APP_SECRET, callbackUris: [APP_CALLBACK] },
      { id: SPA_ID, callbackUris: [SPA_CALLBACK] },
    ],
    secretKeys: [SECRET_KEY],
    store: new MemoryStore(),
    audit: collectAudit,
    issuer: base,
    providerEndpoints: {
      google: { authorizationUrl: `${google.issuer}/auth`, tokenUrl: `${google.issuer}/token`, userinfoUrl: `${google.issuer}/me` },
      microsoft: {
        authorizationUrl: `${msBase}/{tenant}/auth`,
        tokenUrl: `${msBase}/{tenant}/token`,
        userinfoUrl: `${msBase}/{tenant}/me`,
      },
    },
    ...extra,
    hostedOAuth: { publicUrl: base, corsOrigins: ['https://spa.example'], ...extra.hostedOAuth },
  });
  const g = `${GOOGLE_PREFIX}`;
  await kit.connectors.create({
    provider: 'google',
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    defaultScopes: [`${g}gmail.readonly`],
    allowedScopes: [`${g}gmail.readonly`, `${g}gmail.modify`, `${g}gmail.send`, `${g}calendar.readonly`, `${g}gmail.metadata`, 'https://outlook.office365.com/EWS.AccessAsUser.All'],
  });
  await kit.connectors.create({
    provider: 'microsoft',
    clientId: microsoft.clientId,
    clientSecret: microsoft.clientSecret,
    settings: { tenant: TENANT },
    defaultScopes: ['Mail.Read'],
    allowedScopes: null,
  });
  const gk = grantkit(kit);
  app.use(gk.routes());
  app.get('/headers', gk.requireScopes('email.metadata'), (req, res) => void res.json({ grant: req.grant?.id }));
  app.get('/bodies', gk.requireScopes('email.read_only'), (req, res) => void res.json({ grant: req.grant?.id }));
  app.get('/modify', gk.requireScopes('email.modify'), (req, res) => void res.json({ grant: req.grant?.id }));
  app.get('/calendar', gk.requireScopes('calendar.read_only'), (req, res) => void res.json({ grant: req.grant?.id }));
  return {
    kit,
    base,
    google,
    microsoft,
    browser: new Browser(),
    async close() {
      for (const s of [server, google.server, microsoft.server]) {
        s.closeAllConnections();
        s.close();
      }
      await kit.close();
    },
  };
}

/** A minimal browser: a cookie jar per host:port, manual redirects, stops at the app's callback. */
export class Browser {
  readonly #jar = new Map<string, Map<string, string>>();

  /** Puts a cookie in the jar for a host:port, as if a server had set it (tests forge values with it). */
  setCookie(host: string, name: string, value: string): void {
    const jar = this.#jar.get(host) ?? new Map<string, string>();
    this.#jar.set(host, jar);
    jar.set(name, value);
  }

  /**
   * Follows redirects from `url` until one leaves for a URL starting with `stopAt` (the app's
   * callback, where nothing listens) or a non-redirect answers. Returns that URL or response.
   */
  async run(url: string, stopAt: readonly string[] = [APP_CALLBACK, SPA_CALLBACK]): Promise<{ url: string; status: number; body: string; headers: Headers }> {
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      if (stopAt.some((s) => current.startsWith(s))) return { url: current, status: 0, body: '', headers: new Headers() };
      const u = new URL(current);
      const res = await fetch(current, { redirect: 'manual', headers: this.#cookieHeader(u.host) });
      this.#keepCookies(u.host, res);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current).toString();
        continue;
      }
      return { url: current, status: res.status, body: await res.text(), headers: res.headers };
    }
    throw new Error('too many redirects');
  }

  /** Posts a form (as a browser submits one, with the jar's cookies), then follows redirects as run() does. */
  async post(url: string, form: URLSearchParams, stopAt: readonly string[] = [APP_CALLBACK, SPA_CALLBACK]): Promise<{ url: string; status: number; body: string; headers: Headers }> {
    const u = new URL(url);
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.#cookieHeader(u.host) },
      body: form.toString(),
    });
    this.#keepCookies(u.host, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      return this.run(new URL(location, url).toString(), stopAt);
    }
    return { url, status: res.status, body: await res.text(), headers: res.headers };
  }

  #cookieHeader(host: string): Record<string, string> {
    const cookies = this.#jar.get(host);
    return cookies && cookies.size > 0 ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  #keepCookies(host: string, res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const jar = this.#jar.get(host) ?? new Map<string, string>();
      this.#jar.set(host, jar);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970|max-age=0(;|$)/i.test(c)) jar.delete(pair!.slice(0, eq));
      else jar.set(pair!.slice(0, eq), value);
    }
  }
}

/** Query parameters of the URL the browser stopped at. */
export function paramsOf(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

/**
 * Signs in at the example's sandbox OAuth server: fills its login form (the hidden fields, then the
 * email and the sandbox password), allows, and follows the redirect back through grantkit's callback
 * in the same browser (the flow cookie) to the app's callback, whose query it returns.
 */
export async function sandboxSignIn(browser: Browser, authorizeUrl: string, email: string): Promise<URLSearchParams> {
  return paramsOf(await sandboxSignInTo(browser, authorizeUrl, email));
}

/** The same sign-in, stopping at a callback URI starting with one of `stopAt`: the whole URL it stopped at. */
export async function sandboxSignInTo(browser: Browser, authorizeUrl: string, email: string, stopAt?: readonly string[]): Promise<string> {
  return (await sandboxSignInPage(browser, authorizeUrl, email, stopAt)).url;
}

/** The same sign-in, from any URL that leads to the sandbox's form: the response the browser ends at. */
export async function sandboxSignInPage(
  browser: Browser,
  startUrl: string,
  email: string,
  stopAt?: readonly string[],
): Promise<{ url: string; status: number; body: string; headers: Headers }> {
  const login = await browser.run(startUrl, stopAt);
  assert.equal(login.status, 200, login.body.slice(0, 300));
  const fields = new URLSearchParams();
  for (const m of login.body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) {
    fields.set(m[1]!, m[2]!.replace(/&#(\d+);/g, (_e, n: string) => String.fromCharCode(Number(n))));
  }
  fields.set('email', email);
  fields.set('password', 'sandbox');
  fields.set('action', 'allow');
  const posted = await fetch(new URL('/authorize', login.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  const back = posted.headers.get('location');
  assert.equal(posted.status, 302);
  assert.ok(back);
  return browser.run(back, stopAt);
}
