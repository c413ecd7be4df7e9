import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';
import { type WablastProcess, api, phones, sleep, spawnWablast } from '../faults/support/processes.ts';
import { ACK_STYLES } from './factSheetShapes.ts';
import { FactSheetGateway, type Person } from './factSheetGateway.ts';
import { type Phase, type Run, deviceHeld, expectedFunnel, stageOf } from './factSheetRun.ts';

/**
 * Issue 10, last "Done when": a WSAPME written by someone else from the fact sheet alone
 * (./factSheetGateway.ts; its author read neither sim/ nor wablast's gateway, engine or webhook
 * code), and wablast configured only as the README says for the real gateway: base URL, token,
 * device, webhook secret, and the webhook URL with the secret in the path pasted into the gateway.
 * Mid-blast the token is refused and later the device goes offline, each until wablast stops
 * sending; the gateway's own tally is then the truth wablast is held to.
 *
 * What it expects of wablast, beyond the README: the token sent in `x-wsapme-token` by default;
 * webhooks accepted at `/webhooks/wsapme/<WEBHOOK_SECRET>`; every body answered 2xx and kept as
 * at least one row of GET /api/webhook-events; a hold that heals by itself once the gateway
 * accepts again (no operator resume); and GET /api/devices showing the hold (read loosely, see
 * deviceHeld in ./factSheetRun.ts), the token refusal with a reason that names the token.
 */
const N = 150;
const TOKEN_AT = 40; // accepted sends before the token is refused
const OFFLINE_AT = 95; // … before the device goes offline
const TOKEN = `wsapme-${randomBytes(8).toString('hex')}`;
const DEVICE = '5850';
const SECRET = randomBytes(24).toString('hex');
/** Sends that may still reach a refusing gateway: the ones in flight (SEND_CONCURRENCY 16) and a few probes. */
const REFUSED_BOUND = 30;

const numbers = phones(N, 7000);
const index = new Map(numbers.map((p, i) => [p, i]));
const STOP_AT = 7;
const REPLY_JIDS = ['c.us', 'c.us', 'c.us', 's.whatsapp.net', 'c.us', 'device'] as const;

/** What each person does: delivery and read receipts in every shape, replies, one STOP, chatter. */
function person(e164: string): Person {
  const i = index.get(e164) ?? -1;
  if (i < 0) return {};
  const p: Person = {};
  if (i % 4 === 0) p.serverAck = true;
  if (i % 10 !== 5) p.deliver = ACK_STYLES[i % ACK_STYLES.length]!;
  if (i % 3 !== 0)
    p.read = { style: ACK_STYLES[(i + 3) % ACK_STYLES.length]!, status: i % 17 === 1 ? 5 : 4, name: i % 2 ? 'READ' : 'READ_ACK' };
  if (i % 13 === 6) p.readFirst = true;
  if (i % 11 === 2) p.noStatus = true;
  if (i === STOP_AT) p.reply = { text: 'STOP', jid: 'c.us' };
  else if (i % 9 === 1) p.reply = { text: 'Berapa harga?', jid: REPLY_JIDS[Math.floor(i / 9) % REPLY_JIDS.length]!, form: i === 46 };
  if (i % 25 === 4) p.chatter = true; // none of these replies
  return p;
}

