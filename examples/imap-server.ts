import { DEV_IMAP_PASSWORD, DEV_IMAP_USER, startDevImap } from './shared/dev-imap.js';
import { portFrom } from './shared/hosted.js';

/**
 * `npm run imap`: an IMAP server on 127.0.0.1:1143 (IMAP_PORT) with one account, so grantkit's
 * IMAP sign-in can be clicked through with no outside account. Start the example beside it with
 * GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true, which lets its IMAP form name a host on this machine.
 */
const server = await startDevImap({ port: portFrom(process.env, 'IMAP_PORT', 1143), users: { [DEV_IMAP_USER]: { password: DEV_IMAP_PASSWORD } } });
const stop = (): void => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
console.log(
  [
    `IMAP server on 127.0.0.1:${server.port}, no TLS: sign in as ${DEV_IMAP_USER} with the password "${DEV_IMAP_PASSWORD}".`,
    'Start the example with GRANTKIT_IMAP_ALLOW_PRIVATE_HOSTS=true npm start, open its IMAP sign-in URL, and fill in',
    `the server 127.0.0.1, the port ${server.port} and the security "None".`,
    `IMAP server listening on 127.0.0.1:${server.port}`,
  ].join('\n'),
);
