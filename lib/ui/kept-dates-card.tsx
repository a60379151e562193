import { useEffect, useState } from 'preact/hooks';
import { keptDate, keptDatesOf, setKeptDates } from '../db/kept-dates';
import type { Database } from '../db/schema';
import { rescoreNoted } from './parts';
import { BIRTHDAY, type KeptDate } from '../model';
import { translator, type Language } from './i18n';

/** "05-17" in the seller's language, without a year: a birthday comes every year. */
function monthDayText(monthDay: string, language: Language): string {
  const [month, day] = monthDay.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(language, { month: 'long', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, day));
}

/**
 * 重要日期: a customer's birthday (kept here, or `imported` from an export's birthday column) and other
 * yearly dates the seller names; saving rescores, so the greetings before them are raised.
 */
export function KeptDatesCard({ db, customerKey, imported, language }: { db: Database; customerKey: string; imported: string | null; language: Language }) {
  const t = translator(language);
  const [dates, setDates] = useState<KeptDate[] | null>(null);
  const [kind, setKind] = useState<'birthday' | 'other'>('birthday');
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void keptDatesOf(db, customerKey).then(setDates);
  }, [db, customerKey]);

  const save = async (next: KeptDate[]) => {
    await setKeptDates(db, customerKey, next);
    setDates(next);
    rescoreNoted(language, setProblem);
  };
  const add = async (event: Event) => {
    event.preventDefault();
    const checked = keptDate(kind === 'birthday' ? BIRTHDAY : name, text);
    if ('problem' in checked) {
      setProblem(t(checked.problem === 'name' ? 'datesBadName' : 'datesBadDate'));
      return;
    }
    setProblem(null);
    setText('');
    setName('');
    await save([...(dates ?? []).filter((date) => date.name !== checked.name), checked]);
  };
  if (!dates) return null;
  const label = (date: KeptDate) => (date.name === BIRTHDAY ? t('datesBirthday') : date.name);
  return (
    <div class="tm-card tm-kept-dates">
      <h2>{t('datesTitle')}</h2>
      <ul>
        {dates.map((date) => (
          <li data-date={date.name} data-month-day={date.monthDay}>
            <strong>{label(date)}</strong>: {monthDayText(date.monthDay, language)}{' '}
            <button type="button" class="tm-link" data-action="remove-date" onClick={() => void save(dates.filter((d) => d !== date))}>
              {t('datesRemove')}
            </button>
          </li>
        ))}
        {imported && !dates.some((date) => date.name === BIRTHDAY) && (
          <li data-date="imported-birthday" data-month-day={imported}>
            <strong>{t('datesBirthday')}</strong>: {monthDayText(imported, language)} <span class="tm-muted">({t('datesFromImport')})</span>
          </li>
        )}
      </ul>
      {dates.length === 0 && !imported && <p class="tm-muted">{t('datesNone')}</p>}
      <form class="tm-date-form" onSubmit={(e) => void add(e)}>
        <select aria-label={t('datesName')} value={kind} onChange={(e) => setKind(e.currentTarget.value as 'birthday' | 'other')}>
          <option value="birthday">{t('datesBirthday')}</option>
          <option value="other">{t('datesOther')}</option>
        </select>
        {kind === 'other' && <input type="text" aria-label={t('datesName')} placeholder={t('datesNamePlaceholder')} maxLength={40} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        <input type="text" aria-label={t('datesDate')} placeholder="05-17 / 1990-05-17 / 5月17日" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">{t('datesAdd')}</button>
      </form>
      {problem && (
        <p class="tm-error" role="alert">
          {problem}
        </p>
      )}
      <p class="tm-muted">{t('datesHint')}</p>
    </div>
  );
}
