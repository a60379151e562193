import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { shopOfKey, type Shop } from '../shops';
import type { ListedCustomer } from '../customer-table';
import type { WindowReply } from '../db/customer-table';
import type { Database } from '../db/schema';
import type { MovedCell } from '../snapshots';
import { customerQueries } from './customer-queries';
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

/** A cell of the Overview's segment movement, from the link: `moved` (the dimension), the two days, `was` (absent: new since) and `now`, and the cell's words for the chip. */
function movedOfQuery(query: URLSearchParams | undefined): { cell: MovedCell; label: string } | null {
  const dimension = query?.get('moved');
  const [fromDay, toDay] = [Number(query?.get('fromDay')), Number(query?.get('toDay'))];
  if ((dimension !== 'tier' && dimension !== 'segment' && dimension !== 'stage') || !Number.isInteger(fromDay) || !Number.isInteger(toDay)) return null;
  return { cell: { dimension, fromDay, toDay, from: query!.get('was'), to: query!.get('now') ?? '' }, label: query!.get('label') ?? '' };
}

/** Every customer: search, filters by tier and badge, sort by any fact, a row per customer linking to their page. */
export function CustomersPage(props: { db: Database; language: Language; query?: URLSearchParams; storeVersion: string; shop: string | null; shops: Shop[] }) {
  const { language, query, storeVersion, shop, shops } = props;
  const t = translator(language);
  const [reply, setReply] = useState<WindowReply | null>(null);
  const [text, setText] = useState('');
  const [tier, setTier] = useState<string | null>(query?.get('tier') ?? null);
  // A cell of the Overview's R × F grid, until the seller clears it.
  const [rfm, setRfm] = useState(() => {
    const [r, f] = [Number(query?.get('r')), Number(query?.get('f'))];
    return r >= 1 && r <= 5 && f >= 1 && f <= 5 ? { r, f } : null;
  });
  // A lifecycle stage or value quadrant of the Overview's, until the seller clears it.
  const [group, setGroup] = useState(() => groupOfQuery(query));
  const [badge, setBadge] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(query?.get('tag') ?? null);
  // A cell of the Overview's segment movement, until the seller clears it.
  const [moved, setMoved] = useState(() => movedOfQuery(query));
  const [sortBy, setSortBy] = useState('monetary');
  const [ascending, setAscending] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const tableQuery = useMemo(() => ({ shop, text, tier, badge, rfm, group, tag, moved: moved?.cell ?? null, sortBy, ascending }), [shop, text, tier, badge, rfm, group, tag, moved, sortBy, ascending]);

  useEffect(() => void shopSettings.getValue().then((settings) => setTimeZone(settings.timeZone)), []);
  // A new query lists from the top.
  useEffect(() => {
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [tableQuery]);
  // The query worker answers the window in view; only the latest request's answer is shown.
  const latest = useRef(0);
  // When the shown answer was asked for (epoch ms), beside where its time went: what the scale bench reports.
  const askedAt = useRef(0);
  useEffect(() => {
    const asked = (latest.current += 1);
    const at = performance.timeOrigin + performance.now();
    const show = (answer: WindowReply) => {
      if (asked !== latest.current) return;
      askedAt.current = at;
      setReply(answer);
    };
    void customerQueries().ask({ storeVersion, query: tableQuery, from: first, count: WINDOW_ROWS }, show).then(show);
  }, [storeVersion, tableQuery, first]);
  const sortable = useMemo(() => [...defaultRegistry().facts].filter(([, spec]) => spec.type !== 'boolean'), []);

  if (!reply) return <ReadingCustomers language={language} />;
  if (reply.kind !== 'answer') {
    return (
      <section class="tm-page" aria-labelledby="customers-title">
        <h1 id="customers-title">{t('customersTitle')}</h1>
        <p class="tm-card" role="status" id="tm-customers-unavailable">
          {reply.kind === 'missing' ? t('customersTableMissing') : `${t('customersReadFailed')} ${reply.message}`}
        </p>
      </section>
    );
  }
  const { answer, notListed } = reply;
  if (answer.customers === 0 && notListed === 0) {
    return (
      <section class="tm-page" aria-labelledby="customers-title">
        <h1 id="customers-title">{t('customersTitle')}</h1>
        <EmptyShop language={language} />
      </section>
    );
  }
  const money = (row: ListedCustomer, major: number | null) => (major === null ? '—' : formatMajorMoney(major, row.currency, language));
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone });

  return (
    <section class="tm-page" aria-labelledby="customers-title">
      <h1 id="customers-title">{t('customersTitle')}</h1>
      {notListed > 0 && (
        <p class="tm-card tm-notice" role="status" id="tm-customers-not-listed">
          {formatCount(notListed, language)} {t('customersNotListed')}
        </p>
      )}
      <div class="tm-toolbar">
        <input id="tm-customer-search" type="search" aria-label={t('customersSearch')} placeholder={t('customersSearch')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <RuleFilter id="tm-filter-tier" label={t('filterTier')} all={t('filterAll')} choices={answer.choices.tiers} value={tier} onChange={setTier} language={language} extra={{ value: 'none', label: t('filterNoTier') }} />
        <RuleFilter id="tm-filter-badge" label={t('filterBadge')} all={t('filterAll')} choices={answer.choices.badges} value={badge} onChange={setBadge} language={language} />
        {((answer.choices.tags?.length ?? 0) > 0 || tag) && (
          <label>
            {t('filterTag')}{' '}
            <select id="tm-filter-tag" value={tag ?? ''} onChange={(e) => setTag(e.currentTarget.value || null)}>
              <option value="">{t('filterAll')}</option>
              {[...new Set([...(answer.choices.tags ?? []), ...(tag ? [tag] : [])])].map((name) => (
                <option value={name}>{name}</option>
              ))}
            </select>
          </label>
        )}
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
        {moved && (
          <button type="button" class="tm-chip" id="tm-filter-moved" onClick={() => setMoved(null)} aria-label={t('filterClear')}>
            {moved.label} ✕
          </button>
        )}
        <span class="tm-muted" id="tm-customers-count" aria-live="polite" data-searching={reply.searching ? 'true' : undefined} data-spent={JSON.stringify(answer.spent ? { ...answer.spent, askedAt: askedAt.current } : null)}>
          {formatCount(answer.total, language)} {t(reply.searching ? 'customersFoundSoFar' : 'customersShown')}
        </span>
      </div>
      {answer.total === 0 ? (
        <p class="tm-card tm-empty" role={reply.searching ? 'status' : undefined}>{t(reply.searching ? 'customersSearching' : 'customersNoMatch')}</p>
      ) : (
        <div ref={scroller} class="tm-scroll" style={{ height: `${Math.min(answer.total + 1, 16) * ROW_HEIGHT}px` }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
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
              <tr aria-hidden="true" style={{ height: `${answer.from * ROW_HEIGHT}px` }} />
              {answer.rows.map((row) => (
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
                  <td class="tm-num">{money(row, row.avgOrderValue)}</td>
                  <td>{date.format(row.lastOrderAt)}</td>
                  <td>{row.rfmCode ?? '—'}</td>
                </tr>
              ))}
              <tr aria-hidden="true" style={{ height: `${Math.max(0, answer.total - answer.from - answer.rows.length) * ROW_HEIGHT}px` }} />
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
