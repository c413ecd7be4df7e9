/** A secret shown as its first four characters and an ellipsis (nothing of a short one). */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `${secret.slice(0, 4)}…` : '…';
}

/**
 * The URL to paste into the WSAPME dashboard: the secret in the path, because the gateway signs
 * nothing and its dashboard may drop a query string. `masked` is safe to log and show.
 */
export function webhookUrl(base: string, secret: string): { url: string; masked: string } {
  const root = `${base.replace(/\/+$/, '')}/webhooks/wsapme/`;
  return { url: root + encodeURIComponent(secret), masked: root + maskSecret(secret) };
}

export const ENABLE_STATUS_REMINDER =
  'In the WSAPME dashboard, switch on "Enable status" for the device, or delivery and read webhooks never arrive.';

/** Where the gateway reaches us: PUBLIC_URL, else the address this request came to. */
export function publicBase(
  publicUrl: string | undefined,
  req: { protocol: string; headers: { host?: string | undefined } },
  port: number,
): string {
  return publicUrl ?? `${req.protocol}://${req.headers.host ?? `localhost:${port}`}`;
}
