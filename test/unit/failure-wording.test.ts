import { describe, expect, it } from 'vitest';
import { outsideCountryWarning } from '../../src/domain/countryNote.ts';
import { FAILURE_REASONS, failureReason } from '../../src/domain/failureReason.ts';
import { classify } from '../../src/gateway/classify.ts';
import { prepareRecipients } from '../../src/blasts/prepareRecipients.ts';

const reasonOf = (statusCode: number, body: unknown) => {
  const o = classify('send', { type: 'response', statusCode, headers: {}, body }, 0);
  return 'reason' in o ? o.reason : '';
};

describe('one wording per failure reason', () => {
  it('"not on WhatsApp" reads the same from the seed wrapper (HTTP 400) and from WSAPME (200 + success:false)', () => {
    const seed = reasonOf(400, { error: 'number not on WhatsApp' });
    const wsapme = reasonOf(200, { success: false, message: 'number not on WhatsApp' });
    expect(seed).not.toBe(wsapme); // the gateways' words differ…
    expect(failureReason(seed, 'FAILED')).toEqual({ code: 'not_on_whatsapp', text: FAILURE_REASONS.not_on_whatsapp });
    expect(failureReason(wsapme, 'FAILED')).toEqual(failureReason(seed, 'FAILED')); // …people read one
  });

  it('WhatsApp\'s ERROR status, with or without text, is "WhatsApp refused the message"', () => {
    expect(failureReason('WhatsApp refused the message', 'FAILED')?.text).toBe(FAILURE_REASONS.whatsapp_refused);
    expect(failureReason(null, 'FAILED')?.text).toBe(FAILURE_REASONS.whatsapp_refused);
  });

  it("names the engine's own reasons", () => {
    expect(failureReason('gave up after 5 attempts: HTTP 503', 'FAILED')?.code).toBe('gateway_error');
    expect(failureReason('gave up after 5 attempts: ECONNREFUSED', 'FAILED')?.code).toBe('gateway_unreachable');
    expect(failureReason('UND_ERR_HEADERS_TIMEOUT (the message may have been sent)', 'UNCERTAIN')?.code).toBe('no_answer');
    expect(failureReason('the sending process stopped while this message was in flight', 'UNCERTAIN')?.code).toBe('stopped_in_flight');
    expect(failureReason('blast cancelled', 'SKIPPED')?.code).toBe('cancelled');
    expect(failureReason('opted out', 'SKIPPED')?.code).toBe('opted_out');
    expect(failureReason('resent on request after failed', 'QUEUED')?.code).toBe('resent');
    expect(failureReason('HTTP 400: invalid number', 'FAILED')?.code).toBe('invalid_number');
  });

  it("an unknown refusal keeps the gateway's words, without the HTTP code", () => {
    expect(failureReason('HTTP 400: message too long', 'FAILED')).toEqual({
      code: 'refused',
      text: 'Refused by the gateway: message too long',
    });
  });

  it('a delivered, read or replied message has nothing to explain, whatever error it once had', () => {
    for (const s of ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'] as const) expect(failureReason('HTTP 503', s)).toBeNull();
    expect(failureReason(null, 'QUEUED')).toBeNull();
  });
});

describe('numbers outside the default country', () => {
  it('a +65 number in a MY list is noted with its country, its line and how to write a local number', () => {
    const prepared = prepareRecipients(
      [
        { phone: '012-345 6789', vars: {} },
        { phone: '+65 9123 4567', vars: {} },
        { phone: '+6012 345 6780', vars: {} },
      ],
      'MY',
    );
    expect(prepared.outsideCountry).toEqual({ count: 1, byCountry: { SG: 1 }, examples: [{ line: 2, phone: '+6591234567' }] });
    const w = outsideCountryWarning(prepared.outsideCountry, 'MY')!;
    expect(w.code).toBe('outside_default_country');
    expect(w.message).toBe(
      '1 number is outside Malaysia (1 Singapore): it will be sent as given. If it was meant as a number in Malaysia, write it without a country code or with +60.',
    );
  });

  it('every number local: no note', () => {
    const prepared = prepareRecipients([{ phone: '0123456789', vars: {} }], 'MY');
    expect(outsideCountryWarning(prepared.outsideCountry, 'MY')).toBeNull();
  });
});
