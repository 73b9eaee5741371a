/**
 * The number a record key is found by on SQLite (migration 0025, ADR 0037): the first 47 bits
 * of its hash, read from the first twelve hex digits and halved. A 32-character text key made
 * every entry of the hash's index about 42 bytes; this one is stored in 6 (SQLite keeps an
 * integer below 2^47 in six bytes), so the index a county's record keys move into is less than
 * half the pages. Not unique — two hashes may share their first 47 bits — so a look-up always
 * compares the whole hash as well.
 *
 * Monotone in the hash's text order (the leading digits, halved): keys sorted by hash are
 * sorted by this number too, so a move goes in the same order whether it reads the small table
 * by number (SQLite) or by hash (PostgreSQL).
 * Only ever given hashes `recordHash` made (lowercase hex); a non-hex digit ends `parseInt`'s
 * reading early, which still gives the same number for the same hash every time.
 */
export function recordHashKey(hash: string): number {
  return Math.floor(parseInt(hash.slice(0, 12), 16) / 2) || 0;
}
