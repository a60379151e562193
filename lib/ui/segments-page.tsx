import { useEffect, useState } from 'preact/hooks';
import { customerRowsAsOf, type CustomerRow } from '../db/customer-list';
import type { Database } from '../db/schema';
import { membersOf, segmentsOf, segmentsOfCounts, splitSegment, type Segment } from '../segments';
import { keptTally } from '../db/tallies';
import { shopSettings } from '../settings';
import { isoOfDay } from '../engine/outcome';
import { localDayNumber } from '../time';
import { downloadCsv, excelCsvInSlices, type CsvEncoding } from './csv-export';
import { EmptyShop, Pill, ReadingCustomers } from './parts';
import { formatCount, formatShare } from './format';
import { localised, translator, type Language } from './i18n';
import { minorDigits } from '../money';

/** A segment's customers as Excel opens them: one row each, money in the shop currency's major units. */
export function segmentCsv(rows: readonly CustomerRow[], language: Language, timeZone: string, group?: string, onProgress?: (share: number) => void): Promise<string> {
  const t = translator(language);
  const date = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short' });
  const header = [
    ...(group ? [t('csv.group')] : []),
    t('csv.buyer'), t('csv.names'), t('csv.emails'), t('csv.phones'), t('colTier'), t('colOrders'), t('colSpend'), t('colAov'), t('colLastOrder'), 'RFM', t('csv.churnRisk'),
  ];
  const number = (value: unknown) => (typeof value === 'number' ? value : '');
  return excelCsvInSlices(
    header,
    rows,
    (row) => [
      ...(group ? [group] : []),
      row.buyerId,
      row.names.join('; '),
      row.emails.join('; '),
      row.phones.join('; '),
      row.tier ? localised(row.tier.label, language) : '',
      row.orderCount,
      (row.monetaryMinor / 10 ** minorDigits(row.currency)).toFixed(minorDigits(row.currency)),
      number(row.facts.avgOrderValue),
      date.format(row.lastOrderAt),
      typeof row.facts.rfmCode === 'string' ? row.facts.rfmCode : '',
      number(row.facts.churnRisk),
    ],
    onProgress,
  );
}

