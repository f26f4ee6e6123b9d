/**
 * A token hash as the bytes it stands for: hashSecret() makes a SHA-256 in base64url, 43
 * characters, which the token index (hash-keys.ts) keeps as its 32 bytes.
 */

/** base64url character code → its 6 bits, or -1. */
const DECODE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  DECODE[c.charCodeAt(0)] = i;
});

/**
 * Decodes a canonical 43-character base64url SHA-256 into `into` (8 words over 32 bytes). False
 * for anything else, including a last character whose two unused bits are set: that string would
 * not come back unchanged from the bytes, so it is not canonical.
 */
export function decode(hash: string, bytes: Uint8Array): boolean {
  if (hash.length !== 43) return false;
  let out = 0;
  let i = 0;
  for (; i < 40; i += 4) {
    const n = sextet(hash, i) << 18 | sextet(hash, i + 1) << 12 | sextet(hash, i + 2) << 6 | sextet(hash, i + 3);
    if (n < 0) return false;
    bytes[out++] = n >> 16;
    bytes[out++] = (n >> 8) & 255;
    bytes[out++] = n & 255;
  }
  const a = sextet(hash, 40);
  const b = sextet(hash, 41);
  const c = sextet(hash, 42);
  if ((a | b | c) < 0 || (c & 3) !== 0) return false;
  bytes[30] = (a << 2) | (b >> 4);
  bytes[31] = ((b & 15) << 4) | (c >> 2);
  return true;
}

/** The 6 bits of the character at `i`, or a negative number (which poisons an OR of several). */
function sextet(s: string, i: number): number {
  const code = s.charCodeAt(i);
  return code < 128 ? DECODE[code]! : -1;
}
