import { isGrantKitError } from '../errors/error.js';
import type { ApiFamily, SignInFailedEvent, SignInFlow } from './events.js';
import type { AuditTrail } from './trail.js';

/** Who is signing in, as the sign-in events name it. */
export interface SignInParty {
  readonly flow: SignInFlow;
  readonly api?: ApiFamily;
  readonly clientId?: string;
  readonly provider?: string;
}

/**
 * A sign-in done in one request (native authorization, custom authentication): `signin.started`,
 * then `signin.succeeded` with the grant `grantOf` names, or `signin.failed` with the error's code.
 */
export async function auditedSignIn<T>(
  audit: AuditTrail | undefined,
  party: SignInParty,
  run: () => Promise<T>,
  grantOf: (result: T) => string,
): Promise<T> {
  if (audit === undefined) return run();
  audit.emit({ type: 'signin.started', ...party });
  let result: T;
  try {
    result = await run();
  } catch (e) {
    audit.emit({ type: 'signin.failed', ...party, reason: failureReason(e) });
    throw e;
  }
  audit.emit({ type: 'signin.succeeded', ...party, grantId: grantOf(result) });
  return result;
}

/** What a failed sign-in records: the error's code, never its message. */
export function failureReason(e: unknown): SignInFailedEvent['reason'] {
  return isGrantKitError(e) ? e.code : 'internal';
}
