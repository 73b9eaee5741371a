/**
 * Masks a resident ID number for lists and exports (GB/T 35273): the first 6 and last 4
 * characters stay, so staff can tell people apart without seeing the birth date.
 */
export function maskResidentId(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}
