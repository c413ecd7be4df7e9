/**
 * Where an opt-out came from. `reply`: the person answered STOP (or a like word, domain/optOut.ts);
 * `manual`: someone added the number on the dashboard or through the API; `import`: a CSV of
 * numbers collected elsewhere; `probably_blocked`: a message stayed undelivered for days, so the
 * person most likely blocked the sender, and someone chose to stop messaging them.
 */
export const OPT_OUT_SOURCES = ['reply', 'manual', 'import', 'probably_blocked'] as const;

export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];
