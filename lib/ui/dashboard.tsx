import { useEffect, useState } from 'preact/hooks';
import { openTiermarkDB, type Database } from '../db/schema';
import { recoverImports } from '../db/importer';
import type { ImportRecord } from '../db/ledger';
import { storeStatus } from '../db/status';
import { liveImportIds, whenImportEnds } from '../import/run';
import { sendMessage, storeVersionOf, type StoreStatus } from '../messaging';
import { problemLine } from '../engine/validate';
import type { RescoreStatus } from '../db/profiles';
import { formatCount, formatInstant, formatShop } from './format';
import type { Shop } from '../shops';
import { hasSavedLanguage, preferredLanguage, saveLanguage, translator, type Language } from './i18n';
import { rescoreProgress, uiLanguage } from '../settings';
import type { CustomerPage } from './customer-page';
import { customerQueries } from './customer-queries';
import { CustomersPage } from './customers-page';
import { FollowUpsPage } from './follow-ups-page';
import { ImportPage } from './import-page';
import { OverviewPage } from './overview-page';
import type { OpenedRuleFile, RuleEditor } from './rule-editor';
import { ruleFileTexts } from '../db/rule-files';
import { RulesPage } from './rules-page';
import { SegmentsPage } from './segments-page';
import { SettingsPage } from './settings-page';
import { SitesPage } from './sites-page';
import { PrivacyPage } from './privacy-page';

type Section = 'import' | 'overview' | 'customers' | 'customer' | 'segments' | 'follow-ups' | 'rules' | 'sites' | 'settings' | 'privacy';
const SECTIONS = ['overview', 'customers', 'segments', 'follow-ups', 'rules', 'sites', 'settings', 'privacy'] as const;

/**
 * The page a location hash names, and its parameters: `#customer=KEY` is one customer's page (the
 * history card links there), `#customers?tier=…&r=5&f=4` the list filtered (the Overview links there).
 */
function sectionOf(hash: string): { section: Section; customerKey: string | null; query: string } {
  if (hash.startsWith('#customer=')) return { section: 'customer', customerKey: decodeURIComponent(hash.slice('#customer='.length)), query: '' };
  const [named = '', query = ''] = hash.slice(1).split('?');
  return { section: SECTIONS.find((known) => known === named) ?? 'import', customerKey: null, query };
}
/** The dashboard's pages in the order the header lists them. */
const NAV = ['overview', 'import', 'customers', 'segments', 'follow-ups', 'rules', 'sites', 'settings'] as const;
const TITLES = {
  import: 'navImport', overview: 'navOverview', customers: 'navCustomers', customer: 'navCustomers', segments: 'navSegments', 'follow-ups': 'navFollowUps', rules: 'navRules', sites: 'navSites', settings: 'navSettings', privacy: 'navPrivacy',
} as const;

interface StoreState {
  status: StoreStatus;
  ledger: ImportRecord[];
  shops: Shop[];
}

async function loadState(db: Database): Promise<StoreState> {
  const [status, ledger, shops] = await Promise.all([storeStatus(db), db.getAll('imports'), db.getAll('shops')]);
  return { status, ledger: ledger.sort((a, b) => b.startedAt - a.startedAt), shops: shops.sort((a, b) => a.createdAt - b.createdAt) };
}

const SHOP_KEY = 'tiermark.shop';

