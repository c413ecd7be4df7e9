/**
 * create_100k: seconds from the start of a CSV upload of `rows` recipients (phone and two template
 * columns) to wablast's 201 answer, with every row validated, de-duplicated and stored — against
 * inserting the recipients one row at a time (autocommit, one round trip each), the way a loop of
 * ORM creates does. The one-at-a-time baseline runs on a sample and is extrapolated linearly (its
 * cost per row is constant: one statement, one commit).
 */
import { FormData, request } from 'undici';
import type { AppProcess } from './lib/appProcess.ts';
import { pgClient } from './lib/db.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export async function create100k(app: AppProcess, databaseUrl: string, rows: number, sample: number): Promise<BenchOutcome> {
  const phones = phoneNumbers(rows, 2_000_000);
  const csv = `phone,name,city\n${phones.map((p, i) => `${p},Customer ${i},Kuala Lumpur`).join('\n')}\n`;
  const form = new FormData();
  form.set('message', 'Hi {{name}} from {{city}}');
  form.set('blast_tag', 'bench create_100k');
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'recipients.csv');

  const t0 = performance.now();
  const res = await request(`${app.url}/api/blasts/upload`, { method: 'POST', body: form });
  const body = (await res.body.json()) as { blast_id?: number; total_recipients?: number };
  const seconds = (performance.now() - t0) / 1000;
  if (res.statusCode !== 201 || body.total_recipients !== rows)
    throw new Error(`upload answered ${res.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);

  const client = pgClient(databaseUrl);
  await client.connect();
  let baseline: number;
  let sampleSeconds: number;
  try {
    const blast = await client.query<{ id: string }>(
      `INSERT INTO blasts (message, device, tag) VALUES ('Hi', '5850', 'one at a time') RETURNING id`,
    );
    const id = blast.rows[0]!.id;
    const samplePhones = phoneNumbers(sample, 4_000_000);
    const s0 = performance.now();
    for (let i = 0; i < sample; i++) {
      await client.query('INSERT INTO blast_recipients (blast_id, phone_number, variables) VALUES ($1, $2, $3)', [
        id,
        samplePhones[i],
        JSON.stringify({ name: `Customer ${i}`, city: 'Kuala Lumpur' }),
      ]);
    }
    sampleSeconds = (performance.now() - s0) / 1000;
    baseline = (sampleSeconds / sample) * rows;
  } finally {
    await client.end();
  }
  const ratio = baseline / seconds;
  return {
    result: {
      name: 'create_100k',
      value: round(seconds),
      unit: 's',
      baseline: round(baseline),
      ratio: round(ratio),
      goal: '≤ 3 s and ≥ 10× faster',
      met: seconds <= 3 && ratio >= 10,
    },
    details: {
      rows,
      csv_megabytes: round(csv.length / 1024 / 1024),
      baseline_sample_rows: sample,
      baseline_sample_seconds: round(sampleSeconds),
      baseline_is: `extrapolated from ${sample.toLocaleString('en')} single-row INSERTs`,
    },
  };
}
