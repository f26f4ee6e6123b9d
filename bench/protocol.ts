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

/** IPC request from the parent: the child answers with its process.cpuUsage(). */
export interface CpuRequest {
  readonly kind: 'cpu';
}
export interface CpuReply {
  readonly kind: 'cpu';
  readonly user: number;
  readonly system: number;
}

export function send(message: ServerMessage): void {
  process.stdout.write(MESSAGE_PREFIX + JSON.stringify(message) + '\n');
}
