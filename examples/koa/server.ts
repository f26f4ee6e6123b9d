import { loadExampleConfig } from '../shared/config.js';
import { createExampleApp } from './app.js';

const { port, clientId, kit } = await loadExampleConfig();
const server = createExampleApp(kit, clientId).listen(port, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`grantkit example (Koa) listening on http://localhost:${actual}`);
});
