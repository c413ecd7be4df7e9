import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';

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
    await this.db.execute(sql`INSERT INTO sessions (id_hash, token_tag, created_at, expires_at)
      VALUES (${digest(id)}, ${tokenTag(this.apiToken)}, ${now.toISOString()}, ${expiresAt.toISOString()})`);
    // Expired rows are useless; sweeping them at each sign-in keeps the table small without a timer.
    await this.db.execute(sql`DELETE FROM sessions WHERE expires_at < ${now.toISOString()}`);
    return { id, expiresAt };
  }

  async isValid(id: string, now: Date): Promise<boolean> {
    if (!/^[\w-]{43}$/.test(id)) return false;
    const found = await rows<{ ok: boolean }>(
      this.db,
      sql`SELECT true AS ok FROM sessions WHERE id_hash = ${digest(id)} AND token_tag = ${tokenTag(this.apiToken)}
          AND revoked_at IS NULL AND expires_at > ${now.toISOString()}`,
    );
    return found.length > 0;
  }

  async revoke(id: string, now: Date): Promise<void> {
    await this.db.execute(sql`UPDATE sessions SET revoked_at = ${now.toISOString()} WHERE id_hash = ${digest(id)} AND revoked_at IS NULL`);
  }
}
