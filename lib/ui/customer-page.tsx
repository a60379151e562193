import { shopOfKey, type Shop } from '../shops';
import { useEffect, useState } from 'preact/hooks';
import { customerCard } from '../db/customer-card';
import { getProfile, rescoreStatus, type Profile } from '../db/profiles';
import type { Database } from '../db/schema';
import { activeRuleFiles } from '../db/rule-files';
import { defaultRegistry } from '../engine/registry';
import { explainCustomer, type RuleWhy } from '../engine/why';
import type { CardView } from '../overlay/card-view';
import type { FactSpec, FactValue } from '../scoring/scorer';
import { shopSettings } from '../settings';
import { Pill } from './parts';
import { KeptDatesCard } from './kept-dates-card';
import { NotesCard } from './notes-card';
import { PathCard } from './path-card';
import { formatCount, formatMajorMoney, formatShare, formatShop } from './format';
import { localised, translator, type Language } from './i18n';

function factText(value: FactValue | undefined, spec: FactSpec, currency: string, language: Language): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (spec.unit === 'money') return formatMajorMoney(value, currency, language);
  if (spec.unit === 'share') return formatShare(value, language);
  if (spec.unit === 'days') return language === 'zh-CN' ? `${formatCount(value, language)} 天` : `${formatCount(value, language)} days`;
  return new Intl.NumberFormat(language, { maximumFractionDigits: 3 }).format(value);
}

/** Net spend per order, oldest to newest, as bars. */
function SpendChart({ orders, label }: { orders: CardView['orders']; label: string }) {
  const oldestFirst = [...orders].reverse();
  const top = Math.max(1, ...oldestFirst.map((o) => o.spend));
  const width = 8 * oldestFirst.length + 4;
  return (
    <svg class="tm-chart" role="img" aria-label={label} width={Math.min(720, Math.max(120, width))} height="64" viewBox={`0 0 ${width} 64`} preserveAspectRatio="none">
      {oldestFirst.map((order, i) => {
        const height = Math.max(1, (Math.max(0, order.spend) / top) * 60);
        return <rect x={2 + i * 8} y={62 - height} width="6" height={height} fill="#e4572e"><title>{`${order.date} ${order.amount}`}</title></rect>;
      })}
    </svg>
  );
}

const OPERATORS: Record<string, string> = {
  equal: '=', notEqual: '≠', lessThan: '<', lessThanInclusive: '≤', greaterThan: '>', greaterThanInclusive: '≥', in: '∈', notIn: '∉',
};

const shown = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** Each rule's verdict for the customer, from json-rules-engine: which conditions passed, and on which values. */
function WhyRules({ why, tierRef, language }: { why: RuleWhy[]; tierRef: string | null; language: Language }) {
  const t = translator(language);
  return (
    <div class="tm-card tm-why">
      <h2>{t('whyTitle')}</h2>
      <p class="tm-muted">{t('whyIntro')}</p>
      {why.map((rule) => (
        <details class="tm-why-rule" data-rule={rule.ref} data-fired={String(rule.fired)} open={rule.fired}>
          <summary>
            <span class="tm-why-mark" aria-hidden="true">
              {rule.fired ? '✓' : '✗'}
            </span>{' '}
            {rule.label ? localised(rule.label, language) : rule.ref} <span class="tm-muted">· {localised(rule.file, language)} · {rule.fired ? t('whyMet') : t('whyNotMet')}</span>
            {rule.eventType === 'tier' && rule.fired && <strong class="tm-why-tier"> · {rule.ref === tierRef ? t('whyTierInForce') : t('whyOutranked')}</strong>}
          </summary>
          <ul class="tm-why-lines">
            {rule.lines.map((line) =>
              line.kind === 'group' ? (
                <li style={{ paddingLeft: `${line.depth * 16}px` }}>{t(`why.${line.group}`)}</li>
              ) : (
                <li class="tm-why-test" data-fact={line.fact} data-passed={String(line.passed)} style={{ paddingLeft: `${line.depth * 16}px` }}>
                  <code>
                    {line.fact} {OPERATORS[line.operator] ?? line.operator} {shown(line.expected)}
                  </code>{' '}
                  <span class="tm-muted">
                    {t('whyCustomerValue')}: {shown(line.actual)}
                  </span>{' '}
                  {line.passed === null ? t('whyNotChecked') : line.passed ? '✓' : '✗'}
                </li>
              ),
            )}
          </ul>
        </details>
      ))}
    </div>
  );
}

