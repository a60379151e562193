import { useEffect, useState } from 'preact/hooks';
import type { ForecastReply } from '../db/customer-table';
import type { Database } from '../db/schema';
import { forecastsToCheck, type ForecastRecord, type ForecastTally } from '../forecast';
import { isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { formatCount } from './format';
import { translator, type Language } from './i18n';

const tallyOf = (entry: ForecastRecord['entries'][number], shop: string | null): ForecastTally | undefined => (shop === null ? entry.all : entry.byShop[shop]);
const rounded = (n: number, language: Language) => new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(n);

/**
 * The forecast of purchases by the shop's customers for the next 30 and 90 days (BG/NBD, as of the
 * last rescore), and each earlier forecast against what happened after it.
 */
export function ForecastCard({ db, language, storeVersion, shop }: { db: Database; language: Language; storeVersion: string; shop: string | null }) {
  const t = translator(language);
  const [record, setRecord] = useState<ForecastRecord | null>(null);
  const [reply, setReply] = useState<ForecastReply | null>(null);
  useEffect(() => {
    let current = true;
    void (async () => {
      const read = ((await db.get('meta', 'forecasts')) as ForecastRecord | undefined) ?? { id: 'forecasts', entries: [] };
      if (!current) return;
      setRecord(read);
      const latest = read.entries.at(-1);
      if (!latest) return;
      const days = forecastsToCheck(read.entries, latest.asOfDay).map((entry) => entry.asOfDay);
      if (days.length === 0) return;
      const answer = await customerQueries().forecast({ storeVersion, shop, days });
      if (current) setReply(answer);
    })();
    return () => {
      current = false;
    };
  }, [db, storeVersion, shop]);
  const latest = record?.entries.at(-1);
  const now = latest && tallyOf(latest, shop);
  if (!record || !latest) return null;
  const actuals = reply?.kind === 'forecast' ? reply : null;
  const past = forecastsToCheck(record.entries, latest.asOfDay);
  return (
    <div class="tm-card tm-forecast">
      <h2>{t('forecastTitle')}</h2>
      {now && now.customers > 0 ? (
        <p id="tm-forecast-next" data-expected30={now.expected30} data-expected90={now.expected90}>
          {t('forecastNext30')} <strong>{rounded(now.expected30, language)}</strong> · {t('forecastNext90')} <strong>{rounded(now.expected90, language)}</strong>{' '}
          <span class="tm-muted">
            ({formatCount(now.customers, language)} {t('forecastCustomers')} {isoDay(latest.asOfDay)})
          </span>
        </p>
      ) : (
        <p class="tm-muted">{t('forecastNone')}</p>
      )}
      <p class="tm-muted">{t('forecastHint')}</p>
      {past.length > 0 && (
        <table class="tm-ab-grid tm-forecast-past">
          <thead>
            <tr>
              <th scope="col">{t('forecastMadeOn')}</th>
              <th scope="col">{t('forecastExpected30')}</th>
              <th scope="col">{t('forecastActual30')}</th>
              <th scope="col">{t('forecastExpected90')}</th>
              <th scope="col">{t('forecastActual90')}</th>
            </tr>
          </thead>
          <tbody>
            {past.map((entry) => {
              const tally = tallyOf(entry, shop);
              const actual = actuals?.actuals.find((a) => a.day === entry.asOfDay);
              const asOf = actuals?.asOfDay ?? latest.asOfDay;
              const shown = (n: number | undefined, horizon: number) => (n === undefined ? '…' : `${formatCount(n, language)}${entry.asOfDay + horizon > asOf ? ` (${t('forecastSoFar')})` : ''}`);
              return (
                <tr data-day={isoDay(entry.asOfDay)}>
                  <th scope="row">{isoDay(entry.asOfDay)}</th>
                  <td class="tm-num">{tally ? rounded(tally.expected30, language) : '—'}</td>
                  <td class="tm-num">{shown(actual?.within30, 30)}</td>
                  <td class="tm-num">{tally ? rounded(tally.expected90, language) : '—'}</td>
                  <td class="tm-num">{shown(actual?.within90, 90)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
