import { useEffect, useMemo, useState } from 'preact/hooks';
import { shopOfKey, type Shop } from '../shops';
import { customersWithOrder, filterCustomers, customerRowsAsOf, sortCustomers, type CustomerRow } from '../db/customer-list';
import type { Database } from '../db/schema';
import { defaultRegistry } from '../engine/registry';
import { shopSettings } from '../settings';
import { formatCount, formatMajorMoney, formatMoney, formatShop } from './format';
import type { Localised } from '../localised';
import { localised, translator, type Language } from './i18n';
import { LOST_BAND_LABEL, STAGE_LOOK } from '../lifecycle';
import { QUADRANT_LOOK } from '../value-matrix';
import { EmptyShop, Pill, ReadingCustomers } from './parts';

/** Rows drawn at a time: the table shows a window of the list, so 100,000 customers scroll as smoothly as 100. */
const ROW_HEIGHT = 37;
const WINDOW_ROWS = 40;

/** The choices of a filter: each tier or badge rule that some customer has, best tier first. */
function choices(rows: readonly CustomerRow[]) {
  const tiers = new Map<string, NonNullable<CustomerRow['tier']>>();
  const badges = new Map<string, CustomerRow['badges'][number]>();
  for (const row of rows) {
    if (row.tier) tiers.set(row.tier.ref, row.tier);
    for (const badge of row.badges) badges.set(badge.ref, badge);
  }
  return { tiers: [...tiers.values()].sort((a, b) => b.rank - a.rank), badges: [...badges.values()] };
}

/** A filter by the rule that gave customers a tier or badge; empty means all. */
function RuleFilter(props: {
  id: string;
  label: string;
  all: string;
  choices: ReadonlyArray<{ ref: string; label: Localised }>;
  value: string | null;
  onChange(value: string | null): void;
  language: Language;
  extra?: { value: string; label: string };
}) {
  return (
    <label>
      {props.label}{' '}
      <select id={props.id} value={props.value ?? ''} onChange={(e) => props.onChange(e.currentTarget.value || null)}>
        <option value="">{props.all}</option>
        {props.choices.map((choice) => (
          <option value={choice.ref}>{localised(choice.label, props.language)}</option>
        ))}
        {props.extra && <option value={props.extra.value}>{props.extra.label}</option>}
      </select>
    </label>
  );
}

/** The facts that put customers in groups the Overview links to, each value with its name. */
const GROUP_FACTS: Record<string, Record<string, Localised>> = {
  lifecycleStage: Object.fromEntries(Object.entries(STAGE_LOOK).map(([stage, look]) => [stage, look.label])),
  lostBand: LOST_BAND_LABEL,
  valueQuadrant: Object.fromEntries(Object.entries(QUADRANT_LOOK).map(([quadrant, look]) => [quadrant, look.label])),
};

/** The group the Overview linked to (`?fact=lifecycleStage&is=lost`); only the facts and values that name groups. */
function groupOfQuery(query: URLSearchParams | undefined): { fact: string; value: string } | null {
  const fact = query?.get('fact') ?? '';
  const value = query?.get('is') ?? '';
  return Object.hasOwn(GROUP_FACTS, fact) && Object.hasOwn(GROUP_FACTS[fact]!, value) ? { fact, value } : null;
}

