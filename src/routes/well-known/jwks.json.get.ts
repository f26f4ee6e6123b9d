import { json } from '../../http/types.js';
import type { Route } from '../route.js';

/** GET /.well-known/jwks.json: the public key that signs id_tokens. */
export const jwks: Route = {
  method: 'GET',
  path: '/.well-known/jwks.json',
  family: 'oauth',
  readsBody: false,
  async handler({ kit }) {
    return json(200, await kit.hosted.signer.jwks(), { 'cache-control': 'public, max-age=300' });
  },
};
