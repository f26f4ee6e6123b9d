import ipaddr from 'ipaddr.js';

/**
 * The key part for an IP. IPv6 clients usually hold a whole /64, so it is keyed by its /64; an
 * IPv4-mapped IPv6 address counts as the IPv4 one. The address comes from the framework (Express
 * `req.ip`, Koa `ctx.ip`), so the app's own proxy settings decide whether X-Forwarded-For counts.
 */
export function ipKey(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip);
  } catch {
    return 'unknown';
  }
  if (addr instanceof ipaddr.IPv4) return addr.toString();
  const parts = addr.parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}