/** One customer: figures, every order, what the rules say and why, and every fact with its meaning. */
export function CustomerPage({ db, language, customerKey, storeVersion, shops = [] }: { db: Database; language: Language; customerKey: string; storeVersion: string; shops?: Shop[] }) {
  const t = translator(language);
  const [view, setView] = useState<{ card: CardView | null; profile: Profile | undefined; why: RuleWhy[] } | null>(null);

  useEffect(() => {
    let current = true;
    void (async () => {
      const { timeZone } = await shopSettings.getValue();
      const registry = defaultRegistry();
      const [card, profile, { ruleFiles }] = await Promise.all([customerCard(db, customerKey, language, timeZone, Infinity), getProfile(db, customerKey), activeRuleFiles(db, registry)]);
      const unfit = new Set((await rescoreStatus(db))?.unfitTables?.[card?.currency ?? ''] ?? []);
      const why = profile && card ? await explainCustomer(ruleFiles, registry, profile.facts, card.currency, unfit) : [];
      if (current) setView({ card, profile, why });
    })();
    return () => {
      current = false;
    };
  }, [db, customerKey, language, storeVersion]);

  if (!view) return <section class="tm-page" aria-busy="true" />;
  const { card, profile, why } = view;
  if (!card) {
    return (
      <section class="tm-page">
        <p class="tm-card tm-empty" role="alert">
          {t('customerUnknown')} <a href="#customers">{t('customerBack')}</a>
        </p>
      </section>
    );
  }
  return (
    <section class="tm-page tm-customer" aria-labelledby="customer-title" data-customer={card.customerKey}>
      <p>
        <a href="#customers">← {t('customerBack')}</a>
      </p>
      <header class="tm-customer-head">
        <h1 id="customer-title">{card.buyerId}</h1>
        {shops.length > 1 && <span class="tm-muted tm-customer-shop">{formatShop(shops, shopOfKey(card.customerKey), language)}</span>}
        {card.tier && <Pill label={card.tier.label} colour={card.tier.colour} />}
        {card.badges.map((b) => (
          <Pill label={b.label} colour={b.colour} outline />
        ))}
      </header>
      {card.groups.length > 0 && (
        <ul class="tm-groups">
          {card.groups.map((g) => (
            <li data-group={g.fact} data-value={g.value}>
              <Pill label={g.label} colour={g.colour} /> <span class="tm-muted">{g.hint}</span>
            </li>
          ))}
        </ul>
      )}
      <div class="tm-card">
        <h2>{card.text.figures}</h2>
        <dl class="tm-facts">
          {card.figures.map((figure) => (
            <>
              <dt>{figure.label}</dt>
              <dd data-fact={figure.fact}>{figure.value}</dd>
            </>
          ))}
        </dl>
      </div>
      <NotesCard db={db} customerKey={card.customerKey} language={language} />
      <PathCard customerKey={card.customerKey} language={language} storeVersion={storeVersion} />
      <KeptDatesCard db={db} customerKey={card.customerKey} imported={card.birthday} language={language} />
      <div class="tm-card">
        {card.suggestions.length > 0 && (
          <>
            <h2>{card.text.suggestions}</h2>
            <ul class="tm-suggestions">
              {card.suggestions.map((x) => (
                <li>
                  <strong>{x.title}</strong> <span class="tm-muted">— {x.reason}</span>
                </li>
              ))}
            </ul>
          </>
        )}
        {card.benefits.length > 0 && (
          <>
            <h2>{card.text.benefits}</h2>
            <ul class="tm-benefits">
              {card.benefits.map((b) => (
                <li>
                  <strong>{b.label}</strong>
                  {b.detail ? `: ${b.detail}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>{card.text.treatments}</h2>
        {card.treatments.length === 0 ? <p class="tm-muted">{card.text.none}</p> : <ul>{card.treatments.map((x) => <li>{x.label}{x.detail ? `: ${x.detail}` : ''}</li>)}</ul>}
        <h2>{card.text.followUps}</h2>
        {card.followUps.length === 0 ? (
          <p class="tm-muted">{card.text.none}</p>
        ) : (
          <ul class="tm-follow-ups">
            {card.followUps.map((f) => (
              <li data-status={f.status}>
                {f.label} · {f.channel} · {f.due} — <span class="tm-muted">{f.message}</span>
                {f.coupon && <span class="tm-coupon"> · {f.coupon}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="tm-card">
        <h2>
          {card.text.orders} ({formatCount(card.orders.length, language)})
        </h2>
        <SpendChart orders={card.orders} label={card.text.chart} />
        <table class="tm-table tm-orders">
          <tbody>
            {card.orders.map((order) => (
              <tr data-order={order.orderId}>
                <td>{order.date}</td>
                <td>{order.orderId}</td>
                <td class="tm-num">{order.amount}</td>
                <td>{order.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {why.length > 0 && <WhyRules why={why} tierRef={profile?.tier?.ref ?? null} language={language} />}
      <div class="tm-card">
        <h2>{t('customerFacts')}</h2>
        <table class="tm-table tm-fact-table">
          <thead>
            <tr>
              <th>{t('factName')}</th>
              <th class="tm-num">{t('factValue')}</th>
              <th>{t('factMeaning')}</th>
            </tr>
          </thead>
          <tbody>
            {[...defaultRegistry().facts].map(([name, spec]) => (
              <tr data-fact={name}>
                <td>
                  <code>{name}</code>
                </td>
                <td class="tm-num">{factText(profile?.facts[name], spec, card.currency, language)}</td>
                <td class="tm-muted">{localised(spec.description, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

