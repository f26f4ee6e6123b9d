/** Error texts as the Nylas API writes them, kept to the letter: clients compare them. */
export const CREDENTIALS_MESSAGE = 'Could not verify access credentials.';

/** Python-style list rendering, as the Nylas API writes it: ['email.read_only', 'email.send']. */
function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

/** The text of the 403 for missing scopes; `mode` picks "at least one of" or "all of". */
export function insufficientScopeMessage(
  granted: readonly string[],
  required: readonly string[],
  mode: 'any' | 'all',
): string {
  const which = mode === 'any' ? 'at least one of' : 'all of';
  return (
    `You do not have access to the required scopes. You provided a token which has the following scopes: ` +
    `${pyList(granted)}. You would need a token with ${which} the following scopes: ${pyList(required)}`
  );
}
