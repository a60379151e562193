import type { Database } from '../db/schema';
import { CohortsCard } from './cohorts-card';
import type { Language } from './i18n';
import { ForecastCard } from './forecast-card';
import { KpisCard } from './kpis-card';
import { MovementCard } from './movement-card';

/** The Overview's measures over time: KPIs, cohorts, the forecast and segment movement, each answered by the query worker. */
export function ShopAnalytics({ db, language, storeVersion, shop, currency }: { db: Database; language: Language; storeVersion: string; shop: string | null; currency: string }) {
  return (
    <>
      <KpisCard language={language} storeVersion={storeVersion} shop={shop} currency={currency} />
      <CohortsCard language={language} storeVersion={storeVersion} shop={shop} currency={currency} />
      <ForecastCard db={db} language={language} storeVersion={storeVersion} shop={shop} />
      <MovementCard db={db} language={language} storeVersion={storeVersion} />
    </>
  );
}
