// The health cards' shapes are the server's (src/api/contract.ts).
export type { DeviceHealth, DeviceWithHealth, ProbablyBlockedList } from '@api/contract.ts';
