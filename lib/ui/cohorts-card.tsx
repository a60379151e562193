import { useEffect, useState } from 'preact/hooks';
import type { CohortUnit } from '../cohorts';
import type { CohortReply } from '../db/customer-table';
import { minorDigits } from '../money';
import { isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { downloadCsv, toExcelCsv } from './csv-export';
import { formatCount, formatMoney, formatShare } from './format';
import { translator, type Language } from './i18n';

type Measure = 'bought' | 'spent';
type Table = Extract<CohortReply, { kind: 'cohorts' }>['table'];

/** A cohort as the seller reads it: its month, or the Monday its week starts. */
const cohortName = (unit: CohortUnit, first: number) => (unit === 'month' ? isoDay(first).slice(0, 7) : isoDay(first));

/** A cell's figure as a number: the share of the cohort who bought then (from one month on), or its spend per customer so far. */
function cellValue(measure: Measure, cohort: Table['cohorts'][number], since: number): number | null {
  if (cohort.customers === 0 || since >= cohort.bought.length) return null;
  if (measure === 'bought') return since === 0 ? null : cohort.bought[since]! / cohort.customers;
  return cohort.spentMinor[since]! / cohort.customers;
}

/**
 * Cohort retention as a heat map: customers by the month (or week) they first bought, and in each
 * month since, the share who bought or the spend per customer so far. A table, so it reads aloud;
 * exportable for Excel.
 */
export function CohortsCard({ language, storeVersion, shop, currency }: { language: Language; storeVersion: string; shop: string | null; currency: string }) {
  const t = translator(language);
  const [unit, setUnit] = useState<CohortUnit>('month');
  const [count, setCount] = useState(12);
  const [measure, setMeasure] = useState<Measure>('bought');
  const [reply, setReply] = useState<CohortReply | null>(null);
  useEffect(() => {
    let current = true;
    setReply(null);
    void customerQueries()
      .cohorts({ storeVersion, shop, unit, count, currency })
      .then((answer) => current && setReply(answer));
    return () => {
      current = false;
    };
  }, [storeVersion, shop, unit, count, currency]);
  const table = reply?.kind === 'cohorts' ? reply.table : null;
  const shown = (value: number | null) => (value === null ? '' : measure === 'bought' ? formatShare(value, language) : formatMoney(Math.round(value), currency, language));
  const hottest = table ? Math.max(0, ...table.cohorts.flatMap((cohort) => cohort.bought.map((_, since) => cellValue(measure, cohort, since) ?? 0))) : 0;
  const sinceLabel = (since: number) => (unit === 'month' ? t('cohortsMonth') : t('cohortsWeek')).replace('{n}', String(since));
  const exportCsv = () => {
    if (!table) return;
    const header = [t('cohortsCohort'), t('cohortsCustomers'), ...Array.from({ length: count }, (_, since) => sinceLabel(since))];
    const digits = minorDigits(currency);
    const rows = table.cohorts.map((cohort) => [
      cohortName(unit, cohort.first),
      cohort.customers,
      ...Array.from({ length: count }, (_, since) => {
        const value = cellValue(measure, cohort, since);
        return value === null ? '' : measure === 'bought' ? `${(value * 100).toFixed(1)}%` : (value / 10 ** digits).toFixed(digits);
      }),
    ]);
    downloadCsv(`cohorts-${unit}-${measure}-${table.asOfDay ? isoDay(table.asOfDay) : ''}.csv`, toExcelCsv(header, rows));
  };
  return (
    <div class="tm-card tm-cohorts" data-state={reply ? reply.kind : 'reading'}>
      <h2>{t('cohortsTitle')}</h2>
      <div class="tm-kpi-controls">
        <label>
          {t('cohortsBy')}{' '}
          <select id="tm-cohort-unit" value={unit} onChange={(event) => setUnit((event.target as HTMLSelectElement).value as CohortUnit)}>
            <option value="month">{t('cohortsByMonth')}</option>
            <option value="week">{t('cohortsByWeek')}</option>
          </select>
        </label>
        <label>
          {t('cohortsHowMany')}{' '}
          <select id="tm-cohort-count" value={String(count)} onChange={(event) => setCount(Number((event.target as HTMLSelectElement).value))}>
            {[6, 12, 24].map((n) => (
              <option value={String(n)}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          {t('cohortsShow')}{' '}
          <select id="tm-cohort-measure" value={measure} onChange={(event) => setMeasure((event.target as HTMLSelectElement).value as Measure)}>
            <option value="bought">{t('cohortsBought')}</option>
            <option value="spent">{t('cohortsSpent')}</option>
          </select>
        </label>
        <button type="button" id="tm-cohort-export" disabled={!table} onClick={exportCsv}>
          {t('cohortsExport')}
        </button>
      </div>
      <p class="tm-muted">{measure === 'bought' ? t('cohortsBoughtHint') : t('cohortsSpentHint')}</p>
      {!reply && <p class="tm-muted">{t('kpisReading')}</p>}
      {reply?.kind === 'missing' && <p class="tm-muted">{t('customersTableMissing')}</p>}
      {reply?.kind === 'failed' && <p class="tm-error">{`${t('customersReadFailed')} ${reply.message}`}</p>}
      {table && (
        <div class="tm-cohort-scroll">
          <table class="tm-cohort-grid">
            <caption class="tm-muted">
              {currency}
              {table.otherCurrencies > 0 && ` · ${formatCount(table.otherCurrencies, language)} ${t('cohortsOtherCurrencies')}`}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('cohortsCohort')}</th>
                <th scope="col">{t('cohortsCustomers')}</th>
                {Array.from({ length: count }, (_, since) => (
                  <th scope="col">{sinceLabel(since)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.cohorts.map((cohort) => (
                <tr data-cohort={cohortName(unit, cohort.first)}>
                  <th scope="row">{cohortName(unit, cohort.first)}</th>
                  <td class="tm-num">{formatCount(cohort.customers, language)}</td>
                  {Array.from({ length: count }, (_, since) => {
                    const value = cellValue(measure, cohort, since);
                    const heat = value === null || hottest <= 0 ? 0 : Math.max(0, value) / hottest;
                    return (
                      <td class="tm-num" data-since={since} data-value={value === null ? '' : String(value)} style={value === null ? undefined : { background: `rgba(212, 56, 13, ${(0.06 + 0.74 * heat).toFixed(3)})` }}>
                        {shown(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
