import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage } from '../messaging';
import { customAdapterProblems, customAdapters, enabledSites, originOf, patternOf, type CustomAdapter, type EnabledSite } from '../sites';
import { siteAdapters } from '../../plugins/sites';
import { translator, type Language } from './i18n';
import { textIn, type Localised } from '../localised';
import type { Database } from '../db/schema';
import { HiddenCustomersCard } from './hidden-customers-card';

/** The consoles Tiermark knows, and the origins the seller has switched it on for. */
export function SitesPage({ db, language }: { db: Database | null; language: Language }) {
  const t = translator(language);
  const [sites, setSites] = useState<EnabledSite[]>([]);
  const [input, setInput] = useState('');
  // A problem, or the browser's prompt that is waiting for the seller's answer.
  const [message, setMessage] = useState<{ text: string; pending?: boolean } | null>(null);

  const [customs, setCustoms] = useState<CustomAdapter[]>([]);
  const [draft, setDraft] = useState({ urlPattern: '', rowSelector: '', identifierSelector: '', identifierAttribute: '', regex: '' });
  const [problems, setProblems] = useState<Localised[]>([]);
  const refresh = async () => {
    setSites(await enabledSites.getValue());
    setCustoms(await customAdapters.getValue());
  };

  async function saveCustom(event: Event): Promise<void> {
    event.preventDefault();
    const adapter = { ...draft, identifierAttribute: draft.identifierAttribute.trim() || undefined, regex: draft.regex.trim() || undefined };
    const found = customAdapterProblems(adapter, sites.map((s) => s.origin), document);
    setProblems(found);
    if (found.length > 0) return;
    await customAdapters.setValue([...(await customAdapters.getValue()), { id: crypto.randomUUID(), ...adapter }]);
    setDraft({ urlPattern: '', rowSelector: '', identifierSelector: '', identifierAttribute: '', regex: '' });
    await refresh();
  }
  const field = (name: keyof typeof draft, label: string, placeholder: string) => (
    <label>
      {label}{' '}
      <input id={`tm-custom-${name}`} type="text" value={draft[name]} placeholder={placeholder} onInput={(event) => setDraft({ ...draft, [name]: event.currentTarget.value })} />
    </label>
  );
  useEffect(() => {
    void refresh();
  }, []);

  function enable(event: Event): void {
    event.preventDefault();
    const origin = originOf(input);
    if (!origin) {
      setMessage({ text: t('siteInvalid') });
      return;
    }
    // Asked now, inside the click: the browser only shows its prompt for a user's gesture. Until it
    // is answered, the page says what the browser is waiting for.
    setMessage({ text: t('sitePending').replace('{origin}', origin), pending: true });
    void browser.permissions
      .request({ origins: [patternOf(origin)] })
      .then(async (granted) => {
        const { enabled } = granted ? await sendMessage('enableSite', { origin }) : { enabled: false };
        setMessage(enabled ? null : { text: t('siteDenied') });
        if (enabled) setInput('');
        await refresh();
      })
      // A request the browser refuses to make at all (a pattern it does not accept, no user gesture) is said too.
      .catch((error: unknown) => setMessage({ text: `${t('siteRequestFailed')} ${textIn(error, language)}` }));
  }

  return (
    <section class="tm-page" aria-labelledby="sites-title">
      <h1 id="sites-title">{t('sitesTitle')}</h1>
      <p class="tm-muted">{t('sitesIntro')}</p>
      <h2>{t('sitesKnown')}</h2>
      <ul class="tm-site-list">
        {siteAdapters.map((adapter) => (
          <li key={adapter.id} data-adapter={adapter.id}>
            <strong>{adapter.id}</strong> <span class="tm-muted">{adapter.matches.join(' · ')}</span>
          </li>
        ))}
      </ul>
      <h2>{t('sitesEnabled')}</h2>
      <form class="tm-site-form" onSubmit={enable}>
        <label>
          {t('siteAddress')}{' '}
          <input id="tm-site-origin" type="text" value={input} placeholder="https://erp.example.com" onInput={(event) => setInput(event.currentTarget.value)} />
        </label>
        <button type="submit" class="tm-primary" id="tm-site-enable">
          {t('siteEnable')}
        </button>
      </form>
      {message && (
        <p class={message.pending ? 'tm-notice tm-site-pending' : 'tm-error'} role={message.pending ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {sites.length === 0 ? (
        <p class="tm-muted">{t('sitesNone')}</p>
      ) : (
        <ul class="tm-site-list">
          {sites.map((site) => (
            <li key={site.origin} data-origin={site.origin}>
              <strong>{site.origin}</strong>{' '}
              <button
                type="button"
                class="tm-link"
                onClick={() => void sendMessage('disableSite', { origin: site.origin }).then(refresh)}
              >
                {t('siteDisable')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('customTitle')}</h2>
      <p class="tm-muted">{t('customIntro')}</p>
      <form class="tm-custom-form" onSubmit={(event) => void saveCustom(event)}>
        {field('urlPattern', t('customPages'), 'https://erp.example.com/orders*')}
        {field('rowSelector', t('customRows'), 'tr.order-row')}
        {field('identifierSelector', t('customIdentifier'), '.buyer-id')}
        {field('identifierAttribute', t('customAttribute'), 'href')}
        {field('regex', t('customRegex'), '单号[:：](\\d+)')}
        <button type="submit" class="tm-primary" id="tm-custom-save">
          {t('customSave')}
        </button>
      </form>
      {problems.length > 0 && (
        <ul class="tm-error" role="alert">
          {problems.map((p) => (
            <li key={p.en}>{p[language]}</li>
          ))}
        </ul>
      )}
      <ul class="tm-site-list">
        {customs.map((c) => (
          <li key={c.id} data-custom={c.urlPattern}>
            <strong>{c.urlPattern}</strong> <code>{c.rowSelector}</code> → <code>{c.identifierSelector}</code>
            {c.regex ? <code> /{c.regex}/</code> : null}{' '}
            <button type="button" class="tm-link" onClick={() => void customAdapters.setValue(customs.filter((x) => x.id !== c.id)).then(refresh)}>
              {t('customRemove')}
            </button>
          </li>
        ))}
      </ul>
      {db && <HiddenCustomersCard db={db} language={language} />}
    </section>
  );
}
