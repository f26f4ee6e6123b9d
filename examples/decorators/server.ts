import { runExample } from '../shared/server.js';
import { createExampleApp } from './app.js';

await runExample('decorators', (c) => createExampleApp(c.kit, c.clientId, c.hosted, c.clientSecret));
