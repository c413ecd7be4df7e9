import { useRef, useState, type DragEvent } from 'react';
import { csvToRecipients, type CsvRecipients } from '@domain/csvRecipients.ts';
import { formatNumber } from '../lib/format.ts';
import { cx } from '../lib/cx.ts';
import { ErrorText } from './ErrorText.tsx';
import css from './RecipientsField.module.css';

export type RecipientsMode = 'paste' | 'csv';
export type LoadedCsv = CsvRecipients & { fileName: string };

interface Props {
  mode: RecipientsMode;
  onMode: (m: RecipientsMode) => void;
  pasted: string;
  onPasted: (v: string) => void;
  pastedCount: number;
  /** How many pasted numbers came with a name, and text cells left out beyond the name. */
  pastedNamed: number;
  pastedIgnored: number;
  csv: LoadedCsv | null;
  onCsv: (csv: LoadedCsv | null) => void;
  errors: string[];
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function RecipientsField({ mode, onMode, pasted, onPasted, pastedCount, pastedNamed, pastedIgnored, csv, onCsv, errors }: Props) {
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const readFile = async (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError('That file is larger than 20 MB. Split it into smaller blasts.');
      return;
    }
    if (!/\.(csv|txt)$/i.test(file.name) && file.type && !/csv|text|excel/.test(file.type)) {
      setFileError('That is not a CSV file. Export the sheet as CSV (comma separated) and try again.');
      return;
    }
    try {
      const parsed = csvToRecipients(await file.text());
      if (parsed.recipients.length === 0) {
        setFileError('The file has a header but no rows.');
        onCsv(null);
        return;
      }
      onCsv({ ...parsed, fileName: file.name });
    } catch (err) {
      setFileError(err instanceof Error ? err.message : 'The file could not be read.');
      onCsv(null);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void readFile(e.dataTransfer.files[0]);
  };

  const describedBy = errors.length > 0 ? 'recipients-error' : undefined;

  return (
    <fieldset className="field">
      <legend>Recipients</legend>
      <div className={css.segmented} role="radiogroup" aria-label="How to add recipients">
        <label className={mode === 'paste' ? css.active : undefined}>
          <input type="radio" name="recipients-mode" value="paste" checked={mode === 'paste'} onChange={() => onMode('paste')} />
          Paste numbers
        </label>
        <label className={mode === 'csv' ? css.active : undefined}>
          <input type="radio" name="recipients-mode" value="csv" checked={mode === 'csv'} onChange={() => onMode('csv')} />
          Upload CSV
        </label>
      </div>

      {mode === 'paste' ? (
        <div>
          <label htmlFor="numbers" className="sub-label">
            Phone numbers
          </label>
          <textarea
            id="numbers"
            className={css.numbers}
            rows={8}
            value={pasted}
            onChange={(e) => onPasted(e.target.value)}
            placeholder={'+60123456789\n+60198765432, +6011 2345 6789'}
            spellCheck={false}
            aria-invalid={errors.length > 0 ? true : undefined}
            aria-describedby={['numbers-hint', describedBy].filter(Boolean).join(' ')}
          />
          <p id="numbers-hint" className="hint">
            One per line, or separated by commas, semicolons or spaces. Include the country code. Rows pasted from a spreadsheet keep their
            name as <code>{'{{name}}'}</code> (phone and name columns, or a header row such as <code>phone, name, city</code> for more
            columns).
            {pastedCount > 0 && (
              <>
                {' '}
                <strong data-testid="pasted-count">{formatNumber(pastedCount)}</strong> entered
                {pastedNamed > 0 && (
                  <>
                    , <strong data-testid="pasted-named">{formatNumber(pastedNamed)}</strong> with a name
                  </>
                )}
                .
              </>
            )}
            {pastedIgnored > 0 && (
              <span data-testid="pasted-ignored">
                {' '}
                {formatNumber(pastedIgnored)} extra {pastedIgnored === 1 ? 'column was' : 'columns were'} left out: paste a header row to
                keep them.
              </span>
            )}
          </p>
        </div>
      ) : (
        <div>
          {/* The file input with its label and hint; dropping a file anywhere on them is a mouse shortcut. */}
          <fieldset
            className={cx(css.dropzone, dragging && css.dragging)}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <label htmlFor="csv-file" className={css.dropLabel}>
              <strong>Drop a CSV file here</strong> or <span className={css.linkish}>choose one</span>
            </label>
            <input
              ref={fileInput}
              id="csv-file"
              type="file"
              accept=".csv,text/csv,text/plain"
              className={css.file}
              onChange={(e) => void readFile(e.target.files?.[0])}
              aria-describedby={['csv-hint', describedBy, fileError ? 'csv-error' : undefined].filter(Boolean).join(' ')}
            />
            <p id="csv-hint" className="hint">
              First row is the header, with a <code>phone</code> column (or “phone number”, “mobile”, “WhatsApp”). Other columns (like{' '}
              <code>name</code>) become variables for the message.
            </p>
          </fieldset>
          <ErrorText id="csv-error" messages={fileError} />
          {csv && (
            <div className={css.summary} data-testid="csv-summary">
              <p>
                <strong>{csv.fileName}</strong>: {formatNumber(csv.recipients.length)} rows, phone column “{csv.phoneColumn}”
                {csv.columns.length > 0 && (
                  <>
                    , variables{' '}
                    {csv.columns.map((c, i) => (
                      <span key={c}>
                        {i > 0 && ', '}
                        <code>{`{{${c}}}`}</code>
                      </span>
                    ))}
                  </>
                )}
                .
              </p>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  onCsv(null);
                  if (fileInput.current) fileInput.current.value = '';
                }}
              >
                Remove file
              </button>
            </div>
          )}
        </div>
      )}
      <ErrorText id="recipients-error" messages={errors} />
    </fieldset>
  );
}
