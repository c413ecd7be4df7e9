import { href } from '../lib/router.ts';

export function NotFoundPage() {
  return (
    <div className="card center-card">
      <h1>Page not found</h1>
      <p>
        <a href={href.list}>Back to blasts</a>
      </p>
    </div>
  );
}
