import { useNewBlastForm } from '../lib/useNewBlastForm.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import type { Meta } from '../lib/types.ts';
import { MessagePreview } from '../components/MessagePreview.tsx';
import { NewBlastDetails } from '../components/NewBlastDetails.tsx';
import { NewBlastRecipients } from '../components/NewBlastRecipients.tsx';
import { NewBlastSidebar } from '../components/NewBlastSidebar.tsx';
import css from './NewBlastPage.module.css';

/** The new-blast page: the form (useNewBlastForm) in two cards, and the preview and create panel beside or under it. */
export function NewBlastPage({ meta }: { meta: Meta }) {
  const form = useNewBlastForm();
  // On a wide screen the preview sits beside the form; on a phone, right under the message.
  const wide = useMediaQuery('(min-width: 960px)');
  const preview = <MessagePreview message={form.message} recipient={form.previewRecipient} boxed={!wide} />;

  return (
    <section aria-labelledby="new-title">
      <div className="page-head">
        <h1 id="new-title">New blast</h1>
      </div>
      <form className={css.page} onSubmit={form.submit} noValidate>
        <div>
          <NewBlastDetails form={form} meta={meta} preview={!wide && preview} />
          <NewBlastRecipients form={form} />
        </div>
        <NewBlastSidebar form={form} preview={wide && preview} />
      </form>
    </section>
  );
}
