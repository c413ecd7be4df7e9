/** A message shown right next to the field or action it concerns. */
export function ErrorText({ id, messages }: { id?: string; messages: string | string[] | null | undefined }) {
  const list = (Array.isArray(messages) ? messages : messages ? [messages] : []).filter(Boolean);
  if (list.length === 0) return null;
  return (
    <div className="error-text" id={id} role="alert">
      {list.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}
