import { useEffect, useState } from 'preact/hooks';
import { backupLines, compressBackup, deleteAllData, readBackupFile, restoreBackup, unfinishedRestore, type Backup, type RestoreMark } from '../db/backup';
import { textIn } from '../localised';
import type { Database } from '../db/schema';
import { rescoreEveryone } from './parts';
import { browser } from 'wxt/browser';
import { dailyReminder, followUpCapacity, shopSettings, type ShopSettings } from '../settings';
import type { DailyCapacity } from '../follow-ups';
import type { Channel } from '../engine/rule-file';

const CHANNELS: readonly Channel[] = ['phone', 'sms', 'app-message', 'email'];
import { downloadBlob } from './csv-export';
import { formatCount } from './format';
import { translator, type Language } from './i18n';

/** The currencies the shop's exports come in, most sellers' first. */
const CURRENCIES = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'GBP', 'JPY', 'KRW', 'SGD', 'AUD', 'CAD'];

const megabytes = (bytes: number, language: Language) => `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(bytes / 1e6)} MB`;

/** The shop's settings, the storage the data takes, backup and restore, and deleting it all. */
export function SettingsPage(props: { db: Database; language: Language; onLanguage(language: Language): void; onRescoring(): void; onStoreChanged(): void }) {
  const { db, language, onLanguage, onRescoring, onStoreChanged } = props;
  const t = translator(language);
  const [settings, setSettings] = useState<ShopSettings | null>(null);
  const [clvPercent, setClvPercent] = useState('');
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean } | null>(null);
  // A checked backup waiting for the seller's go-ahead.
  const [restoring, setRestoring] = useState<Backup | null>(null);
  // A restore that stopped midway, here or in an earlier visit: the shop holds part of a backup.
  const [unfinished, setUnfinished] = useState<RestoreMark | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState('');
  const [reminder, setReminder] = useState(false);
  // A backup being written or read, with its progress.
  const [working, setWorking] = useState<{ task: 'backup' | 'restore'; share: number } | null>(null);

  const readStorage = async () => {
    const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted()]);
    setStorage({ usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted });
  };
  useEffect(() => {
    void shopSettings.getValue().then((value) => {
      setSettings(value);
      setClvPercent(String(Math.round(value.clvDiscountRate * 10_000) / 100));
    });
    void readStorage();
    void dailyReminder.getValue().then(setReminder);
    void unfinishedRestore(db).then((mark) => setUnfinished(mark ?? null));
  }, [db]);
  const say = (text: string, error = false) => setMessage({ text, error });

  const save = async (event: Event) => {
    event.preventDefault();
    const rate = Number(clvPercent);
    if (!settings || !(rate >= 0 && rate <= 10)) return say(t('settingsClvInvalid'), true);
    await shopSettings.setValue({ ...settings, clvDiscountRate: rate / 100 });
    say(t('settingsSaved'));
    rescoreEveryone(language, (message) => say(message, true));
    onRescoring();
  };
  // Switched on, it asks the browser for notifications (an optional permission); off, it gives them back.
  const setDailyReminder = async (on: boolean) => {
    if (on && !(await browser.permissions.request({ permissions: ['notifications'] }))) {
      say(t('settingsReminderDenied'), true);
      return;
    }
    if (!on) await browser.permissions.remove({ permissions: ['notifications'] }).catch(() => false);
    await dailyReminder.setValue(on);
    setReminder(on);
  };
  const backUp = async () => {
    const day = new Date().toISOString().slice(0, 10);
    setWorking({ task: 'backup', share: 0 });
    try {
      const lines = backupLines(db, await shopSettings.getValue(), (share) => setWorking({ task: 'backup', share }));
      downloadBlob(`tiermark-backup-${day}.json.gz`, await compressBackup(lines));
    } finally {
      setWorking(null);
    }
  };
  const chooseBackup = async (file: File | undefined) => {
    setRestoring(null);
    if (!file) return;
    setWorking({ task: 'restore', share: 0 });
    try {
      setRestoring(await readBackupFile(file, file.name, (share) => setWorking({ task: 'restore', share })));
      setMessage(null);
    } catch (error) {
      say(textIn(error, language), true);
    } finally {
      setWorking(null);
    }
  };
  const restore = async () => {
    if (!restoring) return;
    setWorking({ task: 'restore', share: 0 });
    try {
      await restoreBackup(db, restoring, (share) => setWorking({ task: 'restore', share }));
    } catch (error) {
      // What was written stays marked: the seller is told the shop holds part of the backup, and why it stopped.
      setUnfinished((await unfinishedRestore(db)) ?? null);
      say(`${t('settingsRestoreStopped')} ${textIn(error, language)}`, true);
      onStoreChanged();
      return;
    } finally {
      setWorking(null);
    }
    if (restoring.settings) await shopSettings.setValue(restoring.settings);
    setRestoring(null);
    setUnfinished(null);
    say(t('settingsRestored'));
    // The badge index is not in a backup: the rescore writes it for the restored shop.
    rescoreEveryone(language, (message) => say(message, true));
    onStoreChanged();
    void readStorage();
  };
  const deleteAll = async () => {
    await deleteAllData(db);
    setUnfinished(null);
    setConfirmDelete('');
    say(t('settingsDeleted'));
    // Seller pages stop showing badges once the rescore has found nobody.
    rescoreEveryone(language, (message) => say(message, true));
    onStoreChanged();
    void readStorage();
  };

  return (
    <section class="tm-page tm-settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settingsTitle')}</h1>
      {message && (
        <p class={message.error ? 'tm-error' : 'tm-notice'} role={message.error ? 'alert' : 'status'} id="tm-settings-message">
          {message.text}
        </p>
      )}
      <form class="tm-card" noValidate onSubmit={(e) => void save(e)}>
        <h2>{t('settingsShop')}</h2>
        {settings && (
          <div class="tm-settings-grid">
            <label>
              {t('settingsTimeZone')}
              <select id="tm-time-zone" value={settings.timeZone} onChange={(e) => setSettings({ ...settings, timeZone: e.currentTarget.value })}>
                {[...new Set([settings.timeZone, ...Intl.supportedValuesOf('timeZone')])].map((zone) => (
                  <option value={zone}>{zone}</option>
                ))}
              </select>
            </label>
            <label>
              {t('settingsLanguage')}
              <select id="tm-language" value={language} onChange={(e) => onLanguage(e.currentTarget.value as Language)}>
                <option value="zh-CN">中文</option>
                <option value="en">English</option>
              </select>
            </label>
            <label>
              {t('settingsCurrency')}
              <select id="tm-currency" value={settings.currency ?? ''} onChange={(e) => setSettings({ ...settings, currency: e.currentTarget.value || undefined })}>
                <option value="">{t('settingsCurrencyAuto')}</option>
                {CURRENCIES.map((code) => (
                  <option value={code}>
                    {code} · {new Intl.DisplayNames(language, { type: 'currency' }).of(code)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('settingsClv')}
              <input id="tm-clv-rate" type="number" step="0.1" min="0" max="10" value={clvPercent} onInput={(e) => setClvPercent(e.currentTarget.value)} />
            </label>
          </div>
        )}
        <button type="submit" class="tm-primary" id="tm-settings-save">
          {t('settingsSave')}
        </button>
      </form>
      <CapacitySettings language={language} />
      <div class="tm-card">
        <h2>{t('settingsReminder')}</h2>
        <label>
          <input id="tm-daily-reminder" type="checkbox" checked={reminder} onChange={(e) => void setDailyReminder(e.currentTarget.checked)} /> {t('settingsReminderLabel')}
        </label>
      </div>
      <div class="tm-card">
        <h2>{t('settingsStorage')}</h2>
        {storage && (
          <p id="tm-storage">
            {megabytes(storage.usage, language)} {t('settingsUsed')} {t('settingsOf')} {megabytes(storage.quota, language)}
          </p>
        )}
        {storage?.persisted ? (
          <p class="tm-muted">{t('settingsPersisted')}</p>
        ) : (
          <button type="button" class="tm-link" onClick={() => void navigator.storage.persist().then(readStorage)}>
            {t('settingsPersist')}
          </button>
        )}
      </div>
      <div class="tm-card">
        <h2>{t('settingsBackup')}</h2>
        <p class="tm-muted">{t('settingsBackupIntro')}</p>
        <button type="button" class="tm-primary" id="tm-backup" disabled={working !== null} onClick={() => void backUp()}>
          {t('settingsBackupButton')}
        </button>
        {working && <progress class="tm-backup-progress" max={1} value={working.share} aria-label={working.task === 'backup' ? t('settingsBackupButton') : t('settingsRestoreFile')} />}
        {unfinished && (
          <p class="tm-error" role="alert" id="tm-restore-unfinished">
            {t('settingsRestoreUnfinished').replace('{file}', unfinished.fileName).replace('{when}', new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(unfinished.startedAt))}
          </p>
        )}
        <label class="tm-restore">
          {t('settingsRestoreFile')} <input id="tm-restore-file" type="file" accept=".gz,application/gzip" onChange={(e) => void chooseBackup(e.currentTarget.files?.[0])} />
        </label>
        {restoring && (
          <p>
            {t('settingsRestoreWill')} <strong id="tm-restore-customers">{formatCount(restoring.customers, language)}</strong> {t('customers')} ·{' '}
            {new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(restoring.createdAt)}{' '}
            <button type="button" class="tm-primary" id="tm-restore" disabled={working !== null} onClick={() => void restore()}>
              {t('settingsRestoreConfirm')}
            </button>
          </p>
        )}
      </div>
      <div class="tm-card tm-danger">
        <h2>{t('settingsDelete')}</h2>
        <p class="tm-muted">{t('settingsDeleteIntro')}</p>
        <input id="tm-delete-confirm" type="text" aria-label="DELETE" value={confirmDelete} onInput={(e) => setConfirmDelete(e.currentTarget.value)} />{' '}
        <button type="button" class="tm-danger-button" id="tm-delete-all" disabled={confirmDelete.trim() !== 'DELETE'} onClick={() => void deleteAll()}>
          {t('settingsDeleteButton')}
        </button>
      </div>
    </section>
  );
}

/** The team's daily capacity per channel, saved as the seller types a number (empty: no limit). */
function CapacitySettings({ language }: { language: Language }) {
  const t = translator(language);
  const [capacity, setCapacity] = useState<DailyCapacity | null>(null);
  useEffect(() => {
    void followUpCapacity.getValue().then(setCapacity);
  }, []);
  if (!capacity) return null;
  const change = (channel: Channel, text: string) => {
    const number = Number(text);
    const next = { ...capacity };
    if (text.trim() === '' || !Number.isInteger(number) || number < 0) delete next[channel];
    else next[channel] = number;
    setCapacity(next);
    void followUpCapacity.setValue(next);
  };
  return (
    <div class="tm-card" id="tm-capacity">
      <h2>{t('settingsCapacity')}</h2>
      <p class="tm-muted">{t('settingsCapacityHint')}</p>
      {CHANNELS.map((channel) => (
        <label>
          {t(`channel.${channel}`)}{' '}
          <input type="number" min="0" step="1" data-channel={channel} value={capacity[channel] ?? ''} onChange={(e) => change(channel, e.currentTarget.value)} />
        </label>
      ))}
    </div>
  );
}
