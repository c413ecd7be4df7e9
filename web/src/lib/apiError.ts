/** One field's issue in an API error's details. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An error answered by the API (or a network failure, with status 0), in words a person can read. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.fields = Array.isArray(details)
      ? details.filter((d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as FieldIssue).field === 'string')
      : [];
  }

  /** Messages of the details whose field is `field` or starts with `field.` / `field[`. */
  forField(field: string): string[] {
    return this.fields
      .filter((f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`))
      .map((f) => f.message);
  }
}
