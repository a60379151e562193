import { browser } from 'wxt/browser';
import { followUpGroups } from '../db/profiles';
import { COUNTS_ONLY } from '../follow-ups';
import { dailyReminder, shopSettings } from '../settings';
import { localDayNumber } from '../time';
import { db } from './store';

const NOTIFICATION = 'tiermark-follow-ups';
// The dashboard's logo (48 × 48): a notification needs an image, and no request may fetch one.
const ICON = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAYAAABXAvmHAAAAeUlEQVR42u3asQ2AMAwEQC/APuw/A/tAR4MQKKAYh7Pk/q/1O+JilnlaMzdaJjt0M+arwW9BqoQ/RZQGVAt/QABkAqqG3xEAAB0BvQYAAADg2b4RDAAAAAAAAAAAAAAAAACgIsBt9C8dgYpJU6knHunVYIhnj4rvNhsIHiJdecM0JAAAAABJRU5ErkJggg==';

const TEXT = {
  en: { title: 'Tiermark: follow-ups due', message: (n: number) => `${n} follow-up${n === 1 ? '' : 's'} due today or overdue. Click to open them.` },
  'zh-CN': { title: 'Tiermark：待跟进', message: (n: number) => `今天到期或已逾期的跟进共 ${n} 项，点击查看。` },
};

/** The follow-ups due on the shop's day: overdue and today's, as the Follow-ups page counts them. */
export async function followUpsDue(): Promise<number> {
  const { timeZone } = await shopSettings.getValue();
  const { counts } = await followUpGroups(await db(), localDayNumber(Date.now(), timeZone), {}, COUNTS_ONLY);
  return counts.overdue + counts.today;
}

/** After the daily rescore: one notification of what is due, if the seller asked for it and allowed notifications. */
export async function remindOfFollowUps(): Promise<void> {
  if (!(await dailyReminder.getValue()) || !(await browser.permissions.contains({ permissions: ['notifications'] }))) return;
  const due = await followUpsDue();
  if (due === 0) return;
  const text = browser.i18n.getUILanguage().toLowerCase().startsWith('zh') ? TEXT['zh-CN'] : TEXT.en;
  await browser.notifications.create(NOTIFICATION, { type: 'basic', iconUrl: ICON, title: text.title, message: text.message(due) });
}

/** A click on the reminder opens the Follow-ups page. Registered synchronously; the API exists only once the permission is granted. */
export function setUpReminders(): void {
  browser.notifications?.onClicked.addListener((id) => {
    if (id !== NOTIFICATION) return;
    void browser.tabs.create({ url: browser.runtime.getURL('/options.html#follow-ups') });
    void browser.notifications.clear(id);
  });
}
