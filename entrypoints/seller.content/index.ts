import { onMessage, sendMessage } from '../../lib/messaging';
import { openCard, type CardActions } from '../../lib/overlay/card';
import { inspector } from '../../lib/overlay/inspect';
import { customFinder, withIdentifiers } from '../../lib/overlay/custom-adapter';
import { identifierFinder } from '../../lib/overlay/identifiers';
import { BadgeIndex } from '../../lib/overlay/badge-index';
import type { Ref } from '../../lib/overlay/site-adapter';
import { customAdapterMatches, customAdapters } from '../../lib/sites';
import { uiLanguage } from '../../lib/settings';
import { adapterFinder, HOST_CLASS, startOverlay, type Overlay, type OverlayOptions } from '../../lib/overlay/overlay';
import type { Platform } from '../../lib/model';
import { adapterFor, siteAdapters } from '../../plugins/sites';

export default defineContentScript({
  // The adapters' consoles; the origins the seller enables get it registered at run time. Never <all_urls>.
  matches: siteAdapters.flatMap((adapter) => [...adapter.matches]),
  runAt: 'document_idle',
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
    };
    // A small shop's whole badge index, fetched again when an answer says the store has changed.
    let local: BadgeIndex | null = null;
    let localLanguage = language;
    let fetching: string | null = null;
    const fetchIndex = (version: string | null) => {
      if (fetching === `${version}|${language}`) return;
      fetching = `${version}|${language}`;
      const asked = language;
      void sendMessage('badgeIndex', { language: asked })
        .then((packed) => {
          if (!ctx.isValid || asked !== language) return;
          local = packed ? new BadgeIndex(packed) : null;
          localLanguage = asked;
        })
        .catch(() => undefined);
    };
    // The store version the last answer came from: a newer one means what the page was told is old.
    let seen: string | null = null;
    const answered = (version: string) => {
      if (seen !== null && seen !== version) overlay?.forget();
      seen = version;
      // Also with none: a shop small enough gets it again once the rescore after an import is done.
      if (local?.version !== version) fetchIndex(version);
    };
    const options = (platform: Platform | null): OverlayOptions => ({
      labels,
      onOpen: (badge, key, how) => void openCard(badge, key, card, how),
      lookup: async (rows: Ref[][]) => {
        const { matches, version } = await sendMessage('lookup', { platform, rows, language });
        answered(version);
        return matches;
      },
      looks: async (rows: Ref[][]) => {
        // Rows the page's own index does not know are asked of the background, whose index is the
        // newest: its answer's version says when the page's is stale.
        const mine = local ? rows.map((refs) => local!.look(refs, platform)) : rows.map(() => null);
        const unknown = rows.flatMap((_, i) => (mine[i] ? [] : [i]));
        if (unknown.length === 0) return mine;
        const { looks, version } = await sendMessage('badgeLooks', { platform, rows: unknown.map((i) => rows[i]!), language });
        answered(version);
        if (!looks) return null;
        unknown.forEach((row, k) => (mine[row] = looks[k] ?? null));
        return mine;
      },
      preview: (refs) => local?.look(refs, platform) ?? null,
    });
    let overlay: Overlay | null = null;
    // What runs here, for the popup: an adapter's id, `custom`, `identifiers`, or nothing.
    let running: string | null = null;
    const stopStatus = onMessage('pageStatus', () => ({ host: location.host, console: running, badges: document.querySelectorAll(`.${HOST_CLASS}`).length }));
    ctx.onInvalidated(stopStatus);
    const start = async () => {
      overlay?.stop();
      overlay = null;
      running = null;
      // The index's labels are in the language it was fetched in.
      if (local && localLanguage !== language) local = null;
      if (!local) fetchIndex(null);
      // Wakes the worker and warms its index (the head, the filter) while the page paints its rows.
      void sendMessage('badgeLooks', { platform: null, rows: [], language }).catch(() => undefined);
      const adapter = adapterFor(new URL(location.href));
      if (adapter) {
        overlay = startOverlay(adapterFinder(adapter), document, options(adapter.platform));
        running = adapter.id;
        return;
      }
      // A console no adapter knows: only where the seller switched Tiermark on, and only what the badge index knows is looked up.
      if (!(await sendMessage('isSiteEnabled', { origin: location.origin }))) return;
      // The seller's own description of this console places badges best; else identifiers in the text.
      const custom = (await customAdapters.getValue()).find((adapter) => customAdapterMatches(adapter, location.href));
      if (!ctx.isValid) return;
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
