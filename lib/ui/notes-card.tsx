import { useEffect, useState } from 'preact/hooks';
import { NOTE_MAX, notesAsTyped, notesOf, setNotes } from '../db/customer-notes';
import type { Database } from '../db/schema';
import type { CustomerNotes } from '../model';
import { rescoreNoted } from './parts';
import { localised, translator, type Language } from './i18n';

const NONE = { note: '', tags: [] as string[], doNotContact: false, hideOnPages: false };

/**
 * 备注与标签: a note, tags (物流敏感, 价格敏感) and two flags staff keep for the customer. Saving
 * rescores, so rules that read `tags` and `doNotContact` see them and the badge index drops a
 * customer hidden from pages.
 */
export function NotesCard({ db, customerKey, language }: { db: Database; customerKey: string; language: Language }) {
  const t = translator(language);
  const [saved, setSaved] = useState<Omit<CustomerNotes, 'key' | 'updatedAt'> | null>(null);
  const [note, setNote] = useState('');
  const [tagsText, setTagsText] = useState('');
  const [doNotContact, setDoNotContact] = useState(false);
  const [hideOnPages, setHideOnPages] = useState(false);
  const [message, setMessage] = useState<{ kind: 'problem' | 'saved'; text: string } | null>(null);

  useEffect(() => {
    void notesOf(db, customerKey).then((stored) => {
      const notes = stored ?? { ...NONE };
      setSaved(notes);
      setNote(notes.note);
      setTagsText(notes.tags.join(', '));
      setDoNotContact(notes.doNotContact);
      setHideOnPages(notes.hideOnPages);
    });
  }, [db, customerKey]);

  const save = async (event: Event) => {
    event.preventDefault();
    const { notes, problem } = notesAsTyped(customerKey, { note, tags: tagsText, doNotContact, hideOnPages });
    if (problem) return setMessage({ kind: 'problem', text: localised(problem, language) });
    await setNotes(db, notes);
    setSaved(notes);
    setTagsText(notes.tags.join(', '));
    setMessage({ kind: 'saved', text: t('notesSaved') });
    rescoreNoted(language, (text) => setMessage({ kind: 'problem', text }));
  };
  if (!saved) return null;
  return (
    <form class="tm-card tm-notes" onSubmit={(e) => void save(e)}>
      <h2>{t('notesTitle')}</h2>
      {saved.tags.length > 0 && (
        <ul class="tm-tags" aria-label={t('notesTags')}>
          {saved.tags.map((tag) => (
            <li class="tm-tag" data-tag={tag}>
              {tag}
            </li>
          ))}
        </ul>
      )}
      <label class="tm-notes-field">
        {t('notesTags')}
        <input type="text" id="tm-notes-tags" placeholder={t('notesTagsPlaceholder')} value={tagsText} onInput={(e) => setTagsText(e.currentTarget.value)} />
      </label>
      <label class="tm-notes-field">
        {t('notesNote')}
        <textarea id="tm-notes-note" rows={3} maxLength={NOTE_MAX} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <label>
        <input type="checkbox" id="tm-notes-do-not-contact" checked={doNotContact} onChange={(e) => setDoNotContact(e.currentTarget.checked)} /> {t('notesDoNotContact')}
      </label>
      <label>
        <input type="checkbox" id="tm-notes-hide" checked={hideOnPages} onChange={(e) => setHideOnPages(e.currentTarget.checked)} /> {t('notesHideOnPages')}
      </label>
      <div>
        <button type="submit" id="tm-notes-save">
          {t('notesSave')}
        </button>{' '}
        {message && (
          <span class={message.kind === 'problem' ? 'tm-error' : 'tm-muted'} role={message.kind === 'problem' ? 'alert' : 'status'} id="tm-notes-message">
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}
