import type { Redis } from 'ioredis';
import type { ChannelTransport } from '../broadcast.js';

/**
 * A subscriber connection of its own (a subscribed connection can run nothing else), made with the
 * command client's settings. It never reconnects or resubscribes by itself: the Broadcast does,
 * so that it knows when messages may have been lost.
 */
export function subscriberTransport(redis: Redis, channel: string, timeoutMs: number): ChannelTransport {
  return {
    async open(onMessage, onLost) {
      const sub = redis.duplicate({
        lazyConnect: true,
        retryStrategy: () => null,
        autoResubscribe: false,
        enableOfflineQueue: true,
        maxRetriesPerRequest: 0,
        connectTimeout: Math.max(timeoutMs, 1000),
      });
      let closed = false;
      const lose = (): void => {
        if (closed) return;
        closed = true;
        onLost();
      };
      sub.on('error', () => {}); // each error is followed by 'close', which is what counts
      sub.on('close', lose);
      sub.on('end', lose);
      sub.on('message', (ch: string, message: string) => {
        if (ch === channel) onMessage(message);
      });
      try {
        await sub.connect();
        await sub.subscribe(channel);
      } catch (e) {
        closed = true;
        sub.disconnect();
        throw e;
      }
      return {
        ping: () => sub.ping(),
        close: () => {
          closed = true;
          sub.disconnect();
        },
      };
    },
  };
}
