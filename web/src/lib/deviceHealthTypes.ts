/** GET /api/devices, as the health cards read it (src/devices/deviceHealth.ts). */
export interface DeviceHealth {
  status: 'ok' | 'warning' | 'paused' | 'held' | 'disabled';
  sent_today: number;
  daily_cap: number | null;
  paused: { at: string; reason: string | null } | null;
  last_refusal: { at: string; reason: string | null } | null;
  error_rate: { window: number; sends: number; errors: number; rate: number | null; pause_above: number };
  probably_blocked: number;
  probably_blocked_days: number;
}

export interface DeviceWithHealth {
  id: string;
  label: string | null;
  enabled: boolean;
  sending: { state: 'running' } | { state: 'held'; kind: string; reason: string | null; retry_at: string | null };
  health: DeviceHealth;
}

export interface ProbablyBlockedList {
  device: string;
  days: number;
  numbers: Array<{ phone_number: string; sent_at: string; blast_id: number; recipient_id: number }>;
  total: number;
}
