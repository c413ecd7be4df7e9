import { randomBytes } from 'node:crypto';

/** Standard Webhooks' secret format: whsec_ then base64 of the key (24 random bytes, 192 bits). */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** What lists show: enough to tell two secrets apart, never enough to sign. */
export function maskSecret(secret: string): string {
  return `whsec_…${secret.slice(-4)}`;
}

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_GRACE_HOURS = 24;
