import { WRITER_FROM_BYTES } from './importFile.ts';

/**
 * Bytes of a department's file per record, as generated feeds run (3.3 GiB for 23.5 M records,
 * 2.6 GiB for 18.3 M): a low guess of how many records, and so at least how many facts, a folder
 * brings. Real exports with wider rows only make the guess lower.
 */
export const BYTES_PER_RECORD = 150;

/**
 * Whether a folder import should drop the deferrable indexes and build them at its end
 * (ADR 0030): when it is large (as for the background writer) and brings at least as many
 * facts as the registry holds. Building then sorts at most about twice what the load itself
 * adds, which costs less than keeping the indexes row by row once they outgrow the cache; a
 * small delivery into a large registry keeps them, since rebuilding would cost more than
 * the delivery and leave the registry's readers without them meanwhile.
 */
export function shouldDeferIndexes(folderBytes: number, factsHeld: number): boolean {
  return folderBytes >= WRITER_FROM_BYTES && folderBytes / BYTES_PER_RECORD >= factsHeld;
}
