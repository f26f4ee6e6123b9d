/**
 * Revoked token families.
 *
 * A replayed code or refresh token revokes every token of its family. The redemption it collides
 * with may still be running: it consumed the code first and writes its tokens a few milliseconds
 * later, after the replay's revocation. If revocation only deleted the tokens present at that
 * moment, the winner's tokens would appear afterwards and live on, while the replay was told the
 * chain is revoked. So revoking a family also leaves a marker, and every store:
 *
 * - writes the marker before (or in the same atomic step as) deleting the family's tokens;
 * - refuses to store a token of a marked family, atomically against the revocation (a Lua script
 *   in Redis, a row lock on the family in PostgreSQL, a write transaction in SQLite);
 * - never resolves a token of a marked family, as a second line of defence.
 *
 * The caller that loses the race is never told: the tokens it hands out simply do not exist, as if
 * they had been revoked a moment after issuance.
 *
 * Markers are garbage-collected after REVOKED_FAMILY_RETENTION_MS. By then no redemption or
 * rotation that started before the revocation can still be writing (each store call is bounded by
 * the store timeout, seconds at most), and no token of the family can exist, because every write
 * since the revocation was refused.
 */
export const REVOKED_FAMILY_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Revoked tokens.
 *
 * The rate limits count a bearer token the store does not return as a guess (limits/rate-limits.ts),
 * unless the store knows it (Store.knows). A revoked token is no guess: its holder had it, and a
 * client that keeps presenting it after a revocation must not throttle its whole address. So every
 * store keeps a tombstone of each access token and API key it deletes by revocation (revokeToken,
 * revokeFamily, revokeGrantTokens, deleteGrant): the hash and when, never the record. Codes, flows
 * and refresh tokens are never presented as bearer tokens, so nothing is kept of them.
 *
 * A tombstone is written in the same atomic step as the delete, from the rows the delete finds, and
 * read only when `resolve` found nothing. It is garbage-collected after REVOKED_TOKEN_RETENTION_MS
 * on the wall clock, like the rate-limit counters it serves (by the write sweep, or a key TTL in
 * Redis); a revoked token presented later than that counts as a guess again.
 */
export const REVOKED_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;
