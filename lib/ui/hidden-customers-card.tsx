import { useEffect, useState } from 'preact/hooks';
import { allNotes, setNotes } from '../db/customer-notes';
import type { Database } from '../db/schema';
import type { CustomerNotes } from '../model';
import { rescoreNoted } from './parts';
import { translator, type Language } from './i18n';

/** The customers staff chose never to show on seller pages (their page's notes), each to open or show again. */
export function HiddenCustomersCard({ db, language }: { db: Database; language: Language }) {
  const t = translator(language);
  const [hidden, setHidden] = useState<CustomerNotes[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = async () => setHidden([...(await allNotes(db)).values()].filter((notes) => notes.hideOnPages).sort((a, b) => (a.key < b.key ? -1 : 1)));
  useEffect(() => void refresh(), [db]);
  if (!hidden) return null;
  const showAgain = async (notes: CustomerNotes) => {
    await setNotes(db, { ...notes, hideOnPages: false });
    await refresh();
    rescoreNoted(language, setProblem);
  };
  return (
    <div class="tm-card tm-hidden-customers">
      <h2>{t('hiddenTitle')}</h2>
      {hidden.length === 0 ? (
        <p class="tm-muted">{t('hiddenNone')}</p>
      ) : (
        <ul>
          {hidden.map((notes) => (
            <li data-customer={notes.key}>
              <a href={`#customer=${encodeURIComponent(notes.key)}`}>{notes.key.slice(notes.key.indexOf(':') + 1)}</a>{' '}
              <button type="button" class="tm-link tm-show-again" onClick={() => void showAgain(notes)}>
                {t('hiddenShowAgain')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p class="tm-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
