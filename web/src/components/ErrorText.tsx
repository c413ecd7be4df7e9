import css from './ErrorText.module.css';

/** A message shown right next to the field or action it concerns (the same sentence once). */
export function ErrorText({ id, messages }: { id?: string; messages: string | string[] | null | undefined }) {
  const list = [...new Set((Array.isArray(messages) ? messages : messages ? [messages] : []).filter(Boolean))];
  if (list.length === 0) return null;
  return (
    <div className={css.error} id={id} role="alert">
      {list.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