describe('a WSAPME written from the fact sheet alone, wablast configured as the README says', () => {
  let db: TestDb;
  let gw: FactSheetGateway;
  let app: WablastProcess | undefined;
  const run: Run = { phases: [], errors: [] };

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    gw = await FactSheetGateway.start({
      token: TOKEN,
      device: DEVICE,
      person,
      onAccepted: (n) => {
        if (n === TOKEN_AT) gw.switches.tokenRefused = true;
        if (n === OFFLINE_AT) gw.switches.deviceOffline = true;
      },
    });
    app = await spawnWablast('all', {
      DATABASE_URL: db.url!,
      WSAPME_BASE_URL: gw.url,
      WSAPME_API_KEY: TOKEN,
      WSAPME_DEVICE: DEVICE,
      WEBHOOK_SECRET: SECRET,
      // Pacing, also from the README's table: fast enough for a test, slow enough to be a blast.
      SEND_RATE: '20',
      SEND_BURST: '4',
      PACING_PRESET: 'fast',
    });
    // What the operator pastes into the WSAPME dashboard.
    gw.webhookUrl = `${app.url}/webhooks/wsapme/${SECRET}`;
    try {
      run.blastId = await scenario(app, gw, run);
    } catch (e) {
      run.errors.push(e instanceof Error ? e.message : String(e));
    }
    // Whatever happened, gather what wablast says, so each assertion below shows its own failure.
    if (run.blastId !== undefined && app.alive) await gather(app, gw, run, run.blastId);
  }, 900_000);

  afterAll(async () => {
    await app?.stop(15_000);
    await gw?.close();
    await db?.close();
  });

  it('runs the blast to completion', () => {
    expect(run.errors, `${run.errors.join('\n')}\n${app?.logs.slice(-25).join('\n')}`).toEqual([]);
    expect(run.blast?.state).toBe('completed');
  });

  it('contacts every number exactly once, and no other number', () => {
    const wrong = numbers.filter((p) => gw.tally.accepted.get(p)?.length !== 1).map((p) => `${p}×${gw.tally.accepted.get(p)?.length ?? 0}`);
    expect(wrong.slice(0, 10), `${wrong.length} numbers not contacted exactly once`).toEqual([]);
    expect([...gw.tally.accepted.keys()].filter((p) => !index.has(p))).toEqual([]);
  });

  it('refused the token and took the device offline mid-blast (the scenario really happened)', () => {
    expect(run.phases.map((p) => p.name)).toEqual(['token', 'offline']);
    for (const p of run.phases) {
      expect(p.refused, `${p.name}: refused sends`).toBeGreaterThan(0);
      expect(p.acceptedAfter, `${p.name}: sending resumed by itself`).toBeGreaterThan(p.acceptedAt);
    }
  });

  it('holds the device while refused instead of walking the queue', () => {
    expect(run.phases.map((p) => p.name)).toEqual(['token', 'offline']);
    for (const p of run.phases) expect(p.refused, `${p.name}: sends that reached a refusing gateway`).toBeLessThanOrEqual(REFUSED_BOUND);
  });

  it('shows the device held in GET /api/devices while refused, the token refusal with its reason', () => {
    const token = run.phases.find((p) => p.name === 'token');
    const offline = run.phases.find((p) => p.name === 'offline');
    const seen = (p: Phase | undefined) => `device: ${p?.heldShown ?? 'not held'}; blast: ${p?.blastShown ?? 'sending'}`;
    expect(token?.heldShown, seen(token)).toMatch(/token|authori[sz]/i);
    expect(offline?.heldShown, seen(offline)).toBeTruthy();
  });

  it('fails nobody and leaves nobody uncertain because of token or device trouble', () => {
    const bad = (run.recipients ?? []).filter((r) => !['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED'].includes(r.status));
    expect(run.recipients?.length).toBe(N);
    expect(
      bad.slice(0, 10).map((r) => `${r.phone_number} ${r.status} ${r.last_error ?? ''}`),
      `${bad.length} recipients`,
    ).toEqual([]);
    const wrongId = (run.recipients ?? []).filter((r) => r.message_id !== gw.tally.accepted.get(r.phone_number)?.[0]?.id);
    expect(
      wrongId.slice(0, 5).map((r) => `${r.phone_number}: ${r.message_id}`),
      'message id is data.key.id',
    ).toEqual([]);
  });

  it("has the funnel equal to the gateway's acks and replies", () => {
    const want = expectedFunnel(gw.tally, numbers);
    expect(
      run.report && { sent: run.report.sent, received: run.report.received, read: run.report.read, replied: run.report.replied },
    ).toEqual(want);
    const off = (run.recipients ?? [])
      .filter((r) => r.status !== stageOf(gw.tally, r.phone_number))
      .map((r) => `${r.phone_number} (#${index.get(r.phone_number)}): ${r.status}, gateway said ${stageOf(gw.tally, r.phone_number)}`);
    expect(off.slice(0, 10), `${off.length} recipients differ`).toEqual([]);
  });

  it('had every webhook answered 2xx', () => {
    const recs = gw.poster.records;
    expect(recs.filter((r) => r.kind === 'acks').length, 'some acks came as arrays').toBeGreaterThan(0);
    const lost = recs.filter((r) => !r.ok).map((r) => `${r.kind} ${r.answers.join('/')} ${r.body.slice(0, 120)}`);
    expect(recs.length).toBeGreaterThan(N);
    expect(lost.slice(0, 8), `${lost.length} of ${recs.length} webhooks never answered 2xx`).toEqual([]);
  });

  it('stores every webhook body it answered (GET /api/webhook-events)', () => {
    const answered = gw.poster.records.filter((r) => r.ok).length;
    expect(answered).toBeGreaterThan(0);
    expect(run.storedEvents ?? 0).toBeGreaterThanOrEqual(answered);
  });

  it('lands replies and the STOP from JIDs on the E.164 numbers', () => {
    const replied = (run.recipients ?? [])
      .filter((r) => r.status === 'REPLIED')
      .map((r) => r.phone_number)
      .sort();
    expect(replied).toEqual([...gw.tally.replies.keys()].sort());
    expect(gw.tally.replies.get(numbers[STOP_AT]!)).toEqual(['STOP']);
    expect(run.optOuts).toEqual([numbers[STOP_AT]]);
  });

  it('changes nothing for group chatter and Status posts', () => {
    const targets = numbers.filter((p) => person(p).chatter);
    expect(gw.tally.chatter.length).toBeGreaterThanOrEqual(targets.length * 3);
    for (const p of targets) {
      const r = run.recipients?.find((x) => x.phone_number === p);
      expect(r?.status, p).toBe(stageOf(gw.tally, p));
      expect(r?.status, p).not.toBe('REPLIED');
    }
    expect(run.optOuts?.filter((p) => targets.includes(p))).toEqual([]);
  });
});

