import { describe, expect, it } from 'vitest';
import { funnelFromCounts } from '../../src/domain/funnel.ts';
import { type ProgressStatus, RANK, STATUSES, type Status, canAdvance, canFail, isStatus, statusRankSql } from '../../src/domain/status.ts';

const PROGRESS: ProgressStatus[] = ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'];
const CHAIN: Status[] = ['QUEUED', 'SENDING', 'PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'];

describe('status lattice', () => {
  it('ranks the progress chain strictly upwards', () => {
    for (let i = 1; i < CHAIN.length; i++) expect(RANK[CHAIN[i]!]).toBeGreaterThan(RANK[CHAIN[i - 1]!]);
  });

  it('every status has a rank and RANK is frozen', () => {
    for (const s of STATUSES) expect(typeof RANK[s]).toBe('number');
    expect(Object.isFrozen(RANK)).toBe(true);
  });

  it('moves up the chain from every lower progress status', () => {
    for (const from of CHAIN) {
      for (const to of PROGRESS) {
        expect(canAdvance(from, to), `${from} → ${to}`).toBe(RANK[to] > RANK[from]);
      }
    }
    expect(canAdvance('QUEUED', 'PENDING')).toBe(true);
    expect(canAdvance('SENDING', 'PENDING')).toBe(true);
    expect(canAdvance('PENDING', 'READ_ACK')).toBe(true); // a skipped stage is fine
    expect(canAdvance('DELIVERY_ACK', 'REPLIED')).toBe(true);
  });

  it('never downgrades: a late DELIVERY_ACK after READ_ACK changes nothing', () => {
    expect(canAdvance('READ_ACK', 'DELIVERY_ACK')).toBe(false);
    expect(canAdvance('REPLIED', 'READ_ACK')).toBe(false);
    expect(canAdvance('CLOSED', 'REPLIED')).toBe(false);
    expect(canAdvance('CLOSED', 'PENDING')).toBe(false);
    expect(canAdvance('DELIVERY_ACK', 'PENDING')).toBe(false);
  });

  it('treats a duplicate event as a no-op', () => {
    for (const s of PROGRESS) expect(canAdvance(s, s), s).toBe(false);
  });

  it('SKIPPED is terminal: no evidence moves it', () => {
    for (const to of PROGRESS) expect(canAdvance('SKIPPED', to), to).toBe(false);
    expect(canFail('SKIPPED')).toBe(false);
  });

  it('FAILED and UNCERTAIN are outranked by any gateway evidence', () => {
    for (const from of ['FAILED', 'UNCERTAIN'] as const) {
      for (const to of PROGRESS) expect(canAdvance(from, to), `${from} → ${to}`).toBe(true);
    }
  });

  it('canFail only while nothing better than "sent" is known', () => {
    const expected: Record<Status, boolean> = {
      QUEUED: false,
      SENDING: true,
      PENDING: true,
      UNCERTAIN: true,
      DELIVERY_ACK: false,
      READ_ACK: false,
      REPLIED: false,
      CLOSED: false,
      FAILED: false,
      SKIPPED: false,
    };
    for (const s of STATUSES) expect(canFail(s), s).toBe(expected[s]);
  });

  it('isStatus accepts exactly the known statuses', () => {
    for (const s of STATUSES) expect(isStatus(s)).toBe(true);
    for (const s of ['queued', 'READ', 'ERROR', '', null, undefined, 3, {}]) expect(isStatus(s)).toBe(false);
  });

  it('statusRankSql encodes RANK for every status', () => {
    const text = statusRankSql('r.status');
    expect(text.startsWith('CASE r.status ')).toBe(true);
    for (const s of STATUSES) expect(text).toContain(`WHEN '${s}' THEN ${RANK[s]}`);
    expect(text.endsWith('ELSE 0 END')).toBe(true);
  });
});

