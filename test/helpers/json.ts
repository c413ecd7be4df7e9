/**
 * A JSON body as parsed, from the service or another process (an API answer, a raw response, a
 * webhook a subscriber received): a test reads whichever fields it asserts on, and its assertions,
 * not the compiler, check them. The one `any` of the tests and benchmarks' helpers; where a test
 * wants the shape checked, it names the answer's type from src/api/contract.ts instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;
