import type { Blast } from './types.ts';

export interface BlastGroup {
  blast: Blast;
  /** Its follow-ups on this page, oldest first (each with its own follow-ups). */
  followUps: BlastGroup[];
}

/**
 * A page of blasts (newest first) as a tree: each follow-up under its parent when the parent is on
 * the page too; one whose parent is on another page stays at the top, where it names its parent.
 * The top level keeps the list's order (newest first); follow-ups read in the order they were sent.
 */
export function groupBlasts(blasts: readonly Blast[]): BlastGroup[] {
  const groups = new Map<number, BlastGroup>(blasts.map((b) => [b.id, { blast: b, followUps: [] }]));
  const top: BlastGroup[] = [];
  for (const b of blasts) {
    const group = groups.get(b.id)!;
    const parent = b.parent_blast_id ? groups.get(b.parent_blast_id) : undefined;
    if (parent && parent !== group) parent.followUps.unshift(group);
    else top.push(group);
  }
  return top;
}
