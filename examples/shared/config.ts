import { createGrantKit, sandboxProvider, type GrantKit } from '../../src/index.js';

/**
 * The configuration every example reads from the environment, so `npm start`, `npm run start:koa`
 * and `npm run start:decorators` behave alike. Without settings it uses the fixed development
 * values the README prints, and says so; it never prints a secret.
 */
export const DEV_CLIENT_ID = 'grantkit-dev-client';
export const DEV_CLIENT_SECRET = 'grantkit-dev-secret';
export const DEV_SECRET_KEY = 'grantkit-development-key-do-not-use-in-production';

export interface ExampleConfig {
  readonly port: number;
  readonly clientId: string;
  readonly kit: GrantKit;
}

export function exampleConfig(env: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = console.warn): ExampleConfig {
  const pick = (name: string, fallback: string, minLength = 1): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      warn(`grantkit example: ${name} is not set; using the development value from the README. Do not use it in production.`);
      return fallback;
    }
    if (value.length < minLength) throw new Error(`${name} must be at least ${minLength} characters long`);
    return value;
  };
  const clientId = pick('GRANTKIT_CLIENT_ID', DEV_CLIENT_ID);
  const clientSecret = pick('GRANTKIT_CLIENT_SECRET', DEV_CLIENT_SECRET);
  const secretKey = pick('GRANTKIT_SECRET_KEY', DEV_SECRET_KEY, 32);
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  const kit = createGrantKit({
    clients: [{ id: clientId, secret: clientSecret }],
    secretKeys: [secretKey],
    providers: [sandboxProvider()],
  });
  return { port, clientId, kit };
}
