import pg from 'pg';
import type { Pool } from 'pg';
import type { ChannelTransport } from '../broadcast.js';
import { quoteIdent } from './postgres-statements.js';

/**
 * LISTEN on a connection of its own, outside the pool: a pooled connection is shared and may be
 * recycled, and a listener must stay put. It is made with the pool's own settings. Its health is
 * the connection's own: pg's 'error' and 'end' report a loss at once (the Broadcast then
 * re-subscribes on a new connection), not a timer.
 */
export function listenTransport(pool: Pool, channel: string, timeoutMs: number): ChannelTransport {
  return {
    async open(onMessage, onLost) {
      // Named after its channel, so an operator can find it in pg_stat_activity. TCP keepalive lets
      // the kernel notice a peer that vanished; the heartbeat notices one that hangs.
      const client = new pg.Client({ ...pool.options, application_name: channel, connectionTimeoutMillis: timeoutMs, keepAlive: true });
      let closed = false;
      const lose = (): void => {
        if (closed) return;
        closed = true;
        onLost();
      };
      client.on('error', lose);
      client.on('end', lose);
      client.on('notification', (m) => {
        if (m.channel === channel && m.payload !== undefined) onMessage(m.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (e) {
        closed = true;
        client.end().catch(() => {});
        throw e;
      }
      return {
        ping: () => client.query('SELECT 1'),
        close: () => {
          closed = true;
          // With a query in flight (a heartbeat on a hung connection) pg destroys the socket at once.
          client.end().catch(() => {});
        },
      };
    },
  };
}
