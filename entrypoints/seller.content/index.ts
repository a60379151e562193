import { onMessage, sendMessage } from '../../lib/messaging';
import { openCard, type CardActions } from '../../lib/overlay/card';
import { inspector } from '../../lib/overlay/inspect';
import { customFinder, withIdentifiers } from '../../lib/overlay/custom-adapter';
import { identifierFinder } from '../../lib/overlay/identifiers';
import { BadgeSource } from '../../lib/overlay/badge-source';
import { customAdapterMatches, customAdapters } from '../../lib/sites';
import { uiLanguage } from '../../lib/settings';
import { adapterFinder, askWhileParsing, badgesInFrames, startOverlay, type Overlay, type OverlayOptions } from '../../lib/overlay/overlay';
import type { Platform } from '../../lib/model';
import { adapterFor, siteAdapters } from '../../plugins/sites';

/** Resolves once the page's markup is parsed: in DOMContentLoaded's own task, before the page's next paint. */
function pageParsed(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

export default defineContentScript({
  // The adapters' consoles; the origins the seller enables get it registered at run time. Never every website.
  matches: siteAdapters.flatMap((adapter) => [...adapter.matches]),
  // From the start, so that the shop's index is asked for while the page loads, and the first
  // screen's badges go in at DOMContentLoaded, painted with the page's own next frame.
  runAt: 'document_start',
  // Consoles show their lists in frames too (an ERP's tabs, 千牛's embedded pages): each frame of a
  // console's origin gets its own overlay.
  allFrames: true,
  main(ctx) {
    // In this script's isolated world only: the page's scripts cannot reach it; the e2e tests can.
    (globalThis as { tiermarkInspector?: typeof inspector }).tiermarkInspector = inspector;
    // The dashboard's language; the browser's until the seller chooses one.
    let language: 'en' | 'zh-CN' = navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
    const labels = {
      get customer() {
        return language === 'zh-CN' ? '客户' : 'Customer';
      },
      ambiguous: (n: number) => (language === 'zh-CN' ? `${n} 位同名客户` : `${n} customers share this`),
    };
    const card: CardActions = {
      load: (customerKey) => sendMessage('customerCard', { customerKey, language }),
      setStatus: (id, status, snoozeDays) => sendMessage('setFollowUpStatus', { id, status, snoozeDays }),
      openDashboard: (customerKey) => void sendMessage('openDashboard', { customerKey }),
      saveNotes: (customerKey, note, tags) => sendMessage('saveCardNotes', { customerKey, note, tags, language }),
    };
    const badges = new BadgeSource(
      {
        badgeIndex: (language) => sendMessage('badgeIndex', { language }),
        badgeLooks: (platform, rows, language, table) => sendMessage('badgeLooks', { platform, rows, language, table }),
        lookup: (platform, rows, language) => sendMessage('lookup', { platform, rows, language }),
      },
      () => language,
      () => overlay?.forget(),
      window === window.top,
    );
    const options = (platform: Platform | null): OverlayOptions => ({
      labels,
      onOpen: (badge, key, how) => void openCard(badge, key, card, how),
      ...badges.options(platform),
    });
    let overlay: Overlay | null = null;
    // What runs here, for the popup: an adapter's id, `custom`, `identifiers`, or nothing.
    let running: string | null = null;
    // The top frame answers for the tab, with the badges of the frames it can see into: the popup
    // takes the first answer, which must not be an inner frame's.
    if (window === window.top) {
      const stopStatus = onMessage('pageStatus', () => ({ host: location.host, console: running, badges: badgesInFrames(document) }));
      ctx.onInvalidated(stopStatus);
    }
    // Each start supersedes the one before, also while that one still waits (for the page, for storage).
    let starts = 0;
    const start = async () => {
      const run = ++starts;
      const current = () => run === starts && ctx.isValid;
      overlay?.stop();
      overlay = null;
      running = null;
      badges.start();
      const adapter = adapterFor(new URL(location.href));
      if (adapter) {
        const finder = adapterFinder(adapter);
        // A console that arrives with its rows: without an index on the page, the first ones are
        // asked for while the rest come.
        let stopAsking = () => {};
        badges.withoutIndex(() => {
          if (document.readyState === 'loading' && run === starts) stopAsking = askWhileParsing(finder, document, (rows) => badges.askEarly(adapter.platform, rows));
        });
        await pageParsed();
        stopAsking();
        if (!current()) return;
        overlay = startOverlay(finder, document, options(adapter.platform));
        running = adapter.id;
        return;
      }
      // A console no adapter knows: only where the seller switched Tiermark on, and only what the badge index knows is looked up.
      if (!(await sendMessage('isSiteEnabled', { origin: location.origin }))) return;
      // The seller's own description of this console places badges best; else identifiers in the text.
      const custom = (await customAdapters.getValue()).find((adapter) => customAdapterMatches(adapter, location.href));
      await pageParsed();
      if (!current()) return;
      if (custom) {
        // The seller's rows as described; identifiers in the rest of the page as before.
        overlay = startOverlay(withIdentifiers(customFinder(custom), custom.rowSelector, identifierFinder()), document, options(null));
        running = 'custom';
        return;
      }
      overlay = startOverlay(identifierFinder(), document, options(null));
      running = 'identifiers';
    };
    void start();
    // The dashboard's language, read while the page is being badged: starting over only if it differs
    // from the browser's keeps a storage read off the way to the first badges.
    const follow = (chosen: 'en' | 'zh-CN' | null) => {
      if (!chosen || chosen === language) return;
      language = chosen;
      void start();
    };
    void uiLanguage.getValue().then(follow, () => undefined);
    // Consoles are single-page apps: a new route may be a different page of the console.
    ctx.addEventListener(window, 'wxt:locationchange', () => void start());
    // A language chosen in the dashboard re-labels the badges on open pages.
    ctx.onInvalidated(uiLanguage.watch(follow));
    ctx.onInvalidated(() => overlay?.stop());
    // An update or a disable orphans this script; WXT notices only when asked, so ask each second
    // (one property read) and take the badges away rather than leave dead ones behind.
    ctx.setInterval(() => undefined, 1000);
  },
});
