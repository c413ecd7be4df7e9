import { z } from 'zod';
import { errorAnswer } from '../api/answerParts.ts';

/**
 * Helpers for the schema each route declares (its params, querystring, body and answers, its tag
 * and summary): what they share, in one place.
 */

/** Every route may fail in our one error shape, whatever the status. */
export const errors = { '4xx': errorAnswer, '5xx': errorAnswer } as const;

/**
 * A schema with the example /docs shows for it (`example`, which zod keeps for a schema with a
 * transform where it drops `examples`; openapi.ts docsTransform puts it where Swagger UI reads it). Without one Swagger UI invents values from
 * patterns (a date in the year 1283) and from types ("string").
 */
export const example = <T extends z.ZodType>(schema: T, value: Example<z.input<T>>): T => schema.meta({ example: value });

/** A value of T written `as const`: examples are checked against their schema. */
type Example<T> = T extends (infer U)[] ? readonly Example<U>[] : T extends object ? { readonly [K in keyof T]: Example<T[K]> } : T;

/** An answer that is not JSON (a CSV file, an event stream, metrics): /docs names its media type. */
export const textAnswer = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: z.string() } },
});
