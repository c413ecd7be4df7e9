import { describe, expect, it } from 'vitest';
import { formBody } from '../../sim/webhookSender.ts';
import { wsapmeAck, wsapmeInbound, wsapmeNoise } from '../../sim/wsapmeWebhooks.ts';
import type { SimMessage } from '../../sim/simMessage.ts';
import { parseWebhookBody } from '../../src/webhooks/parseWebhookBody.ts';

const message = (i: number, status: string): SimMessage => ({
  messageId: `3EB0${String(i).padStart(12, '0')}`,
  device: '5850',
  to: '+60133999001',
  text: 'Hi',
  acceptedAt: 1_700_000_000_000,
  status,
  delivered: true,
  read: status === 'READ_ACK',
  replied: false,
  replyText: null,
  statusCalls: 0,
});

/** As the simulator puts it on the wire, then as wablast reads it. */
function roundTrip(wire: { body: unknown; form: boolean }) {
  const encoded = wire.form ? formBody(wire.body) : { type: 'application/json', body: JSON.stringify(wire.body) };
  return parseWebhookBody(encoded.type, encoded.body, 'MY');
}

describe('the simulator speaks the wsapme dialect wablast reads', () => {
  it('every ack shape carries its status to the lattice', () => {
    const shapes = new Set<string>();
    for (let i = 0; i < 60; i++) {
      for (const [status, lattice] of [
        ['DELIVERY_ACK', 'DELIVERY_ACK'],
        ['READ_ACK', 'READ_ACK'],
        ['ERROR', 'ERROR'],
        ['SERVER_ACK', 'PENDING'],
      ] as const) {
        const msg = message(i, status);
        const wire = wsapmeAck(msg);
        shapes.add(
          `${wire.form}:${Array.isArray(wire.body)}:${Object.keys(Array.isArray(wire.body) ? wire.body[0] : (wire.body as object)).join(',')}`,
        );
        const events = roundTrip(wire);
        const last = events[events.length - 1]!;
        expect(last).toMatchObject({ kind: 'status', messageId: msg.messageId, status: lattice });
      }
    }
    expect(shapes.size).toBeGreaterThanOrEqual(7);
  });

  it('replies come from JIDs of the E.164 number; noise is ignored', () => {
    for (let i = 0; i < 30; i++) {
      expect(roundTrip(wsapmeInbound(message(i, 'READ_ACK'), 'STOP'))).toMatchObject([
        { kind: 'inbound', phone: '+60133999001', text: 'STOP' },
      ]);
      expect(roundTrip(wsapmeNoise(message(i, 'READ_ACK'), (i % 3) / 3))).toMatchObject([{ kind: 'ignored' }]);
    }
  });
});
