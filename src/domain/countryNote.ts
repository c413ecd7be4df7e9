import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';

/**
 * Numbers that belong to another country than the default (PHONE_DEFAULT_REGION) are sent as
 * typed, but a `+65` in a list of Malaysian customers is more often a slip than a plan: the create
 * result says so, a note rather than a refusal.
 */
export interface OutsideCountry {
  count: number;
  /** ISO region → how many ('001': non-geographic, e.g. +800). */
  byCountry: Record<string, number>;
  /** The first few, with their 1-based position in the list. */
  examples: Array<{ line: number; phone: string }>;
}

export interface CreateWarning {
  code: 'outside_default_country';
  message: string;
  count: number;
  by_country: Record<string, number>;
  examples: Array<{ line: number; phone: string }>;
}

const names = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (code: string): string => (code === '001' ? 'international (non-geographic)' : (names.of(code) ?? code));

/** The note for the create result, or null when every number is in the default country. */
export function outsideCountryWarning(found: OutsideCountry, region: string): CreateWarning | null {
  if (found.count === 0) return null;
  const parts = Object.entries(found.byCountry)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${n} ${countryName(code)}`);
  const one = found.count === 1;
  const n = one ? '1 number is' : `${found.count} numbers are`;
  const code = `+${getCountryCallingCode(region as CountryCode)}`;
  return {
    code: 'outside_default_country',
    message:
      `${n} outside ${countryName(region)} (${parts.join(', ')}): ${one ? 'it' : 'they'} will be sent as given. ` +
      `If ${one ? 'it was meant as a number' : 'they were meant as numbers'} in ${countryName(region)}, write ${one ? 'it' : 'them'} without a country code or with ${code}.`,
    count: found.count,
    by_country: found.byCountry,
    examples: found.examples,
  };
}
