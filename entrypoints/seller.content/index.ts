import { sendMessage } from '../../lib/messaging';
import { openCard, type CardActions } from '../../lib/overlay/card';
import { customFinder } from '../../lib/overlay/custom-adapter';
import { IdentifierIndex, identifierFinder } from '../../lib/overlay/identifiers';
import type { Ref } from '../../lib/overlay/site-adapter';
import { customAdapterMatches, customAdapters } from '../../lib/sites';
import { adapterFinder, startOverlay, type Overlay } from '../../lib/overlay/overlay';
import { adapterFor, siteAdapters } from '../../plugins/sites';

export default defineContentScript({
  // The adapters' consoles; the origins the seller enables get it registered at run time. Never <all_urls>.
  matches: siteAdapters.flatMap((adapter) => [...adapter.matches]),
  runAt: 'document_idle',
  main(ctx) {
    const language = navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
    const labels =
      language === 'zh-CN'
        ? { customer: '客户', ambiguous: (n: number) => `${n} 位同名客户` }
        : { customer: 'Customer', ambiguous: (n: number) => `${n} customers share this` };
    const card: CardActions = {
      load: (customerKey) => sendMessage('customerCard', { customerKey, language }),
      setStatus: (id, status, snoozeDays) => sendMessage('setFollowUpStatus', { id, status, snoozeDays }),
      openDashboard: (customerKey) => void sendMessage('openDashboard', { customerKey }),
    };
    let overlay: Overlay | null = null;
    const open = (badge: HTMLElement, key: string) => void openCard(badge, key, card);
    const start = async () => {
      overlay?.stop();
      overlay = null;
      const adapter = adapterFor(new URL(location.href));
      if (adapter) {
        overlay = startOverlay(adapterFinder(adapter), document, (rows) => sendMessage('lookup', { platform: adapter.platform, rows, language }), labels, open);
        return;
      }
      // A console no adapter knows: only where the seller switched Tiermark on, and only the shop's own identifiers are looked up.
      if (!(await sendMessage('isSiteEnabled', { origin: location.origin }))) return;
      const lookup = (rows: Ref[][]) => sendMessage('lookup', { platform: null, rows, language });
      // The seller's own description of this console places badges best; else identifiers in the text.
      const custom = (await customAdapters.getValue()).find((adapter) => customAdapterMatches(adapter, location.href));
      if (custom) {
        if (ctx.isValid) overlay = startOverlay(customFinder(custom), document, lookup, labels, open);
        return;
      }
      const index = new IdentifierIndex((await sendMessage('identifierIndex', {})).hashes);
      if (ctx.isValid) overlay = startOverlay(identifierFinder(index), document, lookup, labels, open);
    };
    void start();
    // Consoles are single-page apps: a new route may be a different page of the console.
    ctx.addEventListener(window, 'wxt:locationchange', () => void start());
    ctx.onInvalidated(() => overlay?.stop());
    // An update or a disable orphans this script; WXT notices only when asked, so ask each second
    // (one property read) and take the badges away rather than leave dead ones behind.
    ctx.setInterval(() => undefined, 1000);
  },
});
