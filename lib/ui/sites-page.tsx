import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage } from '../messaging';
import { enabledSites, originOf, patternOf, type EnabledSite } from '../sites';
import { siteAdapters } from '../../plugins/sites';
import { translator, type Language } from './i18n';

/** The consoles Tiermark knows, and the origins the seller has switched it on for. */
export function SitesPage({ language }: { language: Language }) {
  const t = translator(language);
  const [sites, setSites] = useState<EnabledSite[]>([]);
  const [input, setInput] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const refresh = async () => setSites(await enabledSites.getValue());
  useEffect(() => {
    void refresh();
  }, []);

  function enable(event: Event): void {
    event.preventDefault();
    const origin = originOf(input);
    if (!origin) {
      setMessage(t('siteInvalid'));
      return;
    }
    // Asked now, inside the click: the browser only shows its prompt for a user's gesture.
    void browser.permissions.request({ origins: [patternOf(origin)] }).then(async (granted) => {
      const { enabled } = granted ? await sendMessage('enableSite', { origin }) : { enabled: false };
      setMessage(enabled ? null : t('siteDenied'));
      if (enabled) setInput('');
      await refresh();
    });
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
        <p class="tm-error" role="alert">
          {message}
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
    </section>
  );
}
