import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { examplePort, loadExampleConfig, type LoadedExampleConfig } from './config.js';
import { startupMessage } from './hosted.js';

/**
 * How every example server starts, so the three behave alike: listen on PORT first (PORT=0 picks
 * a free port), because the default public URL and callback URI name the port actually listened
 * on and hosted OAuth needs them when the kit is made; then load the configuration (store, kit,
 * sandbox provider and connectors), attach the app, and print where to click. The "listening"
 * line comes last: whoever waits for it (tests, scripts) can use everything printed before it.
 */
export async function runExample(label: string, build: (config: LoadedExampleConfig) => RequestListener): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(examplePort(), () => {
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
  server.on('request', build(config));
  console.log(startupMessage(config.hosted, config.clientId, config.providers));
  console.log(`grantkit example (${label}) listening on http://localhost:${port}`);
}
