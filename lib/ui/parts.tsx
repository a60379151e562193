import { sendMessage } from '../messaging';
import { textIn } from '../localised';
import { translator, type Language } from './i18n';

/** A tier (filled) or badge (outlined) as a pill of its rule's colour. */
export function Pill({ label, colour, outline = false }: { label: string; colour: string; outline?: boolean }) {
  return (
    <span class={`tm-pill${outline ? ' tm-pill-outline' : ''}`} style={outline ? { color: colour, borderColor: colour } : { background: colour }}>
      {label}
    </span>
  );
}

/** What a page about customers says before the first import: what to do first, and where. */
export function EmptyShop({ language }: { language: Language }) {
  const t = translator(language);
  return (
    <p class="tm-card tm-empty">
      {t('customersEmpty')} <a href="#import">{t('customersGoImport')}</a>
    </p>
  );
}

/** While a page reads the shop's customers: how far it has got, when that is known. */
export function ReadingCustomers({ share, language }: { share?: number; language: Language }) {
  const t = translator(language);
  return (
    <section class="tm-page" aria-busy="true">
      <p class="tm-card tm-reading" role="status">
        {t('readingCustomers')} <progress max={1} value={share} />
      </p>
    </section>
  );
}

/**
 * Asks the background to score every customer again. Its answer comes when the rescore ends; a
 * refusal (the background could not start one) is said through `onRefused`, with what to do.
 */
export function rescoreEveryone(language: Language, onRefused: (message: string) => void, reason: 'manual' | 'notes' = 'manual'): void {
  const t = translator(language);
  void sendMessage('rescore', { reason }).catch((error: unknown) => onRefused(`${t('rescoreNotStarted')} ${textIn(error, language)}`));
}

/** After staff changed what they keep for a customer (notes, tags, flags, dates): the background rescores that customer first, then everyone with the day's models. */
export const rescoreNoted = (language: Language, onRefused: (message: string) => void) => rescoreEveryone(language, onRefused, 'notes');
