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
  // Counted by a 53-bit hash of each text, not the text: 100,000 rendered messages are not held at once.
  const counts = new Map<number, number>();
  const samples: Variation['samples'] = [];
  const wanted = options.samples ?? 5;
  let largest = 0;
  for (const r of recipients) {
    const text = renderTemplate(template, { ...r.vars, phone: r.phone }, r.phone);
    const key = hash53(text);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > largest) largest = n;
    if (n === 1 && samples.length < wanted) samples.push({ phone: r.phone, text });
  }
  return {
    distinct: counts.size,
    possible: variantCount(template),
    largest_identical: largest,
    samples,
    warning: identicalTextWarning(largest, options.warnAt, options.preset ?? null),
  };
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
