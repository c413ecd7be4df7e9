/**
 * The device a step's message goes out from. The rule is "the device that sent the recipient's
 * first message"; while every blast has one device, that is the root blast's. Kept in this one
 * place so per-recipient sticky senders (sender pools) change only this function.
 */
export function stepDevice(root: { device: string }): string {
  return root.device;
}
