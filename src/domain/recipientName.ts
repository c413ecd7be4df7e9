/**
 * A recipient's name is its `name` variable (a CSV column), whatever its case: the inbox, the
 * search, the export and the CLI all find it here, so "Name" in one CSV and "NAME" in another
 * are one column to people.
 */
export const isNameVariable = (key: string): boolean => key.toLowerCase() === 'name';

/** A variable by name, case-insensitively (a CSV header may say Name or NAME); null when empty. */
export function variableNamed(vars: Readonly<Record<string, string>>, name: string): string | null {
  for (const [k, v] of Object.entries(vars)) if (k.toLowerCase() === name && v.trim() !== '') return v;
  return null;
}

export const recipientName = (vars: Readonly<Record<string, string>> | null | undefined): string | null =>
  vars ? variableNamed(vars, 'name') : null;
