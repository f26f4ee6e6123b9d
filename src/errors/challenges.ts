/**
 * Every `WWW-Authenticate` challenge grantkit sends is built here, so each one quotes its values
 * the same way: the realm is configurable, and a quote or backslash in it is escaped (RFC 9110
 * section 5.6.4), never pasted raw into the header.
 */
function quote(v: string): string {
  return `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 6750 section 3 challenge for bearer tokens, with the error and the scope a client lacks. */
export function bearerChallenge(realm: string, error?: string, scope?: readonly string[]): string {
  let h = `Bearer realm=${quote(realm)}`;
  if (error) h += `, error=${quote(error)}`;
  if (scope) h += `, scope=${quote(scope.join(' '))}`;
  return h;
}

/** RFC 7617 challenge for HTTP Basic (client authentication at the token endpoints). */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}