const fileNameOf = (segment: Segment, language: Language) => localised(segment.label, language).replace(/[\\/:*?"<>|\s]+/g, '-');

/** The split of a segment; its members are read only when the groups are exported. */
function SplitForm({ segment, members, language, timeZone, encoding }: { segment: Segment; members(): Promise<CustomerRow[]>; language: Language; timeZone: string; encoding: CsvEncoding }) {
  const t = translator(language);
  // Two equal halves of up to 1,000 customers to start with, as the textbook's A/B test.
  const half = Math.floor(Math.min(segment.count, 1000) / 2);
  const [sizesText, setSizesText] = useState(`${half}, ${half}`);
  const [seed, setSeed] = useState(`tiermark-${isoOfDay(localDayNumber(Date.now(), timeZone))}`);
  const [done, setDone] = useState<number[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const exportGroups = async () => {
    const sizes = sizesText.split(/[\s,，;；]+/).filter(Boolean).map(Number);
    const asked = sizes.reduce((a, b) => a + b, 0);
    if (sizes.length < 2 || sizes.length > 26 || !sizes.every((n) => Number.isInteger(n) && n > 0)) return setProblem(t('splitSizesInvalid'));
    const list = await members();
    if (asked > list.length) return setProblem(`${t('splitTooMany')} ${formatCount(list.length, language)} / ${formatCount(asked, language)}`);
    setProblem(null);
    const split = splitSegment(list, { sample: asked, groups: sizes.length, seed, sizes });
    for (const [i, group] of split.entries()) {
      const name = String.fromCharCode(65 + i);
      downloadCsv(`${fileNameOf(segment, language)}-${name}.csv`, await segmentCsv(group, language, timeZone, name), encoding);
    }
    setDone(split.map((group) => group.length));
  };
  return (
    <div class="tm-split" data-segment={segment.ref}>
      <label>
        {t('splitSizes')} <input type="text" class="tm-split-sizes" value={sizesText} onInput={(e) => setSizesText(e.currentTarget.value)} />
      </label>
      <label>
        {t('splitSeed')} <input type="text" class="tm-split-seed" value={seed} onInput={(e) => setSeed(e.currentTarget.value)} />
      </label>
      <button type="button" class="tm-primary tm-split-export" onClick={() => void exportGroups()}>
        {t('splitExport')}
      </button>
      {problem && (
        <span class="tm-error tm-split-problem" role="alert">
          {problem}
        </span>
      )}
      {done && (
        <span class="tm-muted tm-split-done" role="status">
          {t('splitDone')}
          {done.map((n, i) => `${String.fromCharCode(65 + i)} ${formatCount(n, language)}`).join(' · ')}
        </span>
      )}
    </div>
  );
}

/** Every segment with its size; export one, or split it at random for an A/B test. */
export function SegmentsPage({ db, language, storeVersion, shop }: { db: Database; language: Language; storeVersion: string; shop: string | null }) {
  const t = translator(language);
  // The sizes the last rescore counted (a store not rescored since they are kept has them counted here).
  const [shown, setShown] = useState<{ segments: Segment[]; customers: number } | null>(null);
  const [reading, setReading] = useState(0);
  const [timeZone, setTimeZone] = useState('UTC');
  const [splitting, setSplitting] = useState<string | null>(null);
  const [encoding, setEncoding] = useState<CsvEncoding>('utf-8');
  useEffect(() => {
    let current = true;
    void (async () => {
      const tally = await keptTally(db, shop);
      const rows = tally ? null : await customerRowsAsOf(db, storeVersion, setReading, shop);
      if (!current) return;
      setShown(tally ? { segments: segmentsOfCounts(tally.segments), customers: tally.customers } : { segments: segmentsOf(rows!), customers: rows!.length });
    })();
    void shopSettings.getValue().then((settings) => setTimeZone(settings.timeZone));
    return () => {
      current = false;
    };
  }, [db, storeVersion, shop]);
  // A segment's customers, read when they are exported or split (the read is shared, and kept until the store changes).
  const membersOfSegment = async (segment: Segment, onProgress?: (share: number) => void) => membersOf(await customerRowsAsOf(db, storeVersion, onProgress, shop), segment);
  // An export under way: the customers read, then written a slice at a time, with its progress, so the page keeps responding.
  const [exporting, setExporting] = useState<{ ref: string; share: number } | null>(null);
  const exportSegment = async (segment: Segment) => {
    const progress = (from: number) => (share: number) => setExporting({ ref: segment.ref, share: from + share / 2 });
    setExporting({ ref: segment.ref, share: 0 });
    try {
      const members = await membersOfSegment(segment, progress(0));
      const csv = await segmentCsv(members, language, timeZone, undefined, progress(0.5));
      downloadCsv(`${fileNameOf(segment, language)}.csv`, csv, encoding);
    } finally {
      setExporting(null);
    }
  };

  if (!shown) return <ReadingCustomers share={reading} language={language} />;
  const { segments, customers } = shown;
  return (
    <section class="tm-page" aria-labelledby="segments-title">
      <h1 id="segments-title">{t('segmentsTitle')}</h1>
      <p class="tm-muted">{t('segmentsIntro')}</p>
      <label class="tm-toolbar">
        {t('csvEncoding')}{' '}
        <select id="tm-csv-encoding" value={encoding} onChange={(e) => setEncoding(e.currentTarget.value as CsvEncoding)}>
          <option value="utf-8">{t('csvEncoding.utf-8')}</option>
          <option value="gbk">{t('csvEncoding.gbk')}</option>
        </select>
      </label>
      {segments.length === 0 ? (
        <EmptyShop language={language} />
      ) : (
        <table class="tm-table tm-segments">
          <thead>
            <tr>
              <th>{t('segment.tier')} / {t('segment.badge')} / {t('segment.treatment')}</th>
              <th class="tm-num">{t('segmentCustomers')}</th>
              <th class="tm-num">{t('segmentShare')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {segments.map((segment) => {
              return (
                <>
                  <tr class="tm-segment" data-segment={segment.ref} data-kind={segment.kind}>
                    <td>
                      <span class="tm-rule-kind">{t(`segment.${segment.kind}`)}</span>{' '}
                      {segment.colour ? <Pill label={localised(segment.label, language)} colour={segment.colour} outline={segment.kind !== 'tier'} /> : localised(segment.label, language)}
                    </td>
                    <td class="tm-num tm-segment-count">{formatCount(segment.count, language)}</td>
                    <td class="tm-num">{formatShare(segment.count / customers, language)}</td>
                    <td>
                      {exporting?.ref === segment.ref ? (
                        <progress class="tm-segment-progress" max={1} value={exporting.share} aria-label={t('segmentExport')} />
                      ) : (
                        <button type="button" class="tm-link tm-segment-export" disabled={exporting !== null} onClick={() => void exportSegment(segment)}>
                          {t('segmentExport')}
                        </button>
                      )}{' '}
                      <button type="button" class="tm-link tm-segment-split" aria-expanded={splitting === segment.ref} onClick={() => setSplitting(splitting === segment.ref ? null : segment.ref)}>
                        {t('segmentSplit')}
                      </button>
                    </td>
                  </tr>
                  {splitting === segment.ref && (
                    <tr>
                      <td colSpan={4}>
                        <SplitForm segment={segment} members={() => membersOfSegment(segment)} language={language} timeZone={timeZone} encoding={encoding} />
                      </td>
                    </tr>
                  )}
                </>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
