import css from './SimulatorBanner.module.css';

export function SimulatorBanner() {
  return (
    <div className={css.banner} role="status" data-testid="simulator-banner">
      <strong>SIMULATOR</strong> — no real WhatsApp message is sent
    </div>
  );
}
