// Turning what a person pastes or drops into the list of recipients sent to the API.

export interface PastedNumber {
  input: string;
  /** 1-based line of the textarea the number came from */
  sourceLine: number;
}

const DIGITS_MIN = 8;

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

/**
 * Splits pasted text on newlines, commas, semicolons, tabs and spaces. A space only separates
 * two numbers when every space-separated piece is a whole number on its own, so
 * "+60 12-345 6789" stays one number while "60123456789 60198765432" becomes two.
 */
export function splitPastedNumbers(text: string): PastedNumber[] {
  const out: PastedNumber[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    for (const chunk of line.split(/[,;\t]+/)) {
      const trimmed = chunk.trim();
      if (!trimmed) continue;
      const pieces = trimmed.split(/\s+/);
      if (pieces.length > 1 && pieces.every((p) => digitCount(p) >= DIGITS_MIN)) {
        for (const p of pieces) out.push({ input: p, sourceLine: i + 1 });
      } else {
        out.push({ input: trimmed, sourceLine: i + 1 });
      }
    }
  });
  return out;
}

/** A loose local check, only used to pick who the live preview is rendered for. The server decides. */
export function looksLikePhone(input: string): boolean {
  const cleaned = input.replace(/[\s\-().]/g, '');
  return /^\+?\d{8,15}$/.test(cleaned);
}
