export function SimulatorBanner() {
  return (
    <div className="sim-banner" role="status" data-testid="simulator-banner">
      <strong>SIMULATOR</strong> — no real WhatsApp message is sent
    </div>
  );
}
