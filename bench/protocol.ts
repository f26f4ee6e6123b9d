import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * What a server child tells the orchestrator, one JSON line on stdout. The parent never parses
 * anything else the child prints, so a library's own logging cannot confuse it.
 */
export const MESSAGE_PREFIX = '@@bench ';

export type ServerMessage =
  | {
      readonly kind: 'ready';
      readonly port: number;
      /** The Authorization header value every request carries. */
      readonly authorization: string;
      /** Package versions as loaded in the child, for the report. */
      readonly versions: Readonly<Record<string, string>>;
      /** Anything the reader of the table must know about this variant (e.g. "no cache option"). */
      readonly note?: string;
    }
  | { readonly kind: 'skip'; readonly reason: string };

/**
 * IPC requests from the parent: `cpu` is answered with the child's process.cpuUsage(), `heap` with
 * the bytes its heap holds after a full collection (servers run with --expose-gc for it).
 */
export type ServerRequest = { readonly kind: 'cpu' } | { readonly kind: 'heap' };
export interface CpuReply {
  readonly kind: 'cpu';
  readonly user: number;
  readonly system: number;
}
export interface HeapReply {
  readonly kind: 'heap';
  /** NaN when the server was started without --expose-gc. */
  readonly usedBytes: number;
}

export function send(message: ServerMessage): void {
  process.stdout.write(MESSAGE_PREFIX + JSON.stringify(message) + '\n');
}

export type Ready = Extract<ServerMessage, { kind: 'ready' }>;

/**
 * The parent's side: the child's ready message, or why it never came (its skip reason, its exit,
 * or `timeoutMs` of silence, after which it is killed).
 */
export function readyMessage(child: ChildProcess, timeoutMs: number): Promise<Ready | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve(`did not start within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(MESSAGE_PREFIX)) return;
      clearTimeout(timer);
      const m = JSON.parse(line.slice(MESSAGE_PREFIX.length)) as ServerMessage;
      resolve(m.kind === 'skip' ? m.reason : m);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited with code ${code} before it was ready`);
    });
  });
}
