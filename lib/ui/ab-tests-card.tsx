import { useEffect, useState } from 'preact/hooks';
import { baselineOf, SENT_MAX, shareVerdict, spendDifference, type AbTest, type GroupOutcome } from '../ab-test';
import { allAbTests, deleteAbTest, noteGroupSent } from '../db/ab-tests';
import type { AbResultsReply } from '../db/customer-table';
import type { Database } from '../db/schema';
import { isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { formatCount, formatMoney, formatShare } from './format';
import { localised, translator, type Language } from './i18n';

const WINDOWS = [30, 60, 90, 180];

/** The saved A/B tests, newest first, each compared over a window the seller picks (比照执行结果). */
export function AbTestsCard({ db, language, storeVersion, saved }: { db: Database; language: Language; storeVersion: string; saved: number }) {
  const t = translator(language);
  const [tests, setTests] = useState<AbTest[] | null>(null);
  const [changed, setChanged] = useState(0);
  useEffect(() => void allAbTests(db).then(setTests), [db, saved, changed]);
  if (!tests) return null;
  return (
    <div class="tm-card tm-ab-tests">
      <h2>{t('abTitle')}</h2>
      {tests.length === 0 ? (
        <p class="tm-muted">{t('abNone')}</p>
      ) : (
        tests.map((test) => (
          <AbTestResults
            key={test.id}
            test={test}
            language={language}
            storeVersion={storeVersion}
            onSent={async (group, sent) => {
              await noteGroupSent(db, test.id, group, sent);
              setChanged((n) => n + 1);
            }}
            onDelete={async () => {
              await deleteAbTest(db, test.id);
              setChanged((n) => n + 1);
            }}
          />
        ))
      )}
    </div>
  );
}

function AbTestResults({ test, language, storeVersion, onSent, onDelete }: { test: AbTest; language: Language; storeVersion: string; onSent(group: string, sent: string): void; onDelete(): void }) {
  const t = translator(language);
  const [windowDays, setWindowDays] = useState(60);
  const [reply, setReply] = useState<AbResultsReply | null>(null);
  useEffect(() => {
    let current = true;
    void customerQueries()
      .abResults({ storeVersion, testId: test.id, windowDays })
      .then((answer) => current && setReply(answer));
    return () => {
      current = false;
    };
  }, [storeVersion, test.id, windowDays]);
  const results = reply?.kind === 'abResults' ? reply : null;
  const baseline = results ? baselineOf(results.outcomes) : undefined;
  const money = (minor: number) => (results?.currency ? formatMoney(Math.round(minor), results.currency, language) : '—');
  return (
    <section class="tm-ab-test" data-test={test.id} aria-label={test.name}>
      <h3>
        {test.name} <span class="tm-muted">· {localised(test.segment.label, language)} · {t('abStarted')} {isoDay(test.startedDay)} · {t('abSeed')} {test.seed}</span>
      </h3>
      <label>
        {t('abWindow')}{' '}
        <select class="tm-ab-window" value={String(windowDays)} onChange={(e) => setWindowDays(Number(e.currentTarget.value))}>
          {WINDOWS.map((days) => (
            <option value={String(days)}>{`${days} ${t('kpisDays')}`}</option>
          ))}
        </select>
      </label>{' '}
      <button type="button" class="tm-link tm-ab-delete" onClick={onDelete}>
        {t('abDelete')}
      </button>
      {!reply && <p class="tm-muted">{t('kpisReading')}</p>}
      {reply?.kind === 'missing' && <p class="tm-muted">{t('customersTableMissing')}</p>}
      {reply?.kind === 'failed' && <p class="tm-error">{`${t('customersReadFailed')} ${reply.message}`}</p>}
      {results && (
        <>
          <p class="tm-muted">
            {t('abThrough')} {isoDay(results.through)}
            {results.through < test.startedDay + windowDays && ` (${t('abNotOver')})`}
            {results.otherCurrency > 0 && ` · ${formatCount(results.otherCurrency, language)} ${t('abOtherCurrency')}`}
            {results.gone > 0 && ` · ${formatCount(results.gone, language)} ${t('abGone')}`}
          </p>
          <table class="tm-ab-grid">
            <thead>
              <tr>
                <th scope="col">{t('abGroup')}</th>
                <th scope="col">{t('cohortsCustomers')}</th>
                <th scope="col">{t('abBought')}</th>
                <th scope="col">{t('abShare')}</th>
                <th scope="col">{t('abSpend')}</th>
                <th scope="col">{t('abSent')}</th>
              </tr>
            </thead>
            <tbody>
              {results.outcomes.map((group) => (
                <tr data-group={group.name} data-customers={group.customers} data-buyers={group.buyers}>
                  <th scope="row">
                    {group.name}
                    {group.holdout && ` (${t('abHoldoutShort')})`}
                  </th>
                  <td class="tm-num">{formatCount(group.customers, language)}</td>
                  <td class="tm-num">{formatCount(group.buyers, language)}</td>
                  <td class="tm-num">{group.customers > 0 ? formatShare(group.buyers / group.customers, language) : '—'}</td>
                  <td class="tm-num">{group.customers > 0 ? money(group.spendMinor / group.customers) : '—'}</td>
                  <td>
                    <input
                      type="text"
                      class="tm-ab-sent"
                      maxLength={SENT_MAX}
                      aria-label={`${t('abSent')}: ${group.name}`}
                      placeholder={group.holdout ? t('abSentHoldout') : t('abSentPlaceholder')}
                      value={test.groups.find((g) => g.name === group.name)?.sent ?? ''}
                      onChange={(e) => onSent(group.name, e.currentTarget.value)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ShareChart outcomes={results.outcomes} language={language} />
          <ul class="tm-ab-verdicts">
            {baseline &&
              results.outcomes
                .filter((group) => group !== baseline)
                .map((group) => {
                  const verdict = shareVerdict(group, baseline);
                  const spend = spendDifference(baseline, group);
                  return (
                    <li data-group={group.name}>
                      {verdict ? localised(verdict, language) : t('abNoVerdict')}
                      {spend && results.currency && (
                        <span class="tm-muted">
                          {' '}
                          {t('abSpendDifference')} {money(spend.difference)} (95% CI {money(spend.low)} – {money(spend.high)})
                        </span>
                      )}
                    </li>
                  );
                })}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * Each group's share who bought as a bar with its 95% interval as a whisker (normal approximation),
 * hand-drawn SVG like the KPIs' chart; the table above holds the same figures.
 */
function ShareChart({ outcomes, language }: { outcomes: GroupOutcome[]; language: Language }) {
  const shares = outcomes.map((group) => {
    if (group.customers === 0) return null;
    const share = group.buyers / group.customers;
    const half = 1.96 * Math.sqrt((share * (1 - share)) / group.customers);
    return { share, low: Math.max(0, share - half), high: Math.min(1, share + half) };
  });
  const top = Math.max(0.05, ...shares.map((s) => s?.high ?? 0));
  const [width, height, bar] = [80 * outcomes.length, 120, 40];
  const y = (share: number) => height - (share / top) * (height - 10);
  const label = outcomes.map((group, i) => `${group.name} ${shares[i] ? formatShare(shares[i]!.share, language) : '—'}`).join(', ');
  return (
    <svg class="tm-ab-chart" viewBox={`0 0 ${width} ${height + 18}`} width={width} role="img" aria-label={label}>
      {outcomes.map((group, i) => {
        const s = shares[i];
        const x = i * 80 + 20;
        return (
          <g data-group={group.name}>
            {s && (
              <>
                <title>{`${group.name}: ${formatShare(s.share, language)} (95% CI ${formatShare(s.low, language)} – ${formatShare(s.high, language)})`}</title>
                <rect x={x} y={y(s.share)} width={bar} height={height - y(s.share)} fill={group.holdout ? '#7b7d7d' : '#d4380d'} opacity={0.7} />
                <line x1={x + bar / 2} x2={x + bar / 2} y1={y(s.high)} y2={y(s.low)} stroke="currentColor" />
                <line x1={x + bar / 2 - 6} x2={x + bar / 2 + 6} y1={y(s.high)} y2={y(s.high)} stroke="currentColor" />
                <line x1={x + bar / 2 - 6} x2={x + bar / 2 + 6} y1={y(s.low)} y2={y(s.low)} stroke="currentColor" />
              </>
            )}
            <text x={x + bar / 2} y={height + 14} text-anchor="middle" font-size="11" fill="currentColor">
              {group.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
