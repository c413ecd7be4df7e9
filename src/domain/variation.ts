import { hash53 } from './hash53.ts';
import { renderTemplate, variantCount } from './template.ts';

/**
 * How varied a blast's texts are. WhatsApp reads one identical text sent to many strangers as a
 * spam signal (issue 13): the dry run says how many distinct texts the blast sends, shows a few,
 * and warns when one text would go to more numbers than the threshold.
 */
export interface Variation {
  /** Distinct texts the blast sends, variables and spintax applied. */
  distinct: number;
  /** Texts the spintax alone can make (1 without spintax). */
  possible: number;
  /** The most numbers any one identical text goes to. */
  largest_identical: number;
  /** A few distinct texts, in recipient order, each with the first number that gets it. */
  samples: Array<{ phone: string; text: string }>;
  /** Why the texts are too uniform for the pacing preset, or null. */
  warning: string | null;
}

export interface VariationOptions {
  /** IDENTICAL_TEXT_WARN_AT: warn when one text goes to more numbers than this. */
  warnAt: number;
  /** The blast's pacing preset; unknown (null) counts as `safe`. */
  preset?: string | null;
  samples?: number;
}

export function summariseVariation(
  template: string,
  recipients: Iterable<{ phone: string; vars: Readonly<Record<string, string>> }>,
  options: VariationOptions,
): Variation {
  const tally = new VariationTally(template, options);
  for (const r of recipients) tally.add(r);
  return tally.result();
}

/** summariseVariation one recipient at a time, for recipients that are read as a stream (a CSV upload). */
export class VariationTally {
  // Counted by a 53-bit hash of each text, not the text: 100,000 rendered messages are not held at once.
  private readonly counts = new Map<number, number>();
  private readonly samples: Variation['samples'] = [];
  private largest = 0;

  constructor(
    private readonly template: string,
    private readonly options: VariationOptions,
  ) {}

  add(r: { phone: string; vars: Readonly<Record<string, string>> }): void {
    const text = renderTemplate(this.template, { ...r.vars, phone: r.phone }, r.phone);
    const key = hash53(text);
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n > this.largest) this.largest = n;
    if (n === 1 && this.samples.length < (this.options.samples ?? 5)) this.samples.push({ phone: r.phone, text });
  }

  result(): Variation {
    return {
      distinct: this.counts.size,
      possible: variantCount(this.template),
      largest_identical: this.largest,
      samples: this.samples,
      warning: identicalTextWarning(this.largest, this.options.warnAt, this.options.preset ?? null),
    };
  }
}

/**
 * The warning for `largest` numbers getting one identical text, or null. `fast` is the operator's
 * knowing choice of speed over caution, so it is not warned; every other preset (and none yet) is.
 */
export function identicalTextWarning(largest: number, warnAt: number, preset: string | null): string | null {
  if (preset === 'fast' || largest <= warnAt) return null;
  return (
    `${largest.toLocaleString('en')} numbers would get the very same text (more than ${warnAt.toLocaleString('en')}). ` +
    'WhatsApp flags identical messages to many people: vary it with spintax like {Hi|Hello} or add {{name}}.'
  );
}
