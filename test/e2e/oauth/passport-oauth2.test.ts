import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Passport } from 'passport';
import OAuth2Strategy from 'passport-oauth2';
import { startExample, type RunningExample } from '../../support/example-app.js';
import { Browser, sandboxSignInPage } from '../../support/oauth-harness.js';

/**
 * passport-oauth2 as the client: an Express app of its own that signs its users in "with
 * grantkit" (the example, through its sandbox provider) and reads their profile from grantkit's
 * userinfo endpoint. The strategy is passport-oauth2's, unmodified; the app only says where
 * userinfo is, as every strategy built on it does.
 */

/** The strategy an app writes: passport-oauth2, with its profile read from grantkit's userinfo. */
class GrantkitStrategy extends OAuth2Strategy {
  // A plain field, not a #private one: passport runs each request on an Object.create() of the strategy.
  readonly userinfoUrl: string;

  constructor(issuer: string, options: Omit<OAuth2Strategy.StrategyOptions, 'authorizationURL' | 'tokenURL'>, verify: OAuth2Strategy.VerifyFunction) {
    super({ ...options, authorizationURL: `${issuer}/v3/connect/auth?provider=oauth2`, tokenURL: `${issuer}/v3/connect/token` }, verify);
    this.userinfoUrl = `${issuer}/v3/connect/userinfo`;
    // The access token goes in the Authorization header, the one place grantkit reads it from.
    this._oauth2.useAuthorizationHeaderforGET(true);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
    this._oauth2.get(this.userinfoUrl, accessToken, (err, body) => {
      if (err) return done(new OAuth2Strategy.InternalOAuthError('could not read userinfo', err));
      try {
        done(null, JSON.parse(String(body)));
      } catch (e) {
        done(e);
      }
    });
  }
}

/**
 * Where the strategy keeps its state between the redirect and the callback. An app with
 * express-session would leave this to passport (`state: true`); this one keeps them in memory.
 */
function memoryStateStore(): OAuth2Strategy.StateStore {
  const issued = new Set<string>();
  return {
    store(_req: express.Request, ...args: unknown[]) {
      const callback = args.at(-1) as OAuth2Strategy.StateStoreStoreCallback;
      const handle = randomUUID();
      issued.add(handle);
      callback(null, handle);
    },
    verify(_req: express.Request, state: string, ...args: unknown[]) {
      const callback = args.at(-1) as OAuth2Strategy.StateStoreVerifyCallback;
      const known = issued.delete(state);
      callback(null, known, known ? undefined : { message: 'Unable to verify authorization request state.' });
    },
  };
}

describe('passport-oauth2: an Express app signs its users in with grantkit', () => {
  let ex: RunningExample;
  let app: Server;
  let appUrl: string;

  before(async () => {
    const web = express();
    app = createServer(web);
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    ex = await startExample({ GRANTKIT_CALLBACK_URIS: `${appUrl}/auth/grantkit/callback,${appUrl}/auth/wrong/callback` });

    const passport = new Passport();
    const verify = (_accessToken: string, _refreshToken: string, profile: Express.User, done: OAuth2Strategy.VerifyCallback): void => done(null, profile);
    const options = (secret: string, name: string) => ({
      clientID: ex.clientId,
      clientSecret: secret,
      callbackURL: `${appUrl}/auth/${name}/callback`,
      scope: ['openid', 'email'],
      scopeSeparator: ' ',
      store: memoryStateStore(),
    });
    passport.use('grantkit', new GrantkitStrategy(ex.base, options(ex.clientSecret, 'grantkit'), verify));
    passport.use('wrong', new GrantkitStrategy(ex.base, options('wrong-secret', 'wrong'), verify));
    web.use(passport.initialize());
    for (const name of ['grantkit', 'wrong']) {
      web.get(`/login/${name}`, passport.authenticate(name, { session: false }));
      web.get(`/auth/${name}/callback`, passport.authenticate(name, { session: false, failWithError: true }), (req, res) => {
        res.json({ signedIn: req.user });
      });
    }
    web.use((err: Error & { code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ name: err.name, code: err.code ?? null });
    });
  });
  after(async () => {
    app.closeAllConnections();
    app.close();
    await ex.close();
  });

  /** Clicks "sign in with grantkit" in a browser and signs in at the sandbox: the app's answer. */
  async function signIn(name: string): Promise<{ url: string; status: number; body: Record<string, unknown> }> {
    const done = await sandboxSignInPage(new Browser(), `${appUrl}/login/${name}`, 'ada@example.com', []);
    return { url: done.url, status: done.status, body: JSON.parse(done.body) as Record<string, unknown> };
  }

  it('signs the user in, with the profile from userinfo', async () => {
    const res = await signIn('grantkit');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const user = res.body['signedIn'] as Record<string, unknown>;
    assert.equal(user['email'], 'ada@example.com');
    assert.equal(user['email_verified'], true);
    assert.match(String(user['sub']), /.+/);
    assert.equal(new URL(res.url).searchParams.get('iss'), ex.base, 'the authorization response named the issuer');
  });

  it('a replayed code, brought to a fresh sign-in, is invalid_grant', async () => {
    const first = await signIn('grantkit');
    const code = new URL(first.url).searchParams.get('code');
    // A new sign-in starts: the app issues a new state; the old code comes back with it.
    const start = await fetch(`${appUrl}/login/grantkit`, { redirect: 'manual' });
    const state = new URL(String(start.headers.get('location'))).searchParams.get('state');
    const replay = await fetch(`${appUrl}/auth/grantkit/callback?${new URLSearchParams({ code: String(code), state: String(state) })}`);
    assert.deepEqual(await replay.json(), { name: 'TokenError', code: 'invalid_grant' });
  });

  it('a wrong client secret is invalid_client', async () => {
    const res = await signIn('wrong');
    assert.deepEqual(res.body, { name: 'TokenError', code: 'invalid_client' });
  });
});
