/**
 * The devices a step's messages go out from. The rule is "the device that sent the recipient's
 * first message": the step blast gets the root blast's whole sender pool, and blast creation gives
 * each phone to the pool device that first messaged it (phone_senders, the sticky sender), so a
 * recipient hears every step from the number that first wrote to them.
 */
export function stepDevice(root: { device: string; devices: readonly string[] | null }): { device: string; devices: string[] } {
  return { device: root.device, devices: root.devices?.length ? [...root.devices] : [root.device] };
}
