import { z } from 'zod';
import { DELIVERY_STATES } from '../outbound/deliveryLog.ts';
import { EVENT_TYPES } from '../outbound/endpointStore.ts';
import { idParam, pageQuery } from './schemas.ts';

/** Request shapes of the outbound webhook endpoints API (routes and the OpenAPI document). */
// http(s) only. Internal addresses are allowed on purpose: the operator who holds the API token
// is trusted, and a CRM on the same private network is a normal target.
const endpointUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000);
const events = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'must list at least one event type')
  .transform((e) => [...new Set(e)]);

export const createEndpointBody = z.strictObject({ url: endpointUrl, events });
export const patchEndpointBody = z.strictObject({
  url: endpointUrl.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export const deliveryParams = idParam.extend({
  deliveryId: z
    .string()
    .regex(/^msg_\w{1,64}$/, 'must be a delivery id (msg_…)')
    .meta({ example: 'msg_2f8a1c9e7b3d4a5f' }),
});
export const deliveriesQuery = pageQuery.extend({ status: z.enum(DELIVERY_STATES).optional().meta({ example: 'failed' }) });
