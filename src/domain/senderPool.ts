/**
 * Which device of a blast's sender pool takes a phone nobody has messaged yet. Pure: the claim
 * (send/claimRecipients.ts) reads the pool's state and asks this, per blast.
 *
 * The rule: a new phone goes to the device with the most room left today — the fewest sent relative
 * to its daily cap; a device without a cap has unlimited room. Devices without caps share new
 * phones by pulling (each takes as many as its own pace allows, so the least busy takes most).
 * A device that is paused, disabled or not run by any engine takes none; a held one takes none
 * unless no other device of the pool can (it must still be able to probe with one).
 */
export interface PoolMember {
  device: string;
  /** Enabled, not paused, and some engine holds its lease: it could send now. */
  live: boolean;
  /** Held for gateway trouble (send/deviceHold.ts): it sends only probes. */
  held: boolean;
  sentToday: number;
  /** The effective daily cap; null for none. */
  cap: number | null;
}

/**
 * How far ahead (in messages) a capped device may get before it lets a roomier one catch up: the
 * pool's devices claim in turns without each waiting for the other's every send.
 */
export const POOL_SLACK = 5;

/** True when `me` may take new phones of a blast whose other pool devices are `others`. */
export function takesNewPhones(me: PoolMember, others: readonly PoolMember[], slack = POOL_SLACK): boolean {
  // Its own cap is its sender's to keep (the pace knows what it has in flight); a rival at its cap has no room to defer to.
  if (!me.live) return false;
  const rivals = others.filter((o) => o.device !== me.device && o.live && !o.held && hasRoom(o));
  // A held device probes with a new phone only when nobody healthy could send it.
  if (me.held) return rivals.length === 0;
  return !rivals.some((o) => moreRoom(o, me, slack));
}

function hasRoom(m: PoolMember): boolean {
  return m.cap === null || m.sentToday < m.cap;
}

/** `a` has clearly more room than `b`: uncapped beats capped; two capped compare fractions used (slack counted for `a`). */
function moreRoom(a: PoolMember, b: PoolMember, slack: number): boolean {
  if (b.cap === null) return false;
  if (a.cap === null) return true;
  // (a.sent + slack) / a.cap < b.sent / b.cap, multiplied out.
  return (a.sentToday + slack) * b.cap < b.sentToday * a.cap;
}