/** The options page: Overview, Import, Customers (and each customer's page), Segments, Follow-ups, Rules, Sites and Settings under a header with the store's counts. */
export function Dashboard() {
  const [language, setLanguage] = useState<Language>(preferredLanguage());
  const [db, setDb] = useState<Database | null>(null);
  const [state, setState] = useState<StoreState | null>(null);
  // The shop the pages show, or null for all; kept across visits.
  const [chosenShop, setChosenShop] = useState<string | null>(() => localStorage.getItem(SHOP_KEY));
  const [{ section, customerKey, query }, setSection] = useState(sectionOf(location.hash));
  const t = translator(language);

  useEffect(() => {
    const follow = () => setSection(sectionOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    let closed = false;
    // The query worker starts, and opens the store, while the dashboard reads its own state.
    if (section === 'customers' || section === 'segments') customerQueries();
    // The editor's preview: what it reads is read as the page starts (at a million customers, a third of a second).
    const editing = section === 'rules' ? new URLSearchParams(query).get('edit') : null;
    if (editing) void customerQueries().previewAhead({ file: editing });
    void (async () => {
      const opened = await openTiermarkDB();
      // An import whose tab was closed is marked incomplete (or finished, if it was saving) before anything is shown.
      const live = await liveImportIds();
      await recoverImports(opened, (id) => live.has(id));
      if (closed) return opened.close();
      setDb(opened);
      const state = await loadState(opened);
      setState(state);
      // A worker of a tab closed a moment ago may still hold its lock: look again once it lets go.
      for (const record of state.ledger) {
        if (!live.has(record.id) || (record.status !== 'running' && record.status !== 'committing')) continue;
        void whenImportEnds(record.id).then(async () => {
          if (closed) return;
          await recoverImports(opened, (id) => id !== record.id);
          setState(await loadState(opened));
        });
      }
    })();
    return () => {
      closed = true;
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `Tiermark — ${t(TITLES[section])}`;
  }, [language, section]);
  // The editor is fetched as the Rules page opens, so that opening a file finds it loaded.
  useEffect(() => {
    if (section === 'rules') void loadRuleEditor();
  }, [section]);

  /** After an import (its id), a restore or a deletion (none): the background rescores if the store changed. */
  const refresh = async (importId = '') => {
    if (!db) return;
    setState(await loadState(db));
    // The background rescores; its reply comes when that is done.
    const rescoring = sendMessage('importFinished', { importId }).catch(() => undefined);
    await new Promise((wait) => setTimeout(wait, 300));
    setState(await loadState(db));
    await rescoring;
    setState(await loadState(db));
  };

  // A rule change starts a rescore in the background; pick up its progress once it has begun.
  const rescoreStarted = async () => {
    if (!db) return;
    await new Promise((wait) => setTimeout(wait, 300));
    setState(await loadState(db));
  };

  // Every rescore (after an import, a rule edit, the daily one, after an update) is followed as the
  // background reports it: the store is read again at each report, written to `meta` just before.
  useEffect(() => {
    if (!db) return;
    let asked = 0;
    return rescoreProgress.watch(() => {
      // Only the latest read is shown: reads of the store may end out of order.
      const read = (asked += 1);
      void loadState(db).then((next) => read === asked && setState(next));
    });
  }, [db]);

  const chooseLanguage = (next: Language) => {
    saveLanguage(next);
    void uiLanguage.setValue(next);
    setLanguage(next);
  };
  // A choice made before the seller pages followed it is shared with them too.
  useEffect(() => {
    if (hasSavedLanguage()) void uiLanguage.setValue(preferredLanguage());
  }, []);

  const chooseShop = (shop: string | null) => {
    if (shop === null) localStorage.removeItem(SHOP_KEY);
    else localStorage.setItem(SHOP_KEY, shop);
    setChosenShop(shop);
  };
  const shops = state?.shops ?? [];
  // A shop that is gone (all data deleted, a backup restored) shows all.
  const shop = shops.some((s) => s.id === chosenShop) ? chosenShop : null;

  // The pages that show customers read the store again after each import and rescore, keeping what the seller typed and chose.
  const storeVersion = storeVersionOf(state?.status);

  return (
    <div class="tm-app">
      <header class="tm-header">
        <div class="tm-brand">
          <span class="tm-logo" aria-hidden="true">
            T
          </span>
          <div>
            <strong>Tiermark</strong>
            <div class="tm-muted">{t('appTagline')}</div>
          </div>
        </div>
        <nav aria-label="Tiermark">
          {NAV.map((item) => (
            <a href={`#${item}`} aria-current={item === section || (item === 'customers' && section === 'customer') ? 'page' : undefined}>
              {t(TITLES[item])}
            </a>
          ))}
        </nav>
        <div class="tm-counts" aria-live="polite">
          <span>
            {t('customers')} <strong id="tm-count-customers">{state ? formatCount(state.status.customers, language) : '…'}</strong>
          </span>
          <span>
            {t('orders')} <strong id="tm-count-orders">{state ? formatCount(state.status.orders, language) : '…'}</strong>
          </span>
        </div>
        {shops.length > 1 && (
          <label class="tm-shop-filter">
            {t('shopShown')}{' '}
            <select id="tm-shop-filter" value={shop ?? ''} onChange={(e) => chooseShop(e.currentTarget.value || null)}>
              <option value="">{t('shopAll')}</option>
              {shops.map((s) => (
                <option value={s.id}>{formatShop(shops, s.id, language)}</option>
              ))}
            </select>
          </label>
        )}
        {state?.status.rescore && <RescoreIndicator status={state.status.rescore} language={language} />}
        <button
          type="button"
          class="tm-lang"
          onClick={() => chooseLanguage(language === 'en' ? 'zh-CN' : 'en')}
        >
          {t('language')}
        </button>
      </header>
      <main>
        {state && section === 'import' && db && <ImportPage db={db} language={language} ledger={state.ledger} shops={state.shops} onImported={(importId) => void refresh(importId)} />}
        {state && db && section === 'overview' && <OverviewPage db={db} language={language} ledger={state.ledger} storeVersion={storeVersion} shop={shop} />}
        {state && db && section === 'customers' && <CustomersPage key={query} db={db} language={language} query={new URLSearchParams(query)} storeVersion={storeVersion} shop={shop} shops={shops} />}
        {db && section === 'customer' && customerKey && <LazyCustomerPage key={customerKey} db={db} language={language} customerKey={customerKey} storeVersion={storeVersion} shops={shops} />}
        {state && db && section === 'segments' && <SegmentsPage db={db} language={language} storeVersion={storeVersion} shop={shop} />}
        {state && db && section === 'follow-ups' && <FollowUpsPage db={db} language={language} storeVersion={storeVersion} />}
        {state && db && section === 'rules' && new URLSearchParams(query).has('edit') && (
          <LazyRuleEditor key={query} db={db} language={language} file={new URLSearchParams(query).get('edit')!} storeVersion={storeVersion} onSaved={() => void rescoreStarted()} />
        )}
        {state && db && section === 'rules' && !new URLSearchParams(query).has('edit') && <RulesPage db={db} language={language} storeVersion={storeVersion} onSaved={() => void rescoreStarted()} />}
        {section === 'sites' && <SitesPage db={db} language={language} />}
        {db && section === 'settings' && <SettingsPage db={db} language={language} onLanguage={chooseLanguage} onRescoring={() => void rescoreStarted()} onStoreChanged={() => void refresh()} />}
        {section === 'privacy' && <PrivacyPage language={language} />}
      </main>
      <footer class="tm-footer">
        <a href="#privacy">{t('navPrivacy')}</a> · <span class="tm-muted">{t('footerLocal')}</span>
      </footer>
    </div>
  );
}

function RescoreIndicator({ status, language }: { status: RescoreStatus; language: Language }) {
  const t = translator(language);
  const skipped = new Set(status.ruleProblems.map((p) => p.file)).size;
  return (
    <div class="tm-rescore" data-state={status.state} aria-live="polite" title={status.ruleProblems.map(problemLine(language)).join('\n') || undefined}>
      {status.state === 'running' && (
        <>
          {/* Nothing scored yet (a rescore of the touched says none as it goes): a bar that moves, not one stuck at nought. */}
          {status.touching === undefined ? t('scoring') : t('scoringChanged').replace('{n}', formatCount(status.touching, language))} <progress max={Math.max(status.customers, 1)} value={status.scored > 0 ? status.scored : undefined} />
        </>
      )}
      {status.state === 'done' && `${t('scoredAt')} ${formatInstant(status.finishedAt ?? status.startedAt, language)}`}
      {status.state === 'failed' && `${t('scoringFailed')}: ${status.problem?.[language] ?? status.error ?? ''}`}
      {skipped > 0 && <span class="tm-warning"> · {skipped} {t('ruleFilesSkipped')}</span>}
    </div>
  );
}

/** A customer's page, loaded when one is first opened: the dashboard's first load stays within its budget. */
const loadCustomerPage = () => import('./customer-page').then((module) => module.CustomerPage);

function LazyCustomerPage(props: Parameters<typeof CustomerPage>[0]) {
  const [Page, setPage] = useState<typeof CustomerPage | null>(null);
  useEffect(() => {
    let current = true;
    void loadCustomerPage().then((loaded) => current && setPage(() => loaded));
    return () => {
      current = false;
    };
  }, []);
  return Page ? <Page {...props} /> : <section class="tm-page" aria-busy="true" />;
}

/** The rule editor brings CodeMirror (most of the dashboard's weight): loaded when the Rules page first opens, not with every page. */
const loadRuleEditor = () => import('./rule-editor').then((module) => module.RuleEditor);

function LazyRuleEditor(props: Parameters<typeof RuleEditor>[0]) {
  const [Editor, setEditor] = useState<typeof RuleEditor | null>(null);
  const [opened, setOpened] = useState<OpenedRuleFile | null>(null);
  useEffect(() => {
    let current = true;
    // The file and its preview are asked for while the editor's code loads: at a million
    // customers the query worker's first answer takes most of a second, which the load overlaps.
    void ruleFileTexts(props.db).then((files) => {
      const text = files.find((f) => f.file === props.file)?.text ?? '';
      const askedAt = performance.timeOrigin + performance.now();
      if (current) setOpened({ text, storeVersion: props.storeVersion, askedAt, preview: customerQueries().preview({ storeVersion: props.storeVersion, text, file: props.file }) });
    });
    void loadRuleEditor().then((loaded) => current && setEditor(() => loaded));
    return () => {
      current = false;
    };
  }, []);
  return Editor && opened ? <Editor {...props} opened={opened} /> : <section class="tm-page" aria-busy="true" />;
}
