import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { describe, it } from 'node:test';
import Router from '@koa/router';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { grantkit } from '../../../adapters/express/index.js';
import { grantkit as koaGrantkit } from '../../../adapters/koa/index.js';
import type { RoutesOptions } from '../../../src/adapter.js';
import type { GrantKitOptions } from '../../../src/index.js';
import { mount } from '../../contract/koa-mount.js';
import { makeKit } from '../../support/helpers.js';

/**
 * The discovery documents (OpenID Connect Discovery, RFC 8414) on real Express and Koa apps:
 * what they say, that they list only the endpoints an app mounted, that they follow the public URL
 * with its mount prefix, and that they answer in the OAuth format when hosted OAuth has no public URL.
 */
const PUBLIC = 'https://auth.example.test';
const PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'] as const;

type AppOf = (options: Partial<GrantKitOptions>, routes?: RoutesOptions, prefix?: string) => RequestListener;

const expressApp: AppOf = (options, routes, prefix = '') => {
  const app = express();
  app.use(prefix || '/', grantkit(makeKit(options).kit).routes(routes));
  app.use((_req, res) => void res.status(404).json({ from: 'app' }));
  return app;
};

const koaApp: AppOf = (options, routes, prefix = '') => {
  const app = new Koa();
  const router = new Router();
  router.all('/{*path}', koaGrantkit(makeKit(options).kit).routes(routes));
  if (prefix === '') app.use(router.routes());
  else {
    const inner = new Koa();
    inner.use(router.routes());
    app.use(mount(prefix, inner));
  }
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { from: 'app' };
  });
  return app.callback();
};

const ENDPOINTS = {
  authorization_endpoint: `${PUBLIC}/v3/connect/auth`,
  token_endpoint: `${PUBLIC}/v3/connect/token`,
  jwks_uri: `${PUBLIC}/.well-known/jwks.json`,
  userinfo_endpoint: `${PUBLIC}/v3/connect/userinfo`,
  revocation_endpoint: `${PUBLIC}/v3/connect/revoke`,
  introspection_endpoint: `${PUBLIC}/v3/connect/introspect`,
};

for (const [framework, appOf] of [['Express', expressApp], ['Koa', koaApp]] as const) {
  describe(`discovery documents on ${framework}`, () => {
    it('both paths serve one document: the issuer, every endpoint under the public URL, what grantkit supports', async () => {
      const app = appOf({ hostedOAuth: { publicUrl: PUBLIC } });
      const [oidc, oauth] = await Promise.all(PATHS.map((p) => request(app).get(p)));
      assert.equal(oidc!.status, 200, oidc!.text);
      assert.deepEqual(oauth!.body, oidc!.body);
      assert.match(String(oidc!.headers['content-type']), /^application\/json/);
      assert.equal(oidc!.headers['cache-control'], 'public, max-age=300');
      assert.equal(oidc!.headers['access-control-allow-origin'], '*');
      const { scopes_supported: scopes, ...rest } = oidc!.body as Record<string, unknown>;
      assert.deepEqual(rest, {
        issuer: PUBLIC,
        ...ENDPOINTS,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'email', 'email_verified', 'name', 'nonce'],
        authorization_response_iss_parameter_supported: true,
      });
      for (const s of ['openid', 'email', 'profile', 'offline_access', 'email.read_only', 'calendar', 'contacts.read_only']) {
        assert.ok((scopes as string[]).includes(s), s);
      }
      assert.equal(new Set(scopes as string[]).size, (scopes as string[]).length, 'no scope twice');
    });

    it('lists only the endpoints of the families mounted with it', async () => {
      const listed = async (only: RoutesOptions['only']): Promise<string[]> => {
        const res = await request(appOf({ hostedOAuth: { publicUrl: PUBLIC } }, { only })).get(PATHS[0]);
        assert.equal(res.status, 200, res.text);
        return Object.keys(ENDPOINTS).filter((k) => k in (res.body as object));
      };
      assert.deepEqual(await listed(['discovery']), []);
      assert.deepEqual(await listed(['jwks', 'discovery']), ['jwks_uri']);
      assert.deepEqual(await listed(['hosted', 'discovery']), Object.keys(ENDPOINTS).filter((k) => k !== 'jwks_uri'));
      assert.deepEqual(await listed(['native', 'hosted', 'admin', 'jwks', 'discovery']), Object.keys(ENDPOINTS));
      // Not mounted, the documents are the app's paths.
      const without = await request(appOf({ hostedOAuth: { publicUrl: PUBLIC } }, { only: ['hosted', 'jwks'] })).get(PATHS[1]);
      assert.deepEqual({ status: without.status, body: without.body }, { status: 404, body: { from: 'app' } });
    });

    it('under a mount prefix: served below it, the endpoints under the public URL that names it', async () => {
      const app = appOf({ hostedOAuth: { publicUrl: `${PUBLIC}/auth` } }, undefined, '/auth');
      const res = await request(app).get(`/auth${PATHS[0]}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.issuer, `${PUBLIC}/auth`);
      assert.equal(res.body.authorization_endpoint, `${PUBLIC}/auth/v3/connect/auth`);
      assert.equal(res.body.jwks_uri, `${PUBLIC}/auth/.well-known/jwks.json`);
      assert.equal((await request(app).get(PATHS[0])).status, 404, 'nothing outside the mount');
    });

    it('follows the options: a named issuer, plain PKCE allowed, an ES256 key', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const app = appOf({ issuer: 'https://id.example.test', hostedOAuth: { publicUrl: PUBLIC, allowPlainPkce: true, idTokenKey: { privateKeyPem: pem, alg: 'ES256' } } });
      const res = await request(app).get(PATHS[1]);
      assert.equal(res.body.issuer, 'https://id.example.test');
      assert.equal(res.body.token_endpoint, ENDPOINTS.token_endpoint, 'endpoints stay where grantkit is reached');
      assert.deepEqual(res.body.code_challenge_methods_supported, ['S256', 'plain']);
      assert.deepEqual(res.body.id_token_signing_alg_values_supported, ['ES256']);
    });

    it('without a public URL: 404 in the OAuth format, naming the option', async () => {
      const res = await request(appOf({})).get(PATHS[0]);
      assert.equal(res.status, 404);
      assert.equal(res.body.error, 'invalid_request');
      assert.match(res.body.error_description, /hostedOAuth\.publicUrl/);
    });
  });
}