/** Every customer: search, filters by tier and badge, sort by any fact, a row per customer linking to their page. */
export function CustomersPage(props: { db: Database; language: Language; query?: URLSearchParams; storeVersion: string; shop: string | null; shops: Shop[] }) {
  const { db, language, query, storeVersion, shop, shops } = props;
  const t = translator(language);
  const [rows, setRows] = useState<CustomerRow[] | null>(null);
  const [reading, setReading] = useState(0);
  const [text, setText] = useState('');
  const [byOrder, setByOrder] = useState<string[]>([]);
  const [tier, setTier] = useState<string | null>(query?.get('tier') ?? null);
  // A cell of the Overview's R × F grid, until the seller clears it.
  const [rfm, setRfm] = useState(() => {
    const [r, f] = [Number(query?.get('r')), Number(query?.get('f'))];
    return r >= 1 && r <= 5 && f >= 1 && f <= 5 ? { r, f } : null;
  });
  // A lifecycle stage or value quadrant of the Overview's, until the seller clears it.
  const [group, setGroup] = useState(() => groupOfQuery(query));
  const [badge, setBadge] = useState<string | null>(null);
  const [sortBy, setSortBy] = useState('monetary');
  const [ascending, setAscending] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);

  useEffect(() => {
    void customerRowsAsOf(db, storeVersion, setReading, shop).then(setRows);
    void shopSettings.getValue().then((settings) => setTimeZone(settings.timeZone));
  }, [db, storeVersion, shop]);
  // An order number names its buyer through the store's aliases, a point read per search.
  useEffect(() => {
    let current = true;
    // The same answer again (most keystrokes: none) keeps the list as it is.
    void customersWithOrder(db, text).then((keys) => current && setByOrder((before) => (before.join('\n') === keys.join('\n') ? before : keys)));
    return () => {
      current = false;
    };
  }, [db, text]);

  const sorted = useMemo(() => sortCustomers(rows ?? [], sortBy, ascending), [rows, sortBy, ascending]);
  const listed = useMemo(() => filterCustomers(sorted, { text, byOrder, tier, badge, rfm, group }), [sorted, text, byOrder, tier, badge, rfm, group]);
  const options = useMemo(() => choices(rows ?? []), [rows]);
  const sortable = useMemo(() => [...defaultRegistry().facts].filter(([, spec]) => spec.type !== 'boolean'), []);

  if (!rows) return <ReadingCustomers share={reading} language={language} />;
  if (rows.length === 0) {
    return (
      <section class="tm-page" aria-labelledby="customers-title">
        <h1 id="customers-title">{t('customersTitle')}</h1>
        <EmptyShop language={language} />
      </section>
    );
  }
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const shown = listed.slice(first, first + WINDOW_ROWS);
  const money = (row: CustomerRow, major: unknown) => (typeof major === 'number' ? formatMajorMoney(major, row.currency, language) : '—');
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone });

  return (
    <section class="tm-page" aria-labelledby="customers-title">
      <h1 id="customers-title">{t('customersTitle')}</h1>
      <div class="tm-toolbar">
        <input id="tm-customer-search" type="search" aria-label={t('customersSearch')} placeholder={t('customersSearch')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <RuleFilter id="tm-filter-tier" label={t('filterTier')} all={t('filterAll')} choices={options.tiers} value={tier} onChange={setTier} language={language} extra={{ value: 'none', label: t('filterNoTier') }} />
        <RuleFilter id="tm-filter-badge" label={t('filterBadge')} all={t('filterAll')} choices={options.badges} value={badge} onChange={setBadge} language={language} />
        <label>
          {t('sortBy')}{' '}
          <select id="tm-sort" value={sortBy} onChange={(e) => setSortBy(e.currentTarget.value)}>
            {sortable.map(([name, spec]) => (
              <option value={name}>
                {name} · {localised(spec.description, language)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={ascending} onChange={(e) => setAscending(e.currentTarget.checked)} /> {t('sortAscending')}
        </label>
        {rfm && (
          <button type="button" class="tm-chip" id="tm-filter-rfm" onClick={() => setRfm(null)} aria-label={t('filterClear')}>
            R{rfm.r} × F{rfm.f} ✕
          </button>
        )}
        {group && (
          <button type="button" class="tm-chip" id="tm-filter-group" data-fact={group.fact} onClick={() => setGroup(null)} aria-label={t('filterClear')}>
            {localised(GROUP_FACTS[group.fact]![group.value]!, language)} ✕
          </button>
        )}
        <span class="tm-muted" id="tm-customers-count" aria-live="polite">
          {formatCount(listed.length, language)} {t('customersShown')}
        </span>
      </div>
      {listed.length === 0 ? (
        <p class="tm-card tm-empty">{t('customersNoMatch')}</p>
      ) : (
        <div class="tm-scroll" style={{ height: `${Math.min(listed.length + 1, 16) * ROW_HEIGHT}px` }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
          <table class="tm-table tm-customers">
            <thead>
              <tr>
                <th>{t('colCustomer')}</th>
                <th>{t('colTier')}</th>
                <th>{t('colBadges')}</th>
                <th class="tm-num">{t('colOrders')}</th>
                <th class="tm-num">{t('colSpend')}</th>
                <th class="tm-num">{t('colAov')}</th>
                <th>{t('colLastOrder')}</th>
                <th>RFM</th>
              </tr>
            </thead>
            <tbody>
              <tr aria-hidden="true" style={{ height: `${first * ROW_HEIGHT}px` }} />
              {shown.map((row) => (
                <tr key={row.key} class="tm-customer-row" data-customer={row.key} style={{ height: `${ROW_HEIGHT}px` }}>
                  <td>
                    <a href={`#customer=${encodeURIComponent(row.key)}`}>{row.buyerId}</a>
                    {shop === null && shops.length > 1 && <span class="tm-muted tm-shop-tag"> · {formatShop(shops, shopOfKey(row.key), language)}</span>}
                  </td>
                  <td>{row.tier && <Pill label={localised(row.tier.label, language)} colour={row.tier.colour} />}</td>
                  <td>
                    {row.badges.slice(0, 2).map((b) => (
                      <Pill label={localised(b.label, language)} colour={b.colour} outline />
                    ))}
                  </td>
                  <td class="tm-num">{formatCount(row.orderCount, language)}</td>
                  <td class="tm-num">{formatMoney(row.monetaryMinor, row.currency, language)}</td>
                  <td class="tm-num">{money(row, row.facts.avgOrderValue)}</td>
                  <td>{date.format(row.lastOrderAt)}</td>
                  <td>{typeof row.facts.rfmCode === 'string' ? row.facts.rfmCode : '—'}</td>
                </tr>
              ))}
              <tr aria-hidden="true" style={{ height: `${Math.max(0, listed.length - first - shown.length) * ROW_HEIGHT}px` }} />
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
