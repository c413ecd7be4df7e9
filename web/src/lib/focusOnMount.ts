/**
 * A ref callback that moves focus to its element when it appears: the first button of a dialog or
 * review as it opens, so keyboard and screen-reader users land in it. Defined once (a stable
 * function), so React calls it on mount only, not on every render.
 */
export function focusOnMount(el: HTMLElement | null): void {
  el?.focus();
}
