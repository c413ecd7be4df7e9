import { href, type Route } from '../lib/router.ts';
import css from './Header.module.css';

interface Props {
  page: Route['page'];
  showNav: boolean;
  canSignOut: boolean;
  onSignOut: () => void;
  version?: string | undefined;
}

export function Header({ page, showNav, canSignOut, onSignOut, version }: Props) {
  return (
    <header className={css.header}>
      <div className={css.inner}>
        <a className={css.brand} href={href.list} title={version ? `wablast ${version}` : 'wablast'}>
          <span className={css.mark} aria-hidden="true" />
          wablast
        </a>
        {showNav && (
          <nav aria-label="Main" className={css.nav}>
            <a href={href.list} aria-current={page === 'list' || page === 'detail' ? 'page' : undefined}>
              Blasts
            </a>
            <a href={href.replies} aria-current={page === 'replies' || page === 'contact' ? 'page' : undefined}>
              Replies
            </a>
            <a href={href.optOuts} aria-current={page === 'optouts' ? 'page' : undefined}>
              Opt-outs
            </a>
            <a href={href.reports} aria-current={page === 'reports' ? 'page' : undefined}>
              Reports
            </a>
            <a href={href.connection} aria-current={page === 'connection' ? 'page' : undefined}>
              Connection
            </a>
            <a href={href.new} aria-current={page === 'new' ? 'page' : undefined}>
              New blast
            </a>
            {canSignOut && (
              <button type="button" className={css.signOut} onClick={onSignOut}>
                Sign out
              </button>
            )}
          </nav>
        )}
      </div>
    </header>
  );
}
