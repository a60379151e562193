import { useEffect, useState } from 'preact/hooks';
import { idOfKey } from '../shops';
import { browser } from 'wxt/browser';
import type { ListedCustomer } from '../customer-table';
import { customerQueries } from './customer-queries';
import { followUpGroups } from '../db/profiles';
import { COUNTS_ONLY, type FollowUpRecord } from '../follow-ups';
import { openTiermarkDB, type Database } from '../db/schema';
import { sendMessage, storeVersionOf, type PageStatus, type StoreStatus } from '../messaging';
import { shopSettings } from '../settings';
import { localDayNumber } from '../time';
import { formatCount } from './format';
import { localised, preferredLanguage, translator, type Language } from './i18n';

const FOLLOW_UPS_SHOWN = 5;
const RESULTS_SHOWN = 5;

const openCustomer = (customerKey: string) => void browser.tabs.create({ url: browser.runtime.getURL(`/options.html#customer=${encodeURIComponent(customerKey)}`) });

/** What Tiermark does on the tab under the popup: the page's content script answers, if it runs there. */
async function pageStatus(): Promise<PageStatus | null> {
  // The tab of the window the popup opened over; opened as a window of its own, a normal window's active tab.
  const [tab] = [...(await browser.tabs.query({ active: true, currentWindow: true, windowType: 'normal' })), ...(await browser.tabs.query({ active: true, windowType: 'normal' }))];
  if (tab?.id === undefined) return null;
  return sendMessage('pageStatus', {}, tab.id).catch(() => null);
}

function PageLine({ page, language }: { page: PageStatus | null; language: Language }) {
  const t = translator(language);
  if (!page?.console) return <p class="tm-muted tm-popup-page">{t('popupNotHere')}</p>;
  const consoleName = page.console === 'custom' || page.console === 'identifiers' ? t(`popupConsole.${page.console}`) : page.console;
  return (
    <p class="tm-popup-page" data-console={page.console}>
      {t('popupThisPage')}: {page.host} · {consoleName} · <strong id="tm-popup-badges">{formatCount(page.badges, language)}</strong> {t('popupBadges')}
    </p>
  );
}

/** The daily glance: this page, today's follow-ups with done, a quick customer search, the way to the dashboard. */
export function Popup() {
  const language = preferredLanguage();
  const t = translator(language);
  const [status, setStatus] = useState<StoreStatus | null>(null);
  const [page, setPage] = useState<PageStatus | null | undefined>(undefined);
  const [db, setDb] = useState<Database | null>(null);
  const [due, setDue] = useState<{ count: number; first: FollowUpRecord[] } | null>(null);
  const [text, setText] = useState('');
  const [found, setFound] = useState<ListedCustomer[]>([]);
  // What a search could not cover: customers imported since the last rescore, no customer table yet, or a failed read.
  const [searchNote, setSearchNote] = useState<string | null>(null);

  const loadDue = async (database: Database) => {
    const { timeZone } = await shopSettings.getValue();
    const { counts, first } = await followUpGroups(database, localDayNumber(Date.now(), timeZone), {}, { ...COUNTS_ONLY, overdue: FOLLOW_UPS_SHOWN, today: FOLLOW_UPS_SHOWN });
    setDue({ count: counts.overdue + counts.today, first: [...first.overdue, ...first.today].slice(0, FOLLOW_UPS_SHOWN) });
  };
  useEffect(() => {
    void sendMessage('getStatus', {}).then(setStatus);
    void pageStatus().then(setPage);
    void openTiermarkDB().then((database) => {
      setDb(database);
      void loadDue(database);
    });
  }, []);
  useEffect(() => {
    setSearchNote(null);
    if (!status || text.trim() === '') return setFound([]);
    // The query worker searches the customer table, started on the first search: opening the popup stays instant.
    let current = true;
    const query = { shop: null, text, tier: null, badge: null, sortBy: 'monetary', ascending: false };
    void customerQueries()
      .ask({ storeVersion: storeVersionOf(status), query, from: 0, count: RESULTS_SHOWN })
      .then((reply) => {
        if (!current) return;
        setFound(reply.kind === 'answer' ? reply.answer.rows : []);
        if (reply.kind === 'answer') setSearchNote(reply.notListed > 0 ? `${formatCount(reply.notListed, language)} ${t('customersNotListed')}` : null);
        else setSearchNote(reply.kind === 'missing' ? t('customersTableMissing') : `${t('customersReadFailed')} ${reply.message}`);
      });
    return () => {
      current = false;
    };
  }, [status, text]);

  return (
    <div class="tm-popup">
      <header class="tm-popup-head">
        <strong>Tiermark</strong>
        {status && (
          <span class="tm-muted">
            {t('customers')} <span id="tm-popup-customers">{formatCount(status.customers, language)}</span> · {t('orders')} {formatCount(status.orders, language)}
          </span>
        )}
      </header>
      {page !== undefined && <PageLine page={page} language={language} />}
      {status?.customers === 0 && <p class="tm-muted">{t('ledgerEmpty')}</p>}
      <input id="tm-popup-search" type="search" aria-label={t('popupSearch')} placeholder={t('popupSearch')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {searchNote && (
        <p class="tm-muted" role="status" id="tm-popup-search-note">
          {searchNote}
        </p>
      )}
      {found.length > 0 && (
        <ul class="tm-popup-results">
          {found.map((row) => (
            <li>
              <button type="button" class="tm-link" data-customer={row.key} onClick={() => openCustomer(row.key)}>
                {row.buyerId}
              </button>{' '}
              {row.tier && <span class="tm-muted">{localised(row.tier.label, language)}</span>}
            </li>
          ))}
        </ul>
      )}
      {due && (
        <section aria-labelledby="tm-popup-due">
          <h2 id="tm-popup-due">
            {t('popupDue')} <span class="tm-muted">{formatCount(due.count, language)}</span>
          </h2>
          {due.count === 0 && <p class="tm-muted">{t('popupNothingDue')}</p>}
          <ul class="tm-popup-due">
            {due.first.map((f) => (
              <li data-follow-up={f.id}>
                <button type="button" class="tm-link" onClick={() => openCustomer(f.customerKey)}>
                  {idOfKey(f.customerKey)}
                </button>{' '}
                {localised(f.label, language)} · {f.due}{' '}
                <button
                  type="button"
                  class="tm-link"
                  data-action="done"
                  onClick={() => void sendMessage('setFollowUpStatus', { id: f.id, status: 'done' }).then(() => db && loadDue(db))}
                >
                  {t('followUpDone')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <button type="button" class="tm-primary" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('popupOpenDashboard')}
      </button>
    </div>
  );
}
