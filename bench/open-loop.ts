/**
 * A constant-rate load, for latency at a set request rate: request k is due at start + k / rate,
 * goes out on an idle keep-alive connection (one request at a time on each, as a browser or an SDK
 * sends), and its latency counts from when it was due. A request that finds no connection free
 * waits for one, and that wait is charged to the server that held them all busy.
 *
 * autocannon's `overallRate` is not this: each connection sends its share of a second's requests
 * as fast as it can at the start of the second and then idles, so at half of a server's capacity
 * it still saturates it for half of every second, and its p99 measures the queue of that burst
 * (it varied from 27 to 497 ms between rounds of the same server).
 *
 * The responses are parsed just enough to find where each ends (Content-Length, or the end of a
 * chunked body), so that one core can keep tens of thousands of requests a second on schedule.
 */
import { connect, type Socket } from 'node:net';

export interface OpenLoopSettings {
  readonly url: string;
  readonly authorization: string;
  /** Seconds of load. */
  readonly duration: number;
  readonly connections: number;
  /** Requests per second. */
  readonly rate: number;
}

export interface OpenLoopResult {
  /** Latency from when each request was due to its whole response, ms. */
  readonly p99: number;
  readonly mean: number;
  readonly total: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Requests still unanswered 10 s after the load ended. */
  readonly timeouts: number;
}

/** How long the answers to the last requests are waited for. */
const DRAIN_MS = 10_000;
const HEADERS_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

interface Connection {
  readonly socket: Socket;
  /** When the request it is answering was due (performance.now()); NaN while idle. */
  dueAt: number;
  pending: Buffer;
}

export function openLoop(settings: OpenLoopSettings): Promise<OpenLoopResult> {
  const url = new URL(settings.url);
  const port = Number(url.port || 80);
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${settings.authorization}\r\n\r\n`,
    'latin1',
  );
  const planned = Math.round(settings.rate * settings.duration);
  const latencies = new Float64Array(planned);
  let answered = 0;
  let ok2xx = 0;
  let errors = 0;
  const idle: Connection[] = [];
  /** Due times of requests waiting for a free connection, oldest first. */
  const waiting: number[] = [];
  let waitingHead = 0;

  const send = (c: Connection, dueAt: number): void => {
    c.dueAt = dueAt;
    c.socket.write(request);
  };

  const onData = (c: Connection, chunk: Buffer): void => {
    c.pending = c.pending.length === 0 ? chunk : Buffer.concat([c.pending, chunk]);
    for (;;) {
      const end = responseEnd(c.pending);
      if (end < 0) return;
      if (answered < planned) latencies[answered] = performance.now() - c.dueAt;
      answered++;
      const status = Number(c.pending.toString('latin1', 9, 12));
      if (status >= 200 && status < 300) ok2xx++;
      c.pending = c.pending.subarray(end);
      if (waitingHead < waiting.length) send(c, waiting[waitingHead++]!);
      else {
        c.dueAt = NaN;
        idle.push(c);
      }
    }
  };

  return new Promise((resolve) => {
    let opened = 0;
    const connections: Connection[] = [];
    for (let i = 0; i < settings.connections; i++) {
      const socket = connect({ host: url.hostname, port, noDelay: true });
      const c: Connection = { socket, dueAt: NaN, pending: Buffer.alloc(0) };
      connections.push(c);
      socket.on('data', (chunk: Buffer) => onData(c, chunk));
      // A connection that fails before it opens still counts as settled, so the load starts on the
      // others (or on none: then every request goes unanswered) instead of waiting forever.
      let settled = false;
      const settle = (open: boolean): void => {
        if (settled) return;
        settled = true;
        if (open) idle.push(c);
        if (++opened === settings.connections) start();
      };
      socket.on('error', () => {
        errors++;
        settle(false);
      });
      socket.once('connect', () => settle(true));
    }

    const start = (): void => {
      const t0 = performance.now();
      const interval = 1000 / settings.rate;
      let k = 0;
      const tick = (): void => {
        const now = performance.now();
        for (let due = t0 + k * interval; k < planned && due <= now; due = t0 + ++k * interval) {
          const c = idle.pop();
          if (c === undefined) waiting.push(due);
          else send(c, due);
        }
        if (k < planned) setTimeout(tick, 1);
        else drain(performance.now() + DRAIN_MS);
      };
      tick();
    };

    const drain = (until: number): void => {
      if (answered < planned && performance.now() < until) {
        setTimeout(() => drain(until), 5);
        return;
      }
      for (const c of connections) c.socket.destroy();
      const measured = latencies.subarray(0, Math.min(answered, planned)).sort();
      let sum = 0;
      for (const l of measured) sum += l;
      resolve({
        p99: measured.length === 0 ? NaN : measured[Math.min(measured.length - 1, Math.ceil(measured.length * 0.99) - 1)]!,
        mean: measured.length === 0 ? NaN : sum / measured.length,
        total: answered,
        ok2xx,
        non2xx: answered - ok2xx,
        errors,
        timeouts: Math.max(0, planned - answered),
      });
    };
  });
}

/** Where the first whole response in `b` ends, or -1 while it is incomplete. */
function responseEnd(b: Buffer): number {
  const head = b.indexOf(HEADERS_END);
  if (head < 0) return -1;
  const bodyStart = head + HEADERS_END.length;
  const headers = b.toString('latin1', 0, head).toLowerCase();
  const length = /\r\ncontent-length:\s*(\d+)/.exec(headers);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return b.length >= end ? end : -1;
  }
  if (headers.includes('\r\ntransfer-encoding: chunked')) {
    const last = b.indexOf(CHUNKED_END, bodyStart);
    return last < 0 ? -1 : last + CHUNKED_END.length;
  }
  return bodyStart;
}
