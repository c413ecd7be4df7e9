/** The class names that apply, joined: `cx(css.count, invalid && css.invalid)`. */
export function cx(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}
