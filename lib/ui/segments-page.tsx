import { useEffect, useState } from 'preact/hooks';
import { customerRowsAsOf } from '../db/customer-list';
import type { Database } from '../db/schema';
import { segmentsOf, segmentsOfCounts, type Segment } from '../segments';
import { keptTally } from '../db/tallies';
import { shopSettings } from '../settings';
import { isoDay, localDayNumber } from '../time';
import { downloadBlob, type CsvEncoding } from './csv-export';
import { customerQueries } from './customer-queries';
import { AbTestsCard } from './ab-tests-card';
import type { SegmentReply } from './segment-export';
import { EmptyShop, Pill, ReadingCustomers } from './parts';
import { formatCount, formatShare } from './format';
import { localised, translator, type Language } from './i18n';

const fileNameOf = (segment: Segment, language: Language) => localised(segment.label, language).replace(/[\\/:*?"<>|\s]+/g, '-');

/** What an export tells the seller: why there is no file, or who is not in it yet. */
type ExportMessage = { kind: 'problem' | 'notice'; text: string } | null;

/** Downloads an export's files, and says why there are none or whom they leave out. */
function saveFiles(segment: Segment, reply: SegmentReply, language: Language): ExportMessage {
  const t = translator(language);
  if (reply.kind === 'missing') return { kind: 'problem', text: t('customersTableMissing') };
  if (reply.kind === 'failed') return { kind: 'problem', text: `${t('customersReadFailed')} ${reply.message}` };
  for (const file of reply.files ?? []) downloadBlob(`${fileNameOf(segment, language)}${file.group ? `-${file.group}` : ''}.csv`, file.blob);
  const notices = [
    ...(reply.notListed > 0 ? [`${formatCount(reply.notListed, language)} ${t('segmentNotListed')}`] : []),
    ...(reply.doNotContact > 0 ? [`${formatCount(reply.doNotContact, language)} ${t('segmentDoNotContact')}`] : []),
  ];
  return notices.length > 0 ? { kind: 'notice', text: notices.join(' ') } : null;
}

/** An export's message: `name` gives its class (`name-problem`, `name-notice`). */
function ExportLine({ message, name }: { message: ExportMessage; name: string }) {
  if (!message) return null;
  return message.kind === 'problem' ? (
    <span class={`tm-error ${name}-problem`} role="alert">
      {message.text}
    </span>
  ) : (
    <span class={`tm-notice ${name}-notice`} role="status">
      {message.text}
    </span>
  );
}

/** The split of a segment: the query worker reads its members and writes the groups' files. */
function SplitForm({ segment, split, language, timeZone }: { segment: Segment; split(sizes: number[], seed: string, test?: { name: string; holdout: boolean }): Promise<SegmentReply>; language: Language; timeZone: string }) {
  const t = translator(language);
  // Two equal halves of up to 1,000 customers to start with, as the textbook's A/B test.
  const half = Math.floor(Math.min(segment.count, 1000) / 2);
  const [sizesText, setSizesText] = useState(`${half}, ${half}`);
  const [seed, setSeed] = useState(`tiermark-${isoDay(localDayNumber(Date.now(), timeZone))}`);
  const [done, setDone] = useState<number[] | null>(null);
  const [testName, setTestName] = useState('');
  const [holdout, setHoldout] = useState(false);
  const [message, setMessage] = useState<ExportMessage>(null);
  const problem = (text: string) => setMessage({ kind: 'problem', text });
  const exportGroups = async () => {
    const sizes = sizesText.split(/[\s,，;；]+/).filter(Boolean).map(Number);
    const asked = sizes.reduce((a, b) => a + b, 0);
    if (sizes.length < 2 || sizes.length > 26 || !sizes.every((n) => Number.isInteger(n) && n > 0)) return problem(t('splitSizesInvalid'));
    const reply = await split(sizes, seed, testName.trim() ? { name: testName.trim(), holdout } : undefined);
    if (reply.kind === 'files' && !reply.files) return problem(`${t('splitTooMany')} ${formatCount(reply.members, language)} / ${formatCount(asked, language)}`);
    setMessage(saveFiles(segment, reply, language));
    if (reply.kind === 'files' && reply.files) setDone(reply.files.map((file) => file.customers));
  };
  return (
    <div class="tm-split" data-segment={segment.ref}>
      <label>
        {t('splitSizes')} <input type="text" class="tm-split-sizes" value={sizesText} onInput={(e) => setSizesText(e.currentTarget.value)} />
      </label>
      <label>
        {t('splitSeed')} <input type="text" class="tm-split-seed" value={seed} onInput={(e) => setSeed(e.currentTarget.value)} />
      </label>
      <label>
        {t('abSaveAs')} <input type="text" class="tm-split-test-name" placeholder={t('abNamePlaceholder')} value={testName} onInput={(e) => setTestName(e.currentTarget.value)} />
      </label>
      <label>
        <input type="checkbox" class="tm-split-holdout" checked={holdout} onChange={(e) => setHoldout(e.currentTarget.checked)} /> {t('abHoldout')}
      </label>
      <button type="button" class="tm-primary tm-split-export" onClick={() => void exportGroups()}>
        {t('splitExport')}
      </button>
      <ExportLine message={message} name="tm-split" />
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
  const [anonymous, setAnonymous] = useState(false);
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
  // An export under way: the query worker reads the segment's customers from the customer table and writes the file, with its progress.
  const [exporting, setExporting] = useState<{ ref: string; share: number } | null>(null);
  const [exportMessage, setExportMessage] = useState<ExportMessage>(null);
  // A split saved as a test shows up in the A/B tests below.
  const [testsSaved, setTestsSaved] = useState(0);
  const segmentFilesOf = async (segment: Segment, split?: { sizes: number[]; seed: string }, progress?: (share: number) => void, test?: { name: string; holdout: boolean }) => {
    const reply = await customerQueries().exportSegment({ storeVersion, segment: { kind: segment.kind, ref: segment.ref }, label: segment.label, shop, files: { language, timeZone, encoding, split, anonymous, test } }, progress);
    if (reply.kind === 'files' && reply.testId) setTestsSaved((n) => n + 1);
    return reply;
  };
  const exportSegment = async (segment: Segment) => {
    setExporting({ ref: segment.ref, share: 0 });
    try {
      setExportMessage(saveFiles(segment, await segmentFilesOf(segment, undefined, (share) => setExporting({ ref: segment.ref, share })), language));
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
      <label class="tm-toolbar">
        <input type="checkbox" id="tm-csv-anonymous" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} /> {t('csvAnonymous')}
      </label>
      {exportMessage && (
        <p>
          <ExportLine message={exportMessage} name="tm-segment-export" />
        </p>
      )}
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
                        <SplitForm segment={segment} split={(sizes, seed, test) => segmentFilesOf(segment, { sizes, seed }, undefined, test)} language={language} timeZone={timeZone} />
                      </td>
                    </tr>
                  )}
                </>
              );
            })}
          </tbody>
        </table>
      )}
      <AbTestsCard db={db} language={language} storeVersion={storeVersion} saved={testsSaved} />
    </section>
  );
}
