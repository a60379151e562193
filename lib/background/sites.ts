import { browser } from 'wxt/browser';
import { fnv1a } from '../hash';
import { onMessage } from '../messaging';
import { enabledSites, patternOf } from '../sites';

const SCRIPT_PREFIX = 'tm-site-';
/** As the manifest's seller script (entrypoints/seller.content). */
const RUN_AT = 'document_start' as const;
const scriptId = (origin: string) => `${SCRIPT_PREFIX}${fnv1a(origin).toString(36)}`;

/** Registers the content script on every enabled origin Tiermark still has permission for, and on no other. */
export async function syncSiteScripts(): Promise<string[]> {
  const sites = await enabledSites.getValue();
  const granted: string[] = [];
  for (const site of sites) if (await browser.permissions.contains({ origins: [patternOf(site.origin)] })) granted.push(site.origin);
  const wanted = new Map(granted.map((origin) => [scriptId(origin), origin]));
  const registered = (await browser.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith(SCRIPT_PREFIX));
  // Also those an earlier release registered otherwise (later, at document_idle; in the top frame only): registered again.
  const stale = registered.filter((s) => !wanted.has(s.id) || s.runAt !== RUN_AT || s.allFrames !== true).map((s) => s.id);
  if (stale.length > 0) await browser.scripting.unregisterContentScripts({ ids: stale });
  const have = new Set(registered.map((s) => s.id).filter((id) => !stale.includes(id)));
  const missing = [...wanted].filter(([id]) => !have.has(id));
  if (missing.length > 0) {
    await browser.scripting.registerContentScripts(
      // In every frame of the origin, as the manifest's seller script: an ERP shows its order list in a frame of its own.
      missing.map(([id, origin]) => ({ id, matches: [patternOf(origin)], js: ['content-scripts/seller.js'], runAt: RUN_AT, allFrames: true, persistAcrossSessions: true })),
    );
  }
  return granted;
}

/** Sites the seller enables in the dashboard (which asked for the permission first). Registered synchronously. */
export function setUpSites(): void {
  onMessage('enableSite', async ({ data }) => {
    if (!(await browser.permissions.contains({ origins: [patternOf(data.origin)] }))) return { enabled: false };
    const sites = await enabledSites.getValue();
    if (!sites.some((s) => s.origin === data.origin)) await enabledSites.setValue([...sites, { origin: data.origin, addedAt: Date.now() }]);
    return { enabled: (await syncSiteScripts()).includes(data.origin) };
  });
  onMessage('disableSite', async ({ data }) => {
    await enabledSites.setValue((await enabledSites.getValue()).filter((s) => s.origin !== data.origin));
    await syncSiteScripts();
    await browser.permissions.remove({ origins: [patternOf(data.origin)] }).catch(() => false);
  });
  onMessage('isSiteEnabled', async ({ data }) => (await enabledSites.getValue()).some((s) => s.origin === data.origin));
  browser.runtime.onStartup.addListener(() => void syncSiteScripts());
  browser.runtime.onInstalled.addListener(() => void syncSiteScripts());
}
