import { useEffect, useState } from 'preact/hooks';
import type { KpiReply } from '../db/customer-table';
import { calendarPeriod, CUSTOMER_EQUITY, DEFAULT_KPI_SETTINGS, KPIS, OPENING_PERIOD, TREND_PERIODS, type Kpi, type KpiSettings, type Period, type PeriodChoice, type PeriodFigures } from '../kpis';
import { dayOfIso, isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { formatCount, formatMajorMoney, formatMoney, formatShare } from './format';
import { localised, translator, type Language } from './i18n';

/** How many periods back each kind offers. */
const CHOICES = { month: 13, quarter: 8, year: 5 } as const;

/** A period as the seller reads it: "2026-11", "2026 Q4", "2026", or its two days. */
function periodName(kind: PeriodChoice['kind'], period: Period): string {
  const first = isoDay(period.first);
  if (kind === 'month') return first.slice(0, 7);
  if (kind === 'quarter') return `${first.slice(0, 4)} Q${Math.floor(Number(first.slice(5, 7)) / 3) + 1}`;
  if (kind === 'year') return first.slice(0, 4);
  return `${first} – ${isoDay(period.last)}`;
}

/** A KPI's value as shown; money in the shop's currency. */
function shown(kpi: Kpi, value: number | null, currency: string, language: Language): string {
  if (value === null) return '—';
  if (kpi.kind === 'rate') return formatShare(value, language);
  if (kpi.kind === 'money') return formatMoney(Math.round(value), currency, language);
  return formatCount(value, language);
}

/** The change against the period before: points for a rate, a percentage otherwise. */
function change(kpi: Kpi, now: number | null, before: number | null, language: Language): string | null {
  if (now === null || before === null) return null;
  const arrow = now > before ? '▲' : now < before ? '▼' : '=';
  if (kpi.kind === 'rate') {
    const points = (now - before) * 100;
    return `${arrow} ${new Intl.NumberFormat(language, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(points)} ${language === 'zh-CN' ? '个百分点' : 'pts'}`;
  }
  if (before === 0) return arrow;
  return `${arrow} ${new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format((now - before) / Math.abs(before))}`;
}

/**
 * The shop's KPIs for a period the seller picks, each against the period before, with its
 * definition on hover. Counted by the query worker from the customer table's occasions.
 */
export function KpisCard({ language, storeVersion, shop, currency }: { language: Language; storeVersion: string; shop: string | null; currency: string }) {
  const t = translator(language);
  const [choice, setChoice] = useState<PeriodChoice>(OPENING_PERIOD);
  const [settings, setSettings] = useState<KpiSettings>(DEFAULT_KPI_SETTINGS);
  const [reply, setReply] = useState<KpiReply | null>(null);
  const [trend, setTrend] = useState<PeriodFigures[] | null>(null);
  useEffect(() => {
    let current = true;
    // The period's figures first; the chart's periods (twelve more passes over the occasions) after them.
    void (async () => {
      const queries = customerQueries();
      const answer = await queries.kpis({ storeVersion, shop, period: choice, settings });
      if (!current) return;
      setReply(answer);
      setTrend(null);
      if (answer.kind !== 'kpis') return;
      const trended = await queries.kpis({ storeVersion, shop, period: choice, settings, trend: TREND_PERIODS });
      if (current && trended.kind === 'kpis') setTrend(trended.kpis.trend ?? null);
    })();
    return () => {
      current = false;
    };
  }, [storeVersion, shop, JSON.stringify(choice), settings.secondWithinDays, settings.lapsedAfterDays]);

  const kpis = reply?.kind === 'kpis' ? reply.kpis : null;
  const asOfDay = kpis?.asOfDay;
  const custom = choice.kind === 'custom' ? choice.period : kpis ? { first: kpis.current.period.first, last: Math.min(kpis.current.period.last, kpis.asOfDay) } : null;
  const setDays = (name: keyof KpiSettings, text: string) => {
    const days = Math.round(Number(text));
    if (Number.isFinite(days) && days >= 1 && days <= 3650) setSettings({ ...settings, [name]: days });
  };
  return (
    <div class="tm-card tm-shop-kpis" data-state={reply ? reply.kind : 'reading'}>
      <h2>{t('kpisTitle')}</h2>
      <div class="tm-kpi-controls">
        <label>
          {t('kpisPeriod')}{' '}
          <select
            id="tm-kpi-kind"
            value={choice.kind}
            onChange={(event) => {
              const kind = (event.target as HTMLSelectElement).value as PeriodChoice['kind'];
              setChoice(kind === 'custom' ? { kind, period: custom ?? { first: 0, last: 0 } } : { kind, back: 0 });
            }}
          >
            <option value="month">{t('kpisMonth')}</option>
            <option value="quarter">{t('kpisQuarter')}</option>
            <option value="year">{t('kpisYear')}</option>
            <option value="custom">{t('kpisCustom')}</option>
          </select>
        </label>{' '}
        {choice.kind !== 'custom' && asOfDay !== undefined && (
          <select id="tm-kpi-period" aria-label={t('kpisPeriod')} value={String(choice.back)} onChange={(event) => setChoice({ kind: choice.kind, back: Number((event.target as HTMLSelectElement).value) })}>
            {Array.from({ length: CHOICES[choice.kind] }, (_, back) => (
              <option value={String(back)}>{periodName(choice.kind, calendarPeriod(choice.kind, asOfDay, back))}</option>
            ))}
          </select>
        )}
        {choice.kind === 'custom' && (
          <>
            <label>
              {t('kpisFrom')} <input id="tm-kpi-from" type="date" value={isoDay(choice.period.first)} max={asOfDay !== undefined ? isoDay(asOfDay) : undefined} onChange={(event) => pickDay(choice, 'first', (event.target as HTMLInputElement).value, setChoice)} />
            </label>{' '}
            <label>
              {t('kpisTo')} <input id="tm-kpi-to" type="date" value={isoDay(choice.period.last)} max={asOfDay !== undefined ? isoDay(asOfDay) : undefined} onChange={(event) => pickDay(choice, 'last', (event.target as HTMLInputElement).value, setChoice)} />
            </label>
          </>
        )}{' '}
        <label>
          {t('kpisSecondWithin')} <input id="tm-kpi-second-days" type="number" min="1" max="3650" value={settings.secondWithinDays} onChange={(event) => setDays('secondWithinDays', (event.target as HTMLInputElement).value)} /> {t('kpisDays')}
        </label>{' '}
        <label>
          {t('kpisLapsedAfter')} <input id="tm-kpi-lapsed-days" type="number" min="1" max="3650" value={settings.lapsedAfterDays} onChange={(event) => setDays('lapsedAfterDays', (event.target as HTMLInputElement).value)} /> {t('kpisDays')}
        </label>
      </div>
      {!reply && <p class="tm-muted">{t('kpisReading')}</p>}
      {reply?.kind === 'missing' && <p class="tm-muted">{t('customersTableMissing')}</p>}
      {reply?.kind === 'failed' && <p class="tm-error">{`${t('customersReadFailed')} ${reply.message}`}</p>}
      {kpis && (
        <>
          <p class="tm-muted" id="tm-kpi-compared">
            {periodName(kpis.kind, kpis.current.period)}
            {kpis.current.through < kpis.current.period.last && ` (${t('kpisSoFar')} ${isoDay(kpis.current.through)})`} · {t('kpisVersus')} {periodName(kpis.kind, kpis.previous.period)}
            {reply?.kind === 'kpis' && reply.notListed > 0 && ` · ${formatCount(reply.notListed, language)} ${t('kpisNotListed')}`}
          </p>
          <div class="tm-kpis">
            {KPIS.map((kpi) => {
              // Buyers in other currencies: counted in the counts and rates, their money not summed with this currency's.
              const others = Object.entries(kpis.current.byCurrency).reduce((n, [code, figures]) => (code === currency ? n : n + figures.buyers), 0);
              const now = kpi.value(kpis.current, currency);
              const before = kpi.value(kpis.previous, currency);
              const definition = localised(kpi.definition(kpis.settings), language);
              const delta = change(kpi, now, before, language);
              return (
                <div class="tm-card tm-kpi" data-shop-kpi={kpi.id} data-value={now === null ? '' : String(now)} data-previous={before === null ? '' : String(before)} tabIndex={0}>
                  <div class="tm-muted">{localised(kpi.label, language)}</div>
                  <strong>{shown(kpi, now, currency, language)}</strong>
                  <div class="tm-muted tm-kpi-change">
                    {delta && <span class="tm-kpi-delta">{delta}</span>}{delta && ' · '}{t('kpisBefore')} {shown(kpi, before, currency, language)}
                  </div>
                  {kpi.kind === 'money' && others > 0 && (
                    <div class="tm-muted tm-kpi-other-currencies">
                      {formatCount(others, language)} {t('kpisOtherCurrencies')}
                    </div>
                  )}
                  <p class="tm-kpi-definition">{definition}</p>
                </div>
              );
            })}
            <EquityCard kpis={kpis} currency={currency} language={language} />
          </div>
          {trend && <KpiTrend trend={trend} kind={kpis.kind} currency={currency} language={language} />}
        </>
      )}
    </div>
  );
}

/**
 * One KPI over the last periods as bars, drawn as SVG by hand (no charting library: nothing to load
 * under the extension's CSP, and a few hundred bytes), with the same figures as a table behind it.
 */
function KpiTrend({ trend, kind, currency, language }: { trend: PeriodFigures[]; kind: PeriodChoice['kind']; currency: string; language: Language }) {
  const t = translator(language);
  const [id, setId] = useState<Kpi['id']>('buyers');
  const kpi = KPIS.find((k) => k.id === id)!;
  const values = trend.map((figures) => kpi.value(figures, currency));
  const highest = Math.max(0, ...values.map((v) => v ?? 0));
  const [width, height, gap] = [640, 150, 6];
  const bar = width / trend.length;
  const label = localised(kpi.label, language);
  return (
    <div class="tm-kpi-trend">
      <label>
        {t('kpisTrend')}{' '}
        <select id="tm-kpi-trend" value={id} onChange={(e) => setId(e.currentTarget.value as Kpi['id'])}>
          {KPIS.map((k) => (
            <option value={k.id}>{localised(k.label, language)}</option>
          ))}
        </select>
      </label>
      <svg class="tm-trend-chart" viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`${label}: ${trend.map((f, i) => `${periodName(kind, f.period)} ${shown(kpi, values[i] ?? null, currency, language)}`).join(', ')}`}>
        {trend.map((figures, i) => {
          const value = values[i] ?? 0;
          const h = highest > 0 ? (Math.max(0, value) / highest) * (height - 16) : 0;
          return (
            <g data-period={periodName(kind, figures.period)}>
              <title>{`${periodName(kind, figures.period)}: ${shown(kpi, values[i] ?? null, currency, language)}`}</title>
              <rect x={i * bar + gap / 2} y={height - h} width={bar - gap} height={h} fill="#d4380d" opacity={i === trend.length - 1 ? 1 : 0.55} />
              <text x={i * bar + bar / 2} y={height + 14} text-anchor="middle" font-size="10" fill="currentColor">
                {periodName(kind, figures.period).slice(kind === 'month' ? 2 : 0)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('kpisAsTable')}</summary>
        <table class="tm-ab-grid tm-trend-table">
          <thead>
            <tr>
              <th scope="col">{t('kpisPeriod')}</th>
              <th scope="col">{label}</th>
            </tr>
          </thead>
          <tbody>
            {trend.map((figures, i) => (
              <tr data-period={periodName(kind, figures.period)} data-value={values[i] === null ? '' : String(values[i])}>
                <th scope="row">{periodName(kind, figures.period)}</th>
                <td class="tm-num">{shown(kpi, values[i] ?? null, currency, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function EquityCard({ kpis, currency, language }: { kpis: NonNullable<Extract<KpiReply, { kind: 'kpis' }>['kpis']>; currency: string; language: Language }) {
  const t = translator(language);
  const equity = kpis.equity[currency];
  const definition = localised(CUSTOMER_EQUITY.definition, language);
  return (
    <div class="tm-card tm-kpi" data-shop-kpi="customer-equity" data-value={equity ? String(equity.value) : ''} tabIndex={0}>
      <div class="tm-muted">{localised(CUSTOMER_EQUITY.label, language)}</div>
      <strong>{equity ? formatMajorMoney(equity.value, currency, language) : '—'}</strong>
      <div class="tm-muted">{equity ? `${formatCount(equity.customers, language)} ${t('kpisPredicted')} · ${isoDay(kpis.asOfDay)}` : t('kpisNoPrediction')}</div>
      <p class="tm-kpi-definition">{definition}</p>
    </div>
  );
}

/** A custom period's new first or last day; the other end follows when the two would cross. */
function pickDay(choice: Extract<PeriodChoice, { kind: 'custom' }>, end: 'first' | 'last', iso: string, set: (choice: PeriodChoice) => void) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return;
  const day = dayOfIso(iso);
  const period = { ...choice.period, [end]: day };
  if (period.first > period.last) period[end === 'first' ? 'last' : 'first'] = day;
  set({ kind: 'custom', period });
}
