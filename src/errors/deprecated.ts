import { GrantKitError, isGrantKitError, type GrantKitErrorCode } from './error.js';

// The names of earlier releases, spelled with a lower-case k. They stay importable for a while and
// are the same values as the new names; new code uses the GrantKit spelling.

/** @deprecated Use `GrantKitError`. */
export const GrantkitError = GrantKitError;
/** @deprecated Use `GrantKitError`. */
export type GrantkitError = GrantKitError;
/** @deprecated Use `isGrantKitError`. */
export const isGrantkitError = isGrantKitError;
/** @deprecated Use `GrantKitErrorCode`. */
export type GrantkitErrorCode = GrantKitErrorCode;
