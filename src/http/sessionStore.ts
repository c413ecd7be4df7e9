import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { deleteExpiredSessions, insertSession, isLiveSession, revokeSession } from '../sessions/sessionQueries.ts';

/** How long a dashboard sign-in lasts; the cookie and the row expire together. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

const digest = (s: string): string => createHash('sha256').update(s).digest('base64url');
/** Which API_TOKEN a session was issued under, without storing anything the token could be recovered from cheaply. */
const tokenTag = (apiToken: string): string => digest(`wablast-token-tag\0${apiToken}`);

/**
 * Server-side sessions: the cookie carries 32 random bytes, the table only their hash. A session
 * ends when it expires, when it is revoked (sign-out), or when API_TOKEN changes.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly apiToken: string,
  ) {}

  async create(now: Date): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await insertSession(this.db, { idHash: digest(id), tokenTag: tokenTag(this.apiToken), createdAt: now, expiresAt });
    await deleteExpiredSessions(this.db, now);
    return { id, expiresAt };
  }

  async isValid(id: string, now: Date): Promise<boolean> {
    if (!/^[\w-]{43}$/.test(id)) return false;
    return isLiveSession(this.db, digest(id), tokenTag(this.apiToken), now);
  }

  async revoke(id: string, now: Date): Promise<void> {
    await revokeSession(this.db, digest(id), now);
  }
}