/** Drives the blast by the gateway's progress: the switches flip inside the gateway at TOKEN_AT and OFFLINE_AT. */
async function scenario(app: WablastProcess, gw: FactSheetGateway, run: Run): Promise<number> {
  const deadline = Date.now() + 600_000;
  const within = (ms: number) => Math.min(deadline, Date.now() + ms);
  const blastState = async (id: number) => (await api(app.url, 'GET', `/api/blasts/${id}`)).body?.state as string | undefined;
  const over = async (id: number) => ['completed', 'cancelled'].includes((await blastState(id)) ?? '') || !app.alive;

  // Chatter that has nothing to do with the blast, from the first moment.
  gw.chatter('120363041234567890@g.us', 'STOP');
  gw.chatter('status@broadcast', 'Promo hari ini');
  gw.chatter('60199999999@c.us', 'hello');

  const created = await api(app.url, 'POST', '/api/blasts', {
    blast_tag: 'fact sheet',
    message: 'Hi {{name|there}}, our new range is out!',
    recipients: numbers,
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.blast_id as number;
  run.blastId = id;
  const sent = await api(app.url, 'POST', `/api/blasts/${id}/send`);
  if (sent.status !== 200) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`);

  for (const name of ['token', 'offline'] as const) {
    const on = () => (name === 'token' ? gw.switches.tokenRefused : gw.switches.deviceOffline);
    const outcome = name === 'token' ? 'token' : 'offline';
    let until = within(120_000);
    while (!on()) {
      if (await over(id)) throw new Error(`the blast ended before the ${name} trouble began (${gw.tally.accepted.size} accepted)`);
      if (Date.now() > until) throw new Error(`no progress to the ${name} trouble: ${gw.tally.accepted.size} accepted`);
      await sleep(20);
    }
    const phase: Phase = { name, acceptedAt: gw.tally.accepted.size, refused: 0, acceptedAfter: 0, heldShown: null, blastShown: null };
    run.phases.push(phase);
    const refusedSoFar = () => gw.tally.attempts.filter((a) => a.outcome === outcome).length;
    // Until wablast stops: the device shows held, or (whatever the API says) no send for 2 s.
    until = within(90_000);
    for (;;) {
      const devices = (await api(app.url, 'GET', '/api/devices')).body?.devices as Array<Record<string, unknown>> | undefined;
      const held = deviceHeld(devices?.find((d) => String(d.id) === DEVICE));
      if (held) phase.heldShown = held;
      // Some may show the hold on the blast instead: kept apart, so the report can tell which.
      const blast = (await api(app.url, 'GET', `/api/blasts/${id}`)).body as { state?: string; last_error?: string | null };
      if (blast?.state && blast.state !== 'sending') phase.blastShown = `${blast.state}: ${blast.last_error ?? ''}`;
      if (refusedSoFar() > 0 && (held || Date.now() - gw.lastAttemptAt > 2_000)) break;
      if (Date.now() > until) throw new Error(`wablast did not stop sending during the ${name} trouble`);
      await sleep(100);
    }
    phase.refused = refusedSoFar();
    if (name === 'token') gw.switches.tokenRefused = false;
    else gw.switches.deviceOffline = false;
    // It heals by itself: a probe finds the gateway accepting again.
    until = within(120_000);
    while (gw.tally.accepted.size <= phase.acceptedAt) {
      if (await over(id)) break;
      if (Date.now() > until) throw new Error(`sending did not resume after the ${name} trouble`);
      await sleep(100);
    }
    phase.acceptedAfter = gw.tally.accepted.size;
  }

  const until = within(300_000);
  while (!(await over(id))) {
    if (Date.now() > until)
      throw new Error(`blast not completed: ${JSON.stringify((await api(app.url, 'GET', `/api/blasts/${id}/report`)).body)}`);
    await sleep(200);
  }
  return id;
}

/** After the blast (or a failed scenario): the end state through wablast's API, and one line of figures. */
async function gather(app: WablastProcess, gw: FactSheetGateway, run: Run, id: number): Promise<void> {
  const within = (ms: number) => Date.now() + ms;
  await Promise.race([gw.poster.idle(), sleep(120_000)]);
  // Answered webhooks are stored; give their application a moment to show in the report.
  const want = expectedFunnel(gw.tally, numbers);
  const settle = within(30_000);
  for (;;) {
    run.report = (await api(app.url, 'GET', `/api/blasts/${id}/report`)).body;
    const r = run.report!;
    if ((r.sent === want.sent && r.received === want.received && r.read === want.read && r.replied === want.replied) || Date.now() > settle)
      break;
    await sleep(200);
  }
  run.blast = (await api(app.url, 'GET', `/api/blasts/${id}`)).body;
  run.recipients = (await api(app.url, 'GET', `/api/blasts/${id}/recipients?limit=500`)).body?.recipients;
  run.optOuts = ((await api(app.url, 'GET', '/api/opt-outs?limit=500')).body?.opt_outs ?? []).map(
    (o: { phone_number: string }) => o.phone_number,
  );
  let stored = 0;
  for (let offset = 0; ; offset += 500) {
    const page = (await api(app.url, 'GET', `/api/webhook-events?limit=500&offset=${offset}`)).body?.events ?? [];
    stored += page.length;
    if (page.length < 500) break;
  }
  run.storedEvents = stored;
  const outcomes: Record<string, number> = {};
  for (const a of gw.tally.attempts) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
  const answers: Record<string, number> = {};
  for (const r of gw.poster.records) answers[r.answers.at(-1) ?? 0] = (answers[r.answers.at(-1) ?? 0] ?? 0) + 1;
  console.log(
    `[contract] fact-sheet gateway: sends=${JSON.stringify(outcomes)} state=${run.blast?.state} ` +
      `refused_token=${run.phases[0]?.refused ?? 0} refused_offline=${run.phases[1]?.refused ?? 0} ` +
      `held_shown=${JSON.stringify(run.phases.map((p) => [p.heldShown, p.blastShown]))} webhooks=${gw.poster.records.length} ` +
      `retried=${gw.poster.records.filter((r) => r.answers.length > 1).length} lost=${gw.poster.records.filter((r) => !r.ok).length} last_answers=${JSON.stringify(answers)} ` +
      `stored=${stored} lookups=${gw.tally.lookups} funnel=${JSON.stringify(want)}`,
  );
}
