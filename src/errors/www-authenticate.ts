/** RFC 6750 §3 challenges. The realm is configurable; quotes and backslashes in it are escaped. */
function quote(v: string): string {
  return `"${v.replace(/["\\]/g, '\\$&')}"`;
}

export function bearerChallenge(realm: string, error?: string, scope?: readonly string[]): string {
  let h = `Bearer realm=${quote(realm)}`;
  if (error) h += `, error=${quote(error)}`;
  if (scope) h += `, scope=${quote(scope.join(' '))}`;
  return h;
}

/** RFC 7617 challenge for HTTP Basic (client authentication at the token endpoint). */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}
