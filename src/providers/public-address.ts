import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { GrantKitError } from '../errors/error.js';

/**
 * Which addresses a user-supplied mail server may resolve to. Native auth is open to anyone with
 * a client id, so a host the user names (`imap_host`, `smtp_host`) must not make the server connect
 * into its own network. The ranges come from ipaddr.js, not from a hand-written list; only the
 * IPv6 forms that carry an IPv4 address inside them need rules of our own, because each of them
 * can reach that IPv4 address:
 * - IPv4-mapped `::ffff:a.b.c.d`: the IPv4 address itself;
 * - NAT64 `64:ff9b::/96`: a NAT64 gateway forwards to the embedded IPv4 address;
 * - 6to4 `2002:AABB:CCDD::/48`: the relay tunnels to the IPv4 address AA.BB.CC.DD;
 * - IPv4-compatible `::a.b.c.d` (deprecated; `::7f00:1` is 127.0.0.1 on some stacks): refused.
 * Everything else must be in ipaddr.js's `unicast` range, i.e. in none of its special ranges
 * (loopback, private, link-local, CGNAT, multicast, reserved, unique-local, Teredo, ...).
 */
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

export function isPublicAddress(address: string): boolean {
  // Only the forms a resolver answers with: ipaddr.js would also read `1.2.3` or `0x7f.1`.
  if (isIP(address) === 0) return false;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return false;
  }
  return isPublic(ip);
}

function isPublic(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (ip instanceof ipaddr.IPv4) return ip.range() === 'unicast';
  if (ip.isIPv4MappedAddress()) return isPublic(ip.toIPv4Address());
  const bytes = ip.toByteArray();
  if (ip.match(NAT64)) return isPublic(new ipaddr.IPv4(bytes.slice(12, 16)));
  if (ip.range() === '6to4') return isPublic(new ipaddr.IPv4(bytes.slice(2, 6)));
  if (ip.match(IPV4_COMPATIBLE)) return false;
  return ip.range() === 'unicast';
}

/** One DNS answer: every address the name has. */
export type HostLookup = (host: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>;

export const systemLookup: HostLookup = (host) => lookup(host, { all: true });

/**
 * Resolves a user-supplied host once and returns the address to connect to. Unless private
 * addresses are allowed, every address of the answer must be public: a name with one public and
 * one private address is refused, since a client may pick either. The caller connects to the
 * returned address (with the TLS server name set to the host), never to the name, so a second DNS
 * answer (DNS rebinding) cannot switch the connection to an address that was not checked.
 */
export async function resolvePublicHost(host: string, field: string, options: { lookup: HostLookup; allowPrivate: boolean }): Promise<string> {
  let addresses;
  try {
    addresses = await options.lookup(host);
  } catch (cause) {
    throw new GrantKitError('invalid_request', `"${field}" does not resolve.`, { cause });
  }
  const first = addresses[0];
  if (first === undefined) throw new GrantKitError('invalid_request', `"${field}" does not resolve.`);
  if (!options.allowPrivate && !addresses.every((a) => isPublicAddress(a.address))) {
    throw new GrantKitError('invalid_request', `"${field}" must resolve to a public address.`);
  }
  return first.address;
}
