import { useEffect, useState } from 'preact/hooks';
import { customerRowsAsOf } from '../db/customer-list';
import type { ImportRecord } from '../db/ledger';
import { followUpGroups } from '../db/profiles';
import type { Database } from '../db/schema';
import { COUNTS_ONLY, dueOn, type DueTally } from '../follow-ups';
import { overviewOf, overviewOfTally } from '../overview';
import { keptTally } from '../db/tallies';
import { shopSettings } from '../settings';
import { localDayNumber } from '../time';
import { countAndShare, formatCount, formatInstant, formatMoney, formatShare } from './format';
import { localised, translator, type Language } from './i18n';
import { LOST_BAND_LABEL, STAGE_LOOK } from '../lifecycle';
import { QUADRANT_LOOK, type ValueQuadrant } from '../value-matrix';
import type { Overview } from '../overview';
import { EmptyShop, ReadingCustomers } from './parts';
import type { ShopAnalytics } from './shop-analytics';

/** The shop at a glance: counts and sales, the member ladder, the R × F grid, follow-ups due, the last imports. */
export function OverviewPage({ db, language, ledger, storeVersion, shop }: { db: Database; language: Language; ledger: ImportRecord[]; storeVersion: string; shop: string | null }) {
  const t = translator(language);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [reading, setReading] = useState(0);
  const [due, setDue] = useState<{ overdue: number; today: number } | null>(null);
  // The measures over time come in a chunk of their own, after the shop's figures (and the dashboard's budget) are shown.
  const [Analytics, setAnalytics] = useState<typeof ShopAnalytics | null>(null);
  useEffect(() => {
    let current = true;
    void import('./shop-analytics').then((module) => current && setAnalytics(() => module.ShopAnalytics));
    return () => {
      current = false;
    };
  }, []);
  useEffect(() => {
    let current = true;
    void (async () => {
      const { timeZone, currency } = await shopSettings.getValue();
      const [tally, dueTally] = await Promise.all([keptTally(db, shop), db.get('meta', 'dueTally') as Promise<DueTally | undefined>]);
      const today = localDayNumber(Date.now(), timeZone);
      // A store not rescored since the rescore keeps these figures: counted here from every customer and follow-up.
      const shown = tally ? overviewOfTally(tally, currency) : overviewOf(await customerRowsAsOf(db, storeVersion, setReading, shop), currency);
      let dueNow = dueTally && dueOn(dueTally, today);
      if (!dueNow) {
        const { counts } = await followUpGroups(db, today, {}, COUNTS_ONLY);
        dueNow = { overdue: counts.overdue, today: counts.today };
      }
      if (!current) return;
      setOverview(shown);
      setDue(dueNow);
    })();
    return () => {
      current = false;
    };
  }, [db, storeVersion, shop]);
  if (!overview) return <ReadingCustomers share={reading} language={language} />;
  if (overview.customers === 0) {
    return (
      <section class="tm-page" aria-labelledby="overview-title">
        <h1 id="overview-title">{t('overviewTitle')}</h1>
        <EmptyShop language={language} />
      </section>
    );
  }
  const widest = Math.max(...overview.tiers.map((tier) => tier.customers));
  const busiest = Math.max(1, ...overview.rfm.flat().map((cell) => cell.customers));
  return (
    <section class="tm-page tm-overview" aria-labelledby="overview-title">
      <h1 id="overview-title">{t('overviewTitle')}</h1>
      <div class="tm-kpis">
        <div class="tm-card tm-kpi" data-kpi="customers">
          <div class="tm-muted">{t('customers')}</div>
          <strong>{formatCount(overview.customers, language)}</strong>
        </div>
        <div class="tm-card tm-kpi" data-kpi="orders">
          <div class="tm-muted">{t('overviewPurchases')}</div>
          <strong>{formatCount(overview.orders, language)}</strong>
        </div>
        <div class="tm-card tm-kpi" data-kpi="net-sales">
          <div class="tm-muted">{t('overviewNetSales')}</div>
          <strong>{formatMoney(overview.netSalesMinor, overview.currency, language)}</strong>
          {overview.otherCurrencies > 0 && (
            <div class="tm-muted">
              {formatCount(overview.otherCurrencies, language)} {t('overviewOtherCurrencies')}
            </div>
          )}
        </div>
        {due && (
          <a class="tm-card tm-kpi" href="#follow-ups" data-kpi="follow-ups">
            <div class="tm-muted">{t('overviewDue')}</div>
            <strong>
              {formatCount(due.overdue, language)} {t('followUps.overdue')} · {formatCount(due.today, language)} {t('followUps.today')}
            </strong>
          </a>
        )}
      </div>
      {Analytics && <Analytics db={db} language={language} storeVersion={storeVersion} shop={shop} currency={overview.currency} />}
      <div class="tm-card tm-tiers">
        <h2>{t('overviewTiers')}</h2>
        <ul class="tm-bars">
          {overview.tiers.map((tier) => (
            <li data-tier={tier.ref ?? 'none'}>
              <a href={`#customers?tier=${encodeURIComponent(tier.ref ?? 'none')}`}>{tier.label ? localised(tier.label, language) : t('overviewNoTier')}</a>
              <span class="tm-bar" style={{ width: `${(tier.customers / widest) * 100}%`, background: tier.colour }} />
              <span class="tm-num tm-bar-count">{countAndShare(tier.customers, overview.customers, language)}</span>
            </li>
          ))}
        </ul>
      </div>
      <div class="tm-card">
        <h2>{t('overviewRfm')}</h2>
        <p class="tm-muted">{t('overviewRfmHint')}</p>
        {overview.frequencies.some((range) => range === null) && <p class="tm-muted tm-rfm-ties">{t('overviewFrequencyTies')}</p>}
        <table class="tm-rfm-grid">
          <thead>
            <tr>
              <th />
              {[1, 2, 3, 4, 5].map((f) => (
                <th>F{f}</th>
              ))}
            </tr>
            <tr class="tm-rfm-purchases">
              <th />
              {overview.frequencies.map((range) => (
                <th class="tm-muted">{range ? purchasesText(range, language) : t('overviewNobody')}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {overview.rfm.map((line) => (
              <tr>
                <th>R{line[0]!.r}</th>
                {line.map((cell) => (
                  <td data-cell={`${cell.r}${cell.f}`} style={{ background: `rgba(212, 56, 13, ${(0.08 + 0.8 * (cell.customers / busiest)).toFixed(3)})` }}>
                    <a href={`#customers?r=${cell.r}&f=${cell.f}`}>
                      <strong class="tm-cell-count">{formatCount(cell.customers, language)}</strong>
                      <span class="tm-cell-share">{formatShare(cell.monetaryShare, language)}</span>
                    </a>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StagesCard overview={overview} language={language} />
      <QuadrantsCard overview={overview} language={language} />
      {ledger.length > 0 && (
        <div class="tm-card">
          <h2>{t('overviewLastImports')}</h2>
          <ul>
            {ledger.slice(0, 3).map((record) => (
              <li>
                {record.fileName} · {formatInstant(record.startedAt, language)} · {t(`status.${record.status}`)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

const groupLink = (fact: string, value: string) => `#customers?fact=${fact}&is=${encodeURIComponent(value)}`;

/** Customers per lifecycle stage, each with the stage's strategy, and the lost by how long they have been gone. */
function StagesCard({ overview, language }: { overview: Overview; language: Language }) {
  const t = translator(language);
  const widest = Math.max(1, ...overview.stages.map((s) => s.customers));
  return (
    <div class="tm-card tm-stages">
      <h2>{t('overviewStages')}</h2>
      <p class="tm-muted">{t('overviewStagesHint')}</p>
      <ul class="tm-bars">
        {overview.stages.map(({ stage, customers }) => (
          <li data-stage={stage}>
            <a href={groupLink('lifecycleStage', stage)}>{localised(STAGE_LOOK[stage].label, language)}</a>
            <span class="tm-bar" style={{ width: `${(customers / widest) * 100}%`, background: STAGE_LOOK[stage].colour }} />
            <span class="tm-num tm-bar-count">{countAndShare(customers, overview.customers, language)}</span>
            <span class="tm-muted tm-strategy">{localised(STAGE_LOOK[stage].strategy, language)}</span>
          </li>
        ))}
      </ul>
      <p class="tm-muted tm-lost-bands">
        {t('overviewLostBands')}:{' '}
        {overview.lostBands.map(({ band, customers }, i) => (
          <>
            {i > 0 && ' · '}
            <a href={groupLink('lostBand', band)} data-band={band}>
              {localised(LOST_BAND_LABEL[band], language)} {formatCount(customers, language)}
            </a>
          </>
        ))}
      </p>
    </div>
  );
}

/** The value × potential quadrants, high value on top and high potential on the left, each with its strategy. */
function QuadrantsCard({ overview, language }: { overview: Overview; language: Language }) {
  const t = translator(language);
  const counts = new Map(overview.quadrants.map((q) => [q.quadrant, q.customers]));
  const cell = (quadrant: ValueQuadrant) => {
    const look = QUADRANT_LOOK[quadrant];
    const customers = counts.get(quadrant) ?? 0;
    return (
      <td data-quadrant={quadrant} style={{ borderTop: `4px solid ${look.colour}` }}>
        <a href={groupLink('valueQuadrant', quadrant)}>
          <strong>{localised(look.label, language)}</strong>
          <div class="tm-cell-count">{countAndShare(customers, overview.customers, language)}</div>
        </a>
        <div class="tm-muted tm-strategy">{localised(look.strategy, language)}</div>
      </td>
    );
  };
  return (
    <div class="tm-card tm-quadrants">
      <h2>{t('overviewQuadrants')}</h2>
      {overview.quadrants.length === 0 ? (
        <p class="tm-muted tm-no-quadrants">{t('overviewNoQuadrants')}</p>
      ) : (
        <>
          <p class="tm-muted">{t('overviewQuadrantsHint')}</p>
          <table class="tm-quadrant-grid">
            <thead>
              <tr>
                <th />
                <th>{t('overviewHighPotential')}</th>
                <th>{t('overviewLowPotential')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th>{t('overviewHighValue')}</th>
                {cell('develop')}
                {cell('retain')}
              </tr>
              <tr>
                <th>{t('overviewLowValue')}</th>
                {cell('cultivate')}
                {cell('maintain')}
              </tr>
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** An F score's purchases in words: "1 purchase", "3–12 purchases". */
function purchasesText({ fewest, most }: { fewest: number; most: number }, language: Language): string {
  const count = fewest === most ? formatCount(fewest, language) : `${formatCount(fewest, language)}–${formatCount(most, language)}`;
  if (language === 'zh-CN') return `${count} 次购买`;
  return `${count} ${most === 1 ? 'purchase' : 'purchases'}`;
}
