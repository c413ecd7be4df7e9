import { useMemo, useState } from 'react';
import { looksLikePhone, splitPastedRecipients, toRecipientInput } from '@domain/pastedRecipients.ts';
import { templateVariables } from '@domain/template.ts';
import type { PreviewRecipient } from '../components/MessagePreview.tsx';
import type { LoadedCsv, RecipientsMode } from '../components/RecipientsField.tsx';

/**
 * The new blast's recipients, pasted or from a CSV file (`mode` says which counts): the list sent to
 * the API, the variables they bring (and those a message uses that the CSV lacks), the line of the
 * paste or the file each one came from, and the first that looks valid (to preview before a check).
 */
export function useRecipientsInput() {
  const [mode, setMode] = useState<RecipientsMode>('paste');
  const [pasted, setPasted] = useState('');
  const [csv, setCsv] = useState<LoadedCsv | null>(null);

  const pastedList = useMemo(() => splitPastedRecipients(pasted), [pasted]);
  const pastedNumbers = pastedList.recipients;
  const recipients = useMemo(
    () => (mode === 'paste' ? pastedNumbers.map(toRecipientInput) : (csv?.recipients ?? [])),
    [mode, pastedNumbers, csv],
  );
  const sourceLine = (position: number) => (mode === 'paste' ? pastedNumbers[position - 1]?.sourceLine : csv?.sourceLines[position - 1]);
  const variables = mode === 'csv' ? (csv?.columns ?? []) : pastedList.columns;
  const unknownVariables = (message: string) =>
    mode === 'csv' && csv
      ? templateVariables(message)
          .filter((v) => !v.hasFallback && v.name.toLowerCase() !== 'phone')
          .map((v) => v.name)
          .filter((v) => !csv.columns.some((c) => c.toLowerCase() === v.toLowerCase()))
      : [];

  const firstLikely = useMemo((): PreviewRecipient | null => {
    for (const r of recipients) {
      if (typeof r === 'string') {
        if (looksLikePhone(r)) return { phone: r, variables: { phone: r } };
      } else if (looksLikePhone(r.phone)) {
        return { phone: r.phone, variables: { ...r } };
      }
    }
    return null;
  }, [recipients]);

  return { mode, setMode, pasted, setPasted, csv, setCsv, pastedList, recipients, sourceLine, variables, unknownVariables, firstLikely };
}
