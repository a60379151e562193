import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { KeptFollowUps, rescoreStatus, type RescoreStatus } from '../db/profiles';
import type { Database } from '../db/schema';
import { FOLLOW_UP_GROUPS, type DailyCapacity, type FollowUpGroup, type FollowUpGroups, type FollowUpStatus } from '../follow-ups';
import { sendMessage } from '../messaging';
import { followUpCapacity, shopSettings } from '../settings';
import { isoDay, localDayNumber } from '../time';
import { idOfKey } from '../shops';
import { formatCount, formatCoupon } from './format';
import { localised, translator, type Language } from './i18n';

/**
 * Items shown per group at first, so that every group is in reach near the top; then as many more
 * each time staff ask. Each shown item's text is read from its customer's bucket of follow-ups
 * (some 2 ms each at a million customers), so what is shown at first is also what the page waits for.
 */
const FIRST = 20;
const MORE = 100;


/** Every follow-up, overdue first; done and snooze are kept in the store like the history card's. */
export function FollowUpsPage({ db, language, storeVersion }: { db: Database; language: Language; storeVersion: string }) {
  const t = translator(language);
  const [groups, setGroups] = useState<FollowUpGroups | null>(null);
  const [today, setToday] = useState<number | null>(null);
  const [shown, setShown] = useState(() => Object.fromEntries(FOLLOW_UP_GROUPS.map((group) => [group, FIRST])) as Record<FollowUpGroup, number>);
  const [capacity, setCapacity] = useState<DailyCapacity | null>(null);
  const [missed, setMissed] = useState<NonNullable<RescoreStatus['followUpsMissed']>>({});

  useEffect(() => {
    void shopSettings.getValue().then((settings) => setToday(localDayNumber(Date.now(), settings.timeZone)));
    void followUpCapacity.getValue().then(setCapacity);
    void rescoreStatus(db).then((status) => setMissed(status?.followUpsMissed ?? {}));
  }, [db, storeVersion]);
  // Only each group's count and the ones shown are read into the page: a big shop has hundreds of thousands.
  const kept = useMemo(() => new KeptFollowUps(db), [db, storeVersion]);
  const asked = useRef(0);
  const load = async () => {
    if (today === null || !capacity) return;
    // A later read (more shown, a status set) wins over one still under way.
    const ask = (asked.current += 1);
    const read = await kept.groups(today, capacity, shown);
    if (ask === asked.current) setGroups(read);
  };
  useEffect(() => void load(), [kept, today, capacity, shown]);

  const setStatus = async (id: string, status: FollowUpStatus) => {
    await sendMessage('setFollowUpStatus', { id, status, snoozeDays: 3 });
    await load();
  };

  if (!groups) return <section class="tm-page" aria-busy="true" />;
  return (
    <section class="tm-page" aria-labelledby="follow-ups-title">
      <h1 id="follow-ups-title">{t('followUpsTitle')}</h1>
      <p class="tm-muted">{t('followUpsIntro')}</p>
      {FOLLOW_UP_GROUPS.every((group) => groups.counts[group] === 0) && <p class="tm-card tm-empty">{t('followUpsEmpty')}</p>}
      {Object.entries(missed).map(([ref, { label, customers }]) => (
        <p class="tm-card tm-muted tm-follow-ups-missed" data-rule={ref}>
          {language === 'en'
            ? `${formatCount(customers, language)} customers lapsed before the window of "${localised(label, language)}": not raised as follow-ups. Find them as a segment.`
            : `${formatCount(customers, language)} 位客户在“${localised(label, language)}”的跟进期限之前就已流失，未生成跟进提醒。可在分群中查看。`}{' '}
          <a href="#segments">{t('navSegments')}</a>
        </p>
      ))}
      {FOLLOW_UP_GROUPS.filter((group) => groups.counts[group] > 0).map((group) => (
        <div class="tm-card tm-follow-up-group" data-group={group}>
          <h2>
            {t(`followUps.${group}`)} <span class="tm-muted tm-group-count">{formatCount(groups.counts[group], language)}</span>
          </h2>
          {group === 'waiting' && <p class="tm-muted">{t('followUpsWaitingHint')}</p>}
          <ul class="tm-follow-up-list">
            {groups.first[group].slice(0, shown[group]).map((f) => (
              <li class="tm-follow-up-item" data-follow-up={f.id} data-status={f.status}>
                <div>
                  <strong>{localised(f.label, language)}</strong> · <a href={`#customer=${encodeURIComponent(f.customerKey)}`}>{idOfKey(f.customerKey)}</a> · {t(`channel.${f.channel}`)} · {f.due}
                  {group === 'snoozed' && f.snoozedUntilDay !== null && (
                    <span class="tm-muted">
                      {' '}
                      · {t('followUpUntil')} {isoDay(f.snoozedUntilDay)}
                    </span>
                  )}
                </div>
                <div class="tm-muted">{localised(f.message, language)}</div>
                {formatCoupon(f, language) && <div class="tm-coupon">{formatCoupon(f, language)}</div>}
                <div>
                  {group === 'done' || group === 'snoozed' ? (
                    <button type="button" class="tm-link" data-action="reopen" onClick={() => void setStatus(f.id, 'open')}>
                      {t('followUpReopen')}
                    </button>
                  ) : (
                    <>
                      <button type="button" class="tm-link" data-action="done" onClick={() => void setStatus(f.id, 'done')}>
                        {t('followUpDone')}
                      </button>{' '}
                      <button type="button" class="tm-link" data-action="snooze" onClick={() => void setStatus(f.id, 'snoozed')}>
                        {t('followUpSnooze')}
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
          {groups.counts[group] > shown[group] && (
            <button type="button" class="tm-link" onClick={() => setShown({ ...shown, [group]: shown[group] + MORE })}>
              {t('showMore')}
            </button>
          )}
        </div>
      ))}
    </section>
  );
}
