/** A time on the core's clock (milliseconds since the epoch) as the whole Unix seconds the wire formats carry. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
