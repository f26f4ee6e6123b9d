import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExampleApp } from '../../examples/express/app.js';
import { loadExampleConfig, type LoadedExampleConfig } from '../../examples/shared/config.js';
import { Browser, sandboxSignInTo } from './oauth-harness.js';

/**
 * The Express example as `npm start` runs it (examples/shared/server.ts): listening first on a free
 * loopback port, then its configuration from the environment (memory store, development client),
 * its sandbox OAuth provider and the `oauth2` connector, and the app. In-process, so a test that
 * drives it with an OAuth client costs no child process.
 */
export interface RunningExample {
  /** The public URL, `http://localhost:<port>`: the issuer, and where clients reach grantkit. */
  readonly base: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The example's own /callback page, the development client's registered callback URI. */
  readonly callback: string;
  readonly config: LoadedExampleConfig;
  /**
   * Signs in at the sandbox provider's form as `email` from `authorizeUrl` (grantkit's, naming
   * `provider=oauth2`), and returns the callback URL grantkit sent the browser to.
   */
  signIn(authorizeUrl: string, email?: string, callback?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startExample(env: NodeJS.ProcessEnv = {}): Promise<RunningExample> {
  let handler: ReturnType<typeof createExampleApp> | undefined;
  const server: Server = createServer((req, res) => void handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const config = await loadExampleConfig({ GRANTKIT_STORE: 'memory', PORT: '0', ...env }, () => undefined, port);
  handler = createExampleApp(config.kit, config.clientId, config.hosted, config.clientSecret);
  const callback = config.hosted.demoCallback;
  return {
    base: config.hosted.publicUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    callback,
    config,
    signIn: (url, email = 'ada@example.com', stopAt = callback) => sandboxSignInTo(new Browser(), url, email, [stopAt]),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await config.providers.sandbox.close();
      await config.kit.close();
    },
  };
}
