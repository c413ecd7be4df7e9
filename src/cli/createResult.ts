import type { CreateBlastResult } from '../blasts/createBlast.ts';
import { out } from './output.ts';

/** What `blasts create` and `blasts follow-up` print. */
export function printCreateResult(r: CreateBlastResult, dryRun: boolean, followUpOf?: { id: number; segment: string }): void {
  const extras = [
    r.invalid.length ? `${r.invalid.length} invalid` : '',
    r.duplicates ? `${r.duplicates} duplicate${r.duplicates === 1 ? '' : 's'}` : '',
    r.opted_out ? `${r.opted_out} opted out` : '',
  ].filter(Boolean);
  const tail = extras.length ? ` (${extras.join(', ')} left out)` : '';
  const n = `${r.total_recipients} recipient${r.total_recipients === 1 ? '' : 's'}`;
  const of = followUpOf ? `follow-up of blast #${followUpOf.id} (${followUpOf.segment})` : '';
  if (dryRun || r.blast_id === null) out(`Dry run: the ${of || 'blast'} would have ${n}${tail}. Nothing was created.`);
  else out(`Created blast #${r.blast_id}${of ? `, ${of},` : ''} with ${n}${tail}.`);
  for (const bad of r.invalid.slice(0, 20)) out(`  line ${bad.line}: ${JSON.stringify(bad.input)} — ${bad.reason}`);
  if (r.invalid.length > 20) out(`  … and ${r.invalid.length - 20} more`);
  for (const w of r.warnings ?? []) {
    out(`Note: ${w.message}`);
    for (const e of w.examples) out(`  line ${e.line}: ${e.phone}`);
  }
  if (dryRun && r.preview?.length) {
    out('Preview:');
    for (const p of r.preview) {
      const vars = Object.entries(p.variables)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      out(`  ${p.phone}${vars ? `  ${vars}` : ''}`);
    }
  }
  if (dryRun && r.variation) {
    const v = r.variation;
    out(
      `Texts: ${v.distinct} distinct for ${r.total_recipients} number${r.total_recipients === 1 ? '' : 's'}${v.possible > 1 ? ` (the spintax makes ${v.possible} variants)` : ''}`,
    );
    if (v.samples.length > 1) for (const s of v.samples) out(`  ${s.phone}: ${s.text.replace(/\s+/g, ' ')}`);
    if (v.warning) out(`Warning: ${v.warning}`);
  }
  if (!dryRun && r.blast_id !== null) out(`Send it with: wablast blasts send ${r.blast_id}`);
}
