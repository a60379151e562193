import { idOfKey, nextShopId, PLATFORM_NAMES, shopLabel, type Shop } from '../shops';
import { clashesInPreview, shopOfKnownOrders, type PreviewClashes } from '../db/clashes';
import type { Database } from '../db/schema';
import type { Platform } from '../model';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formats, formatIds } from '../../plugins/formats';
import { MAPPABLE_FIELDS, type ColumnMapping, type FormatId } from '../formats';
import type { ImportProgress } from '../db/importer';
import type { ImportRecord } from '../db/ledger';
import { previewBytes, PREVIEW_BYTES, type Preview } from '../import/preview';
import { CHOOSABLE_ENCODINGS } from '../import/encoding';

/** The encodings a seller can choose, by the names their editors and Excel give them. */
const ENCODING_NAMES: Record<(typeof CHOOSABLE_ENCODINGS)[number], string> = {
  'utf-8': 'UTF-8',
  gb18030: 'GBK / GB18030',
  big5: 'Big5',
  shift_jis: 'Shift_JIS',
  'windows-1252': 'Windows-1252 (Western)',
};
import { startImport, type RunningImport } from '../import/run';
import type { StreamSettings } from '../import/stream';
import { downloadCsv, toExcelCsv } from './csv-export';
import { formatCount, formatDuration, formatInstant, formatMoney, formatShop } from './format';
import { localised, translator, type Language, type MessageId } from './i18n';
import { sellerText, textIn, type Localised } from '../localised';

interface Picked {
  id: number;
  file: File;
  settings: StreamSettings;
  preview: Preview | null;
  /** Of the preview's orders, those the chosen shop already has for other buyers. */
  clashes?: PreviewClashes;
}

interface Running {
  fileName: string;
  startedAt: number;
  progress: ImportProgress | null;
  handle: RunningImport;
}

export interface ImportPageProps {
  db: Database;
  language: Language;
  ledger: ImportRecord[];
  shops: Shop[];
  /** After each file, with its record: the background rescores if it changed the store. */
  onImported(importId: string): void;
}

let pickCount = 0;

