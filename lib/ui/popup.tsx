import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage, type StoreStatus } from '../messaging';
import { formatCount, formatInstant } from './format';
import { preferredLanguage, translator } from './i18n';

/** The daily glance; for now what the store holds and the way to the dashboard. */
export function Popup() {
  const language = preferredLanguage();
  const t = translator(language);
  const [status, setStatus] = useState<StoreStatus | null>(null);
  useEffect(() => {
    void sendMessage('getStatus', {}).then(setStatus);
  }, []);
  return (
    <div class="tm-popup" style={{ width: '280px', padding: '12px' }}>
      <strong>Tiermark</strong>
      {status && (
        <dl class="tm-facts" style={{ gridTemplateColumns: 'max-content 1fr' }}>
          <dt>{t('customers')}</dt>
          <dd id="tm-popup-customers">{formatCount(status.customers, language)}</dd>
          <dt>{t('orders')}</dt>
          <dd>{formatCount(status.orders, language)}</dd>
          {status.lastImportAt && (
            <>
              <dt>{t('ledgerTitle')}</dt>
              <dd>{formatInstant(status.lastImportAt, language)}</dd>
            </>
          )}
        </dl>
      )}
      {status?.customers === 0 && <p class="tm-muted">{t('ledgerEmpty')}</p>}
      <button type="button" class="tm-primary" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('navImport')}
      </button>
    </div>
  );
}