describe('funnelFromCounts', () => {
  it('is all zeros for an empty blast, rates included (no division by zero)', () => {
    expect(funnelFromCounts({})).toEqual({
      total: 0,
      queued: 0,
      sending: 0,
      sent: 0,
      received: 0,
      read: 0,
      replied: 0,
      closed: 0,
      failed: 0,
      uncertain: 0,
      skipped: 0,
      rates: { received: 0, read: 0, replied: 0, closed: 0 },
    });
  });

  it('counts nothing as sent while everything is queued or sending', () => {
    const f = funnelFromCounts({ QUEUED: 7, SENDING: 3 });
    expect(f).toMatchObject({ total: 10, queued: 7, sending: 3, sent: 0, received: 0, read: 0, replied: 0, closed: 0 });
    expect(f.rates).toEqual({ received: 0, read: 0, replied: 0, closed: 0 });
  });

  it('is cumulative: each recipient counts in every stage at or below its own', () => {
    const f = funnelFromCounts({ PENDING: 1, DELIVERY_ACK: 2, READ_ACK: 3, REPLIED: 4, CLOSED: 5 });
    expect(f).toMatchObject({ total: 15, sent: 15, received: 14, read: 12, replied: 9, closed: 5 });
  });

  it('counts a reply without READ_ACK as read and received', () => {
    const f = funnelFromCounts({ PENDING: 2, REPLIED: 3 });
    expect(f).toMatchObject({ sent: 5, received: 3, read: 3, replied: 3, closed: 0 });
  });

  it('never counts FAILED, UNCERTAIN or SKIPPED as sent', () => {
    const f = funnelFromCounts({ FAILED: 4, UNCERTAIN: 5, SKIPPED: 6, QUEUED: 1 });
    expect(f).toMatchObject({ total: 16, sent: 0, received: 0, failed: 4, uncertain: 5, skipped: 6, queued: 1 });
  });

  it('computes rates as fractions of sent, rounded to 4 places', () => {
    const f = funnelFromCounts({ PENDING: 1, DELIVERY_ACK: 1, READ_ACK: 1, FAILED: 10 });
    expect(f.sent).toBe(3);
    expect(f.rates).toEqual({ received: 0.6667, read: 0.3333, replied: 0, closed: 0 });
    expect(funnelFromCounts({ CLOSED: 4 }).rates).toEqual({ received: 1, read: 1, replied: 1, closed: 1 });
  });

  it('a mixed blast: every bucket, the invariants and the total', () => {
    const counts = {
      QUEUED: 2,
      SENDING: 1,
      PENDING: 3,
      DELIVERY_ACK: 4,
      READ_ACK: 5,
      REPLIED: 6,
      CLOSED: 7,
      FAILED: 8,
      UNCERTAIN: 9,
      SKIPPED: 10,
    };
    const f = funnelFromCounts(counts);
    expect(f).toEqual({
      total: 55,
      queued: 2,
      sending: 1,
      sent: 25,
      received: 22,
      read: 18,
      replied: 13,
      closed: 7,
      failed: 8,
      uncertain: 9,
      skipped: 10,
      rates: { received: 0.88, read: 0.72, replied: 0.52, closed: 0.28 },
    });
  });

  it('keeps sent ≥ received ≥ read ≥ replied ≥ closed for many random distributions', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const counts: Partial<Record<Status, number>> = {};
      for (const s of STATUSES) if (rand(3) > 0) counts[s] = rand(50);
      const f = funnelFromCounts(counts);
      expect(f.sent).toBeGreaterThanOrEqual(f.received);
      expect(f.received).toBeGreaterThanOrEqual(f.read);
      expect(f.read).toBeGreaterThanOrEqual(f.replied);
      expect(f.replied).toBeGreaterThanOrEqual(f.closed);
      expect(f.sent + f.queued + f.sending + f.failed + f.uncertain + f.skipped).toBe(f.total);
      for (const r of Object.values(f.rates)) {
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1);
      }
    }
  });
});
