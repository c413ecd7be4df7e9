import { sql } from 'drizzle-orm';
import { type Db, rows } from '../db/client.ts';

/**
 * The dashboard's sessions table (http/sessionStore.ts decides what goes in): a row holds the hash
 * of the cookie's random id and a tag of the API_TOKEN it was issued under, never either itself.
 */
export interface SessionRow {
  idHash: string;
  tokenTag: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Db, s: SessionRow): Promise<void> {
  await db.execute(sql`INSERT INTO sessions (id_hash, token_tag, created_at, expires_at)
    VALUES (${s.idHash}, ${s.tokenTag}, ${s.createdAt.toISOString()}, ${s.expiresAt.toISOString()})`);
}

/** Expired rows are useless; sweeping them at each sign-in keeps the table small without a timer. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE expires_at < ${now.toISOString()}`);
}

/** A session is live while not revoked, not expired, and issued under the API_TOKEN in force now. */
export async function isLiveSession(db: Db, idHash: string, tokenTag: string, now: Date): Promise<boolean> {
  const found = await rows<{ ok: boolean }>(
    db,
    sql`SELECT true AS ok FROM sessions WHERE id_hash = ${idHash} AND token_tag = ${tokenTag}
        AND revoked_at IS NULL AND expires_at > ${now.toISOString()}`,
  );
  return found.length > 0;
}

/** Sign-out: the row stays, revoked (a second sign-out changes nothing). */
export async function revokeSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.execute(sql`UPDATE sessions SET revoked_at = ${now.toISOString()} WHERE id_hash = ${idHash} AND revoked_at IS NULL`);
}
