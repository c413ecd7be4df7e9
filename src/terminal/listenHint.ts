/**
 * One line for the errors a person starting the server can fix themselves, instead of a stack:
 * a busy port, a port that needs privileges, an address this machine does not have.
 * Null for anything else (that one deserves its stack).
 */
export function listenHint(err: unknown, port: number, host: string): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return `port ${port} is in use — set PORT or stop the other process`;
  if (code === 'EACCES') return `port ${port} needs administrator rights — set PORT to 1024 or above`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${host} is not an address of this machine — set HOST (127.0.0.1 for this machine only)`;
  return null;
}
