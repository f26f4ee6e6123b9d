import { exampleConfig } from '../shared/config.js';
import { createExampleApp } from './app.js';

/**
 * The example app as `npx grantkit scopes` reads it: built with the development settings and a
 * memory store, and never listening. `NODE_OPTIONS="--import tsx" npx grantkit scopes examples/express/scopes.ts`
 */
const { kit, clientId, hosted } = exampleConfig(process.env, () => undefined);
export default createExampleApp(kit, clientId, hosted);
