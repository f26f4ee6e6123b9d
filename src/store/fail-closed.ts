import { GrantkitError } from '../errors/error.js';

/**
 * A store that is down or slow must never let a request through, and never answer 401 as if the
 * token were bad: the answer is 503 with Retry-After, within the timeout.
 */
export function storeUnavailable(cause?: unknown): GrantkitError {
  return new GrantkitError('store_unavailable', 'The grant store is unavailable; try again shortly.', {
    headers: { 'retry-after': '1' },
    cause,
  });
}

export function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(storeUnavailable(new Error(`store call exceeded ${ms} ms`))), ms);
    call.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof GrantkitError ? e : storeUnavailable(e));
      },
    );
  });
}