export function ImportPage({ db, language, ledger, shops, onImported }: ImportPageProps) {
  const t = translator(language);
  const [picked, setPicked] = useState<Picked[]>([]);
  const [running, setRunning] = useState<Running | null>(null);
  const [results, setResults] = useState<ImportRecord[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function refreshPreview(item: Picked): Promise<void> {
    const head = new Uint8Array(await item.file.slice(0, PREVIEW_BYTES).arrayBuffer());
    const preview = await previewBytes(head, item.file.size, { ...item.settings, shops });
    // A re-export of orders a shop already has goes to that shop, unless the seller chose one.
    const platform = preview.ok ? formats[preview.report.format].platform : null;
    const known = preview.ok && !item.settings.shop ? await shopOfKnownOrders(db, preview.orders) : null;
    const detected = known && shops.find((shop) => shop.id === known.shop && shop.platform === platform);
    if (detected && detected.id !== platform) {
      updateSettings(item, { ...item.settings, shop: detected, shopDetected: true });
      return;
    }
    const clashes = preview.ok ? await clashesInPreview(db, preview.orders) : undefined;
    setPicked((list) => list.map((p) => (p.id === item.id ? { ...item, preview, clashes } : p)));
  }

  function addFiles(files: FileList | null): void {
    if (!files) return;
    const added = [...files].map((file) => ({ id: (pickCount += 1), file, settings: {}, preview: null }));
    setPicked((list) => [...list, ...added]);
    for (const item of added) void refreshPreview(item);
  }

  function updateSettings(item: Picked, settings: StreamSettings): void {
    // Another format may be another platform's: its shop is chosen again.
    if (settings.format !== item.settings.format) settings = { ...settings, shop: undefined };
    const next = { ...item, settings, preview: null };
    setPicked((list) => list.map((p) => (p.id === item.id ? next : p)));
    void refreshPreview(next);
  }

  async function importAll(): Promise<void> {
    const queue = picked.filter((item) => item.preview?.ok);
    // A file the preview refused stays in the list, and the results say it was left out and why.
    const done: ImportRecord[] = picked.flatMap((item) => (item.preview && !item.preview.ok ? [skippedRecord(item.file, item.preview.error)] : []));
    for (const item of queue) {
      const handle = startImport(item.file, item.settings, (progress) =>
        setRunning((r) => (r && r.handle === handle ? { ...r, progress } : r)),
      );
      setRunning({ fileName: item.file.name, startedAt: performance.now(), progress: null, handle });
      try {
        done.push(await handle.result);
      } catch (error) {
        done.push(failedRecord(item.file, error));
      }
      setPicked((list) => list.filter((p) => p.id !== item.id));
      onImported(done.at(-1)!.id);
    }
    setRunning(null);
    setResults(done);
  }

  return (
    <section class="tm-page" aria-labelledby="import-title">
      <h1 id="import-title">{t('importTitle')}</h1>
      <p class="tm-muted">{t('importIntro')}</p>
      <div
        class={`tm-drop${dragging ? ' tm-drop-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          addFiles(event.dataTransfer?.files ?? null);
        }}
      >
        {t('dropHere')}{' '}
        <button type="button" class="tm-link" onClick={() => input.current?.click()}>
          {t('chooseFiles')}
        </button>
        <input
          ref={input}
          id="tm-file-input"
          type="file"
          multiple
          accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
          aria-label={t('chooseFiles')}
          hidden
          onChange={(event) => {
            addFiles(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
      </div>

      {picked.map((item) => (
        <FileCard
          key={item.id}
          item={item}
          language={language}
          disabled={running !== null}
          shops={shops}
          newShops={picked.flatMap((p) => (p.id !== item.id && p.settings.shop ? [p.settings.shop] : []))}
          onSettings={(settings) => updateSettings(item, settings)}
          onRemove={() => setPicked((list) => list.filter((p) => p.id !== item.id))}
        />
      ))}
      {picked.length > 0 && !running && (
        <button
          type="button"
          class="tm-primary"
          id="tm-import-start"
          disabled={!picked.some((p) => p.preview?.ok) || picked.some((p) => p.preview === null)}
          onClick={() => void importAll()}
        >
          {picked.length > 1 ? t('importAll') : t('importButton')}
        </button>
      )}
      {running && <ProgressView running={running} language={language} />}
      {results.map((record) => (
        <ResultView key={record.id} record={record} language={language} shops={shops} />
      ))}
      <Ledger ledger={ledger} language={language} />
    </section>
  );
}

function failedRecord(file: File, error: unknown, status: 'failed' | 'skipped' = 'failed'): ImportRecord {
  const now = Date.now();
  return {
    id: `${status}-${now}-${file.name}`, fileName: file.name, fileSize: file.size, hash: '', status, format: null, encoding: null,
    startedAt: now, updatedAt: now, finishedAt: now, rowsRead: 0, rowsImported: 0, rowsRejected: 0, orders: 0,
    ordersAdded: 0, ordersUpdated: 0, customersTouched: 0, rejections: [], warnings: [], timings: {},
    error: sellerText(error),
  };
}

function skippedRecord(file: File, why: Localised): ImportRecord {
  return failedRecord(file, why, 'skipped');
}

function FileCard(props: {
  item: Picked;
  language: Language;
  disabled: boolean;
  shops: Shop[];
  /** Shops other files of the batch go to, new ones among them. */
  newShops: Shop[];
  onSettings(s: StreamSettings): void;
  onRemove(): void;
}) {
  const { item, language, disabled, onSettings, onRemove } = props;
  const t = translator(language);
  const preview = item.preview;
  const format = preview?.ok ? preview.report.format : null;
  return (
    <article class="tm-card tm-file" data-file={item.file.name}>
      <header class="tm-file-head">
        <strong>{item.file.name}</strong>
        <span class="tm-muted">{formatCount(item.file.size, language)} B</span>
        <label>
          {t('format')}{' '}
          <select
            disabled={disabled}
            value={item.settings.format ?? 'auto'}
            onChange={(e) => onSettings({ ...item.settings, format: e.currentTarget.value as FormatId | 'auto' })}
          >
            <option value="auto">{t('formatAuto')}</option>
            {formatIds.map((id) => (
              <option value={id}>{localised(formats[id].title, language)}</option>
            ))}
          </select>
        </label>
        <button type="button" class="tm-link" disabled={disabled} onClick={onRemove}>
          {t('remove')}
        </button>
      </header>
      {preview === null && <p class="tm-muted">…</p>}
      {preview && !preview.ok && (
        <p class="tm-error" role="alert">
          {preview.error[language]}
        </p>
      )}
      {preview && !preview.ok && preview.columns?.format === 'generic' && (
        <MappingEditor
          columns={preview.columns.columns}
          mapping={preview.columns.mapping}
          settings={item.settings}
          language={language}
          onSettings={(settings) => onSettings({ ...settings, format: 'generic' })}
        />
      )}
      {preview?.ok && (
        <>
          <dl class="tm-facts">
            <dt>{t('detected')}</dt>
            <dd class="tm-detected-format">{localised(preview.report.formatTitle, language)}</dd>
            <dt>{t('encoding')}</dt>
            <dd>
              <span class="tm-detected-encoding">{preview.encoding.encoding.toUpperCase()}{preview.encoding.bom ? ' (BOM)' : ''}</span>{' '}
              <select
                class="tm-encoding-choice"
                aria-label={t('encodingChoose')}
                disabled={disabled}
                value={item.settings.encoding ?? 'auto'}
                onChange={(e) => onSettings({ ...item.settings, encoding: e.currentTarget.value as StreamSettings['encoding'] })}
              >
                <option value="auto">{t('encodingAuto')}</option>
                {CHOOSABLE_ENCODINGS.map((encoding) => (
                  <option value={encoding}>{ENCODING_NAMES[encoding]}</option>
                ))}
              </select>
            </dd>
            <dt>{t('shop')}</dt>
            <dd>
              <ShopChoice platform={formats[preview.report.format].platform} settings={item.settings} shops={props.shops} newShops={props.newShops} disabled={disabled} language={language} onSettings={onSettings} />
              {item.settings.shopDetected && <span class="tm-muted tm-shop-detected"> {t('shopDetected')}</span>}
            </dd>
            <dt>{t('delimiter')}</dt>
            <dd>{preview.delimiter === '\t' ? 'Tab' : preview.delimiter}</dd>
            <dt>{t('timeZone')}</dt>
            <dd>{preview.report.timeZone}</dd>
            <dt>{t('decimalMark')}</dt>
            <dd class="tm-detected-numbers">
              {preview.report.decimalMarks.length === 0
                ? t('decimalMarkNone')
                : preview.report.decimalMarks.map((m) => `${m.column}: "${m.mark}" (${t('row')} ${m.row}: ${m.example})`).join('; ')}
            </dd>
          </dl>
          {item.clashes && item.clashes.orders > 0 && <ClashWarning clashes={item.clashes} language={language} />}
          {preview.report.warnings.map((w) => (
            <p class="tm-warning">{localised(w, language)}</p>
          ))}
          {format === 'generic' && (
            <MappingEditor
              columns={preview.report.columns}
              mapping={preview.report.mapping}
              settings={item.settings}
              language={language}
              onSettings={(settings) => onSettings({ ...settings, format: 'generic' })}
            />
          )}
          <h3>{t('previewOf')}</h3>
          {preview.firstRowTooLong && <p class="tm-warning">{t('firstRowTooLong')}</p>}
          {preview.partial && !preview.firstRowTooLong && <p class="tm-muted">{t('partialPreview')}</p>}
          <table class="tm-table tm-preview">
            <thead>
              <tr>
                <th>{t('orderId')}</th>
                <th>{t('buyer')}</th>
                <th>{t('date')}</th>
                <th>{t('status')}</th>
                <th class="tm-num">{t('total')}</th>
                <th class="tm-num">{t('refunded')}</th>
                <th>{t('items')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.orders.map((order) => (
                <tr>
                  <td>{order.orderId}</td>
                  <td>{order.customerKey ? idOfKey(order.customerKey) : t('noBuyer')}</td>
                  <td>{formatInstant(order.createdAt, language, preview.report.timeZone)}</td>
                  <td>{order.isReturn ? t('refunded') : t(`order.${order.status}`)}</td>
                  <td class="tm-num">{formatMoney(order.totalMinor, order.currency, language)}</td>
                  <td class="tm-num">{order.refundedMinor ? formatMoney(order.refundedMinor, order.currency, language) : ''}</td>
                  <td>{order.items.map((i) => `${i.title} ×${i.quantity}`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.report.rejections.length > 0 && <Rejections rows={preview.report.rejections.slice(0, 5)} language={language} />}
        </>
      )}
    </article>
  );
}

/** The shop a file goes to: one of the platform's shops, or a new one the seller names. */
function ShopChoice(props: { platform: Platform; settings: StreamSettings; shops: Shop[]; newShops: Shop[]; disabled: boolean; language: Language; onSettings(s: StreamSettings): void }) {
  const { platform, settings, disabled, language, onSettings } = props;
  const t = translator(language);
  const title = PLATFORM_NAMES[platform][language];
  const stored = props.shops.filter((shop) => shop.platform === platform);
  // Before the first import, the platform's first shop is a choice too.
  const listed = stored.length > 0 ? stored : [{ id: platform, name: '', platform, createdAt: 0 }];
  const chosen = settings.shop ?? listed[0]!;
  const isNew = !listed.some((shop) => shop.id === chosen.id);
  const choose = (id: string) => {
    if (id !== 'new') return onSettings({ ...settings, shop: stored.find((shop) => shop.id === id) });
    const shopId = nextShopId(platform, [...props.shops, ...listed, ...props.newShops]);
    onSettings({ ...settings, shop: { id: shopId, name: `${title} ${shopId.slice(platform.length + 1) || ''}`.trim(), platform, createdAt: Date.now() } });
  };
  return (
    <>
      <select class="tm-shop-choice" aria-label={t('shopChoose')} disabled={disabled} value={isNew ? 'new' : chosen.id} onChange={(e) => choose(e.currentTarget.value)}>
        {listed.map((shop) => (
          <option value={shop.id}>{shopLabel(shop, language)}</option>
        ))}
        <option value="new">{t('shopNew')}</option>
      </select>
      {formats[platform].cashOnDelivery && (
        <label class="tm-cod">
          {' '}
          <input
            type="checkbox"
            class="tm-cod-choice"
            disabled={disabled}
            checked={settings.cashOnDelivery ?? chosen.cashOnDelivery ?? true}
            onChange={(e) => onSettings({ ...settings, cashOnDelivery: e.currentTarget.checked })}
          />{' '}
          {t('cashOnDelivery')} <span class="tm-muted">({localised(formats[platform].cashOnDelivery!, language)})</span>
        </label>
      )}
      {isNew && (
        <>
          {' '}
          <ShopName key={chosen.id} name={chosen.name} label={t('shopName')} disabled={disabled} onName={(name) => onSettings({ ...settings, shop: { ...chosen, name } })} />
        </>
      )}
    </>
  );
}

/**
 * A new shop's name as the seller types it, kept here until it is committed (Enter, or leaving the
 * field): the file's card re-renders meanwhile (its preview checks the new shop), and an input
 * bound to the settings alone was set back to the suggested name under the seller's typing.
 */
function ShopName(props: { name: string; label: string; disabled: boolean; onName(name: string): void }) {
  const [typed, setTyped] = useState(props.name);
  return (
    <input
      class="tm-shop-name"
      aria-label={props.label}
      disabled={props.disabled}
      value={typed}
      onInput={(e) => setTyped(e.currentTarget.value)}
      onChange={(e) => {
        const name = e.currentTarget.value.trim() || props.name;
        setTyped(name);
        props.onName(name);
      }}
    />
  );
}

function ClashWarning({ clashes, language }: { clashes: PreviewClashes; language: Language }) {
  const example = clashes.example!;
  const incoming = example.incoming ?? (language === 'en' ? 'no buyer' : '无买家');
  return (
    <p class="tm-warning tm-shop-clash" role="alert">
      {language === 'en'
        ? `${clashes.orders} of the first ${clashes.of} orders have order numbers this shop already has for other buyers (${example.orderId}: ${example.stored} in the shop, ${incoming} in this file). If this file is from another shop, choose "${translator(language)('shopNew')}" above: otherwise they will not be imported.`
        : `前 ${clashes.of} 个订单中有 ${clashes.orders} 个的订单号在本店铺中已属于其他买家（${example.orderId}：店铺中为 ${example.stored}，此文件中为 ${incoming}）。如果此文件来自另一个店铺，请在上方选择"${translator(language)('shopNew')}"；否则这些订单不会导入。`}
    </p>
  );
}

const DELIMITERS: ReadonlyArray<[NonNullable<StreamSettings['delimiter']>, MessageId]> = [
  ['auto', 'delimiterAuto'],
  [',', 'delimiterComma'],
  ['\t', 'delimiterTab'],
  [';', 'delimiterSemicolon'],
  ['|', 'delimiterPipe'],
  ['whitespace', 'delimiterWhitespace'],
];

/** For `generic`: which column is which, how cells are separated, whether there is a header, and the date pattern. */
function MappingEditor(props: { columns: string[]; mapping: ColumnMapping; settings: StreamSettings; language: Language; onSettings(s: StreamSettings): void }) {
  const { columns, mapping, settings, language, onSettings } = props;
  const t = translator(language);
  const [pattern, setPattern] = useState(settings.dateFormat ?? '');
  const hasHeader = settings.hasHeader ?? true;
  return (
    <fieldset class="tm-mapping">
      <legend>{t('mapping')}</legend>
      <p class="tm-muted">{t('mappingHelp')}</p>
      <div class="tm-mapping-grid">
        <label>
          <span>{t('delimiter')}</span>
          <select
            name="delimiter"
            value={settings.delimiter ?? 'auto'}
            onChange={(e) => onSettings({ ...settings, delimiter: e.currentTarget.value as StreamSettings['delimiter'], mapping: undefined })}
          >
            {DELIMITERS.map(([value, label]) => (
              <option value={value}>{t(label)}</option>
            ))}
          </select>
        </label>
        <label class="tm-check">
          <input
            type="checkbox"
            name="has-header"
            checked={hasHeader}
            // Column names change meaning (header words or positions), so the mapping starts over.
            onChange={(e) => onSettings({ ...settings, hasHeader: e.currentTarget.checked, mapping: undefined })}
          />
          <span>{t('firstRowIsHeader')}</span>
        </label>
        {MAPPABLE_FIELDS.map((field) => (
          <label>
            <span>{t(`field.${field}`)}</span>
            <select
              name={`map-${field}`}
              value={mapping[field] ?? ''}
              onChange={(e) => {
                const next = { ...mapping };
                if (e.currentTarget.value) next[field] = e.currentTarget.value;
                else delete next[field];
                onSettings({ ...settings, mapping: next });
              }}
            >
              <option value="">{t('notMapped')}</option>
              {columns.map((column, i) => (
                <option value={column}>{hasHeader ? column : `${t('columnNumber')} ${i + 1}`}</option>
              ))}
            </select>
          </label>
        ))}
        <label>
          <span>{t('dateFormat')}</span>
          <input
            type="text"
            name="date-format"
            value={pattern}
            placeholder={t('dateFormatHelp')}
            onInput={(e) => setPattern(e.currentTarget.value)}
            onChange={() => onSettings({ ...settings, mapping, dateFormat: pattern.trim() || undefined })}
          />
        </label>
      </div>
    </fieldset>
  );
}

function ProgressView({ running, language }: { running: Running; language: Language }) {
  const t = translator(language);
  const { progress } = running;
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const seconds = (now - running.startedAt) / 1000;
  let fraction = 0;
  let label: string = t('hashing');
  let detail = '';
  if (progress?.phase === 'reading') {
    fraction = progress.bytesTotal ? progress.bytesRead / progress.bytesTotal : 0;
    const rate = progress.rowsRead / Math.max(seconds, 0.001);
    const remaining = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Infinity;
    label = t('reading');
    detail = `${formatCount(progress.rowsRead, language)} · ${formatCount(Math.round(rate), language)} ${t('rowsPerSecond')} · ${formatDuration(remaining, language)} ${t('eta')}`;
  } else if (progress) {
    fraction = progress.total ? progress.done / progress.total : 1;
    label = progress.phase === 'saving' ? t('saving') : t('rebuilding');
    detail = `${formatCount(progress.done, language)} / ${formatCount(progress.total, language)}`;
  }
  return (
    <div class="tm-card tm-progress" aria-live="polite">
      <div class="tm-progress-head">
        <strong>{running.fileName}</strong> — {label}
        <button type="button" onClick={() => running.handle.cancel()}>
          {t('cancel')}
        </button>
      </div>
      <progress max={1} value={fraction} aria-label={label} />
      <div class="tm-muted">{detail}</div>
    </div>
  );
}

function downloadRejections(record: ImportRecord, language: Language): void {
  const t = translator(language);
  const rows = record.rejections.map((r) => [r.row, textIn(r.reason, language)]);
  downloadCsv(`${record.fileName.replace(/\.[^.]+$/, '')}-rejected-rows.csv`, toExcelCsv([t('row'), t('reason')], rows));
}

function ResultView({ record, language, shops }: { record: ImportRecord; language: Language; shops: Shop[] }) {
  const t = translator(language);
  const readAs = record.readAs;
  return (
    <article class={`tm-card tm-result tm-status-${record.status}`} data-file={record.fileName}>
      <h3>
        {record.fileName}: {t(`status.${record.status}`)}
      </h3>
      {record.error && (
        <p class="tm-error" role="alert">
          {textIn(record.error, language)}
        </p>
      )}
      {record.status === 'complete' && (
        <dl class="tm-facts tm-summary">
          <dt>{t('rowsRead')}</dt>
          <dd data-fact="rowsRead">{formatCount(record.rowsRead, language)}</dd>
          <dt>{t('rowsImported')}</dt>
          <dd data-fact="rowsImported">{formatCount(record.rowsImported, language)}</dd>
          <dt>{t('rowsRejected')}</dt>
          <dd data-fact="rowsRejected">{formatCount(record.rowsRejected, language)}</dd>
          <dt>{t('duplicateRows')}</dt>
          <dd data-fact="duplicateRows">{formatCount(record.duplicateRows ?? 0, language)}</dd>
          <dt>{t('ordersRead')}</dt>
          <dd data-fact="orders">{formatCount(record.orders, language)}</dd>
          <dt>{t('ordersAdded')}</dt>
          <dd data-fact="ordersAdded">{formatCount(record.ordersAdded, language)}</dd>
          <dt>{t('ordersUpdated')}</dt>
          <dd data-fact="ordersUpdated">{formatCount(record.ordersUpdated, language)}</dd>
          <dt>{t('customersTouched')}</dt>
          <dd data-fact="customersTouched">{formatCount(record.customersTouched, language)}</dd>
          {record.shop && (
            <>
              <dt>{t('shop')}</dt>
              <dd data-fact="shop">{formatShop(shops, record.shop, language)}</dd>
            </>
          )}
          <dt>{t('encoding')}</dt>
          <dd data-fact="encoding">{record.encoding ?? ''}</dd>
          {readAs && <ReadAsFacts readAs={readAs} language={language} />}
        </dl>
      )}
      {record.warnings.map((w) => (
        <p class="tm-warning">{localised(w, language)}</p>
      ))}
      {record.rejections.length > 0 && (
        <>
          <Rejections rows={record.rejections.slice(0, 10)} language={language} />
          <button type="button" class="tm-link" onClick={() => downloadRejections(record, language)}>
            {t('downloadRejected')}
          </button>
        </>
      )}
    </article>
  );
}

/** The columns, dates, numbers and buyer fallbacks an import used, each with the row that shows it. */
function ReadAsFacts({ readAs, language }: { readAs: NonNullable<ImportRecord['readAs']>; language: Language }) {
  const t = translator(language);
  const mapping = Object.entries(readAs.mapping).filter(([, column]) => column);
  return (
    <>
      {mapping.length > 0 && (
        <>
          <dt>{t('mappingUsed')}</dt>
          <dd data-fact="mapping">{mapping.map(([field, column]) => `${field} = ${column}`).join('; ')}</dd>
        </>
      )}
      <dt>{t('timeZone')}</dt>
      <dd data-fact="timeZone">
        {readAs.timeZone}
        {readAs.dateFormat ? ` · ${readAs.dateFormat}` : ''}
      </dd>
      <dt>{t('decimalMark')}</dt>
      <dd data-fact="decimalMarks">
        {readAs.decimalMarks.length === 0 ? t('decimalMarkNone') : readAs.decimalMarks.map((m) => `${m.column}: "${m.mark}" (${t('row')} ${m.row}: ${m.example})`).join('; ')}
      </dd>
      {readAs.cashOnDelivery && (
        <>
          <dt>{t('cashOnDeliveryRead')}</dt>
          <dd data-fact="cashOnDelivery">
            {formatCount(readAs.cashOnDelivery.orders, language)} ({t('row')} {readAs.cashOnDelivery.firstRow})
          </dd>
        </>
      )}
      <dt>{t('fallbacksUsed')}</dt>
      <dd data-fact="fallbacks">
        {readAs.fallbacks.length === 0
          ? formatCount(0, language)
          : readAs.fallbacks.map((f) => `${f.column}: ${formatCount(f.orders, language)} (${t('row')} ${f.firstRow})`).join('; ')}
      </dd>
    </>
  );
}

function Rejections({ rows, language }: { rows: ImportRecord['rejections']; language: Language }) {
  const t = translator(language);
  return (
    <table class="tm-table tm-rejections">
      <thead>
        <tr>
          <th class="tm-num">{t('row')}</th>
          <th>{t('reason')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td class="tm-num">{r.row}</td>
            <td>{textIn(r.reason, language)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Ledger({ ledger, language }: { ledger: ImportRecord[]; language: Language }) {
  const t = translator(language);
  return (
    <section class="tm-ledger" aria-labelledby="ledger-title">
      <h2 id="ledger-title">{t('ledgerTitle')}</h2>
      {ledger.length === 0 ? (
        <p class="tm-muted tm-empty">{t('ledgerEmpty')}</p>
      ) : (
        <table class="tm-table">
          <thead>
            <tr>
              <th>{t('when')}</th>
              <th>{t('file')}</th>
              <th>{t('format')}</th>
              <th>{t('encoding')}</th>
              <th class="tm-num">{t('rowsRead')}</th>
              <th class="tm-num">{t('rowsImported')}</th>
              <th class="tm-num">{t('rowsRejected')}</th>
              <th class="tm-num">{t('ordersAdded')}</th>
              <th>{t('result')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.map((record) => (
              <tr class={`tm-status-${record.status}`} data-import={record.id}>
                <td>{formatInstant(record.startedAt, language)}</td>
                <td>{record.fileName}</td>
                <td>{record.format ? localised(formats[record.format].title, language) : ''}</td>
                <td>{record.encoding ?? ''}</td>
                <td class="tm-num">{formatCount(record.rowsRead, language)}</td>
                <td class="tm-num">{formatCount(record.rowsImported, language)}</td>
                <td class="tm-num">
                  {record.rowsRejected > 0 ? (
                    <button type="button" class="tm-link" onClick={() => downloadRejections(record, language)} title={t('downloadRejected')}>
                      {formatCount(record.rowsRejected, language)}
                    </button>
                  ) : (
                    '0'
                  )}
                </td>
                <td class="tm-num">{formatCount(record.ordersAdded, language)}</td>
                <td title={record.error ? textIn(record.error, language) : ''}>{t(`status.${record.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
