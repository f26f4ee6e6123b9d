import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notReadyResponse } from '../../src/index.js';
import { exampleHost, examplePort, loadExampleConfig, type LoadedExampleConfig } from './config.js';
import { startupMessage } from './hosted.js';

/**
 * How every example server starts, so the three behave alike: listen on HOST:PORT first (HOST
 * defaults to 127.0.0.1; PORT=0 picks a free port), because the default public URL and callback URI
 * name the port actually listened on and hosted OAuth needs them when the kit is made; then load
 * the configuration (store, kit, sandbox provider and connectors), attach the app, and print where
 * to click. The "listening" line comes last: whoever waits for it (tests, scripts) can use
 * everything printed before it.
 *
 * The request handler is attached before listening: until the app is built, every request gets
 * 503 with `Retry-After: 1` at once, in the format of the route it is for, instead of waiting on a
 * server with no handler.
 */
export async function runExample(label: string, build: (config: LoadedExampleConfig) => RequestListener): Promise<void> {
  let host: string;
  try {
    host = exampleHost();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
    return;
  }
  let app: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (app !== undefined) return app(req, res);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const r = notReadyResponse(req.method ?? 'GET', path);
    req.resume();
    res.writeHead(r.status, r.headers);
    res.end(r.payload);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(examplePort(), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let config: LoadedExampleConfig;
  try {
    config = await loadExampleConfig(process.env, console.warn, port);
  } catch (e) {
    server.close();
    throw e;
  }
  app = build(config);
  console.log(startupMessage(config.hosted, config.clientId, config.providers, config.imapPrivateHosts));
  console.log(`grantkit example (${label}) listening on http://localhost:${port}`);
}
