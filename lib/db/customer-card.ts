import type { Customer, Order, OrderStatus } from '../model';
import type { CardView } from '../overlay/card-view';
import { formatCount, formatCoupon, formatMajorMoney, formatMoney } from '../ui/format';
import type { Language } from '../ui/i18n';
import { getCustomerEntry } from './customers';
import { notesOf } from './customer-notes';
import { followUpsOf, getProfile, type Profile } from './profiles';
import type { Database, PublishedModels } from './schema';
import type { Companion } from '../../plugins/scorers/products';
import { isPurchase } from '../customers';
import { netSpendMinor } from '../model';
import { minorDigits } from '../money';
import { isLifecycleStage, LOST_BAND_LABEL, STAGE_LOOK, type LostBand } from '../lifecycle';
import { isValueQuadrant, QUADRANT_LOOK } from '../value-matrix';

const TEXT: Record<Language, CardView['text']> = {
  en: {
    title: 'Customer history', close: 'Close', figures: 'At a glance', orders: 'Orders', treatments: 'What to do for this customer', benefits: 'What this member is entitled to', suggestions: 'Often bought with what they bought', followUps: 'Follow-ups',
    none: 'Nothing for now', done: 'Done', snooze: 'Snooze 3 days', reopen: 'Reopen', openDashboard: 'Open in the dashboard', chart: 'Spend per order, oldest to newest',
    notes: 'Notes', doNotContact: 'Do not contact',
    editNotes: 'Note or tag', tags: 'Tags, separated by commas', note: 'Note', save: 'Save', saved: 'Saved',
  },
  'zh-CN': {
    title: '客户历史', close: '关闭', figures: '概览', orders: '订单', treatments: '服务建议', benefits: '会员权益', suggestions: '常被一起购买（关联推荐）', followUps: '跟进提醒',
    none: '暂无', done: '完成', snooze: '推迟3天', reopen: '重新打开', openDashboard: '在控制台中打开', chart: '每单金额（从早到晚）',
    notes: '备注', doNotContact: '请勿联系',
    editNotes: '备注或标签', tags: '标签（用逗号分隔）', note: '备注', save: '保存', saved: '已保存',
  },
};

const FIGURE_LABELS: Record<Language, Record<string, string>> = {
  en: {
    orderCount: 'Orders', monetary: 'Net spend', avgOrderValue: 'Average order (客单价)', firstOrderAt: 'First order', lastOrderAt: 'Last order',
    repurchaseCycleDays: 'Repurchase cycle', daysUntilRepurchaseDue: 'Next purchase due', refillProduct: 'Next refill', rfmCode: 'RFM', pAlive: 'P(alive)', predictedClv365: 'Predicted value, 12 months',
  },
  'zh-CN': {
    orderCount: '订单数', monetary: '累计消费', avgOrderValue: '客单价', firstOrderAt: '首次购买', lastOrderAt: '最近购买',
    repurchaseCycleDays: '回购周期', daysUntilRepurchaseDue: '预计回购', refillProduct: '下次补货', rfmCode: 'RFM', pAlive: '存活概率', predictedClv365: '预测12个月价值',
  },
};

const STATUS: Record<Language, Record<OrderStatus, string>> = {
  en: { unpaid: 'unpaid', paid: 'paid', shipped: 'shipped', completed: 'completed', cancelled: 'cancelled', refunded: 'refunded' },
  'zh-CN': { unpaid: '未付款', paid: '已付款', shipped: '已发货', completed: '交易成功', cancelled: '已关闭', refunded: '已退款' },
};

const CHANNEL: Record<Language, Record<string, string>> = {
  en: { phone: 'phone', sms: 'SMS', 'app-message': 'app message', email: 'email' },
  'zh-CN': { phone: '电话', sms: '短信', 'app-message': '站内消息', email: '邮件' },
};

function figures(customer: Customer, profile: Profile | undefined, language: Language, timeZone: string): CardView['figures'] {
  const money = (major: unknown) => (typeof major === 'number' ? formatMajorMoney(major, customer.currency, language) : null);
  const days = (n: unknown) => (typeof n === 'number' ? (language === 'zh-CN' ? `${formatCount(n, language)} 天` : `${formatCount(n, language)} days`) : null);
  const date = (instant: number) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone }).format(instant);
  // Day numbers count local days, so their UTC midnight carries the local date.
  const dayDate = (day: number) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(day * 86_400_000);
  const facts = profile?.facts ?? {};
  const due = facts.daysUntilRepurchaseDue;
  const values: Record<string, string | null> = {
    orderCount: formatCount(customer.orderCount, language),
    monetary: formatMoney(customer.monetaryMinor, customer.currency, language),
    avgOrderValue: money(facts.avgOrderValue),
    firstOrderAt: date(customer.firstOrderAt),
    lastOrderAt: date(customer.lastOrderAt),
    repurchaseCycleDays: days(facts.repurchaseCycleDays),
    daysUntilRepurchaseDue: typeof due === 'number' && profile ? dayDate(profile.asOfDay + due) : null,
    refillProduct: typeof facts.refillProduct === 'string' && typeof facts.daysUntilRefill === 'number' && profile ? `${facts.refillProduct} · ${dayDate(profile.asOfDay + facts.daysUntilRefill)}` : null,
    rfmCode: typeof facts.rfmCode === 'string' ? facts.rfmCode : null,
    pAlive: typeof facts.pAlive === 'number' ? `${Math.round(facts.pAlive * 100)}%` : null,
    predictedClv365: money(facts.predictedClv365),
  };
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([fact, value]) => ({ fact, label: FIGURE_LABELS[language][fact]!, value }));
}

/** The customer's lifecycle stage (with how long a lost one has been gone) and value × potential quadrant, each with its strategy. */
function groups(profile: Profile | undefined, language: Language): CardView['groups'] {
  const facts = profile?.facts ?? {};
  const out: CardView['groups'] = [];
  const stage = facts.lifecycleStage;
  if (isLifecycleStage(stage)) {
    const look = STAGE_LOOK[stage];
    const band = typeof facts.lostBand === 'string' ? LOST_BAND_LABEL[facts.lostBand as LostBand]?.[language] : undefined;
    out.push({ fact: 'lifecycleStage', value: stage, label: band ? `${look.label[language]} · ${band}` : look.label[language], colour: look.colour, hint: look.strategy[language] });
  }
  const quadrant = facts.valueQuadrant;
  if (isValueQuadrant(quadrant)) {
    const look = QUADRANT_LOOK[quadrant];
    out.push({ fact: 'valueQuadrant', value: quadrant, label: look.label[language], colour: look.colour, hint: look.strategy[language] });
  }
  return out;
}

/**
 * What the shop's customers often buy with the products this customer bought (the newest first),
 * leaving out what they bought already: at most three, each with why.
 */
function suggestions(orders: readonly Order[], companions: Record<string, Companion[]>, language: Language): CardView['suggestions'] {
  // Newest first: a suggestion goes with what they bought last.
  const titles = new Map<string, string>();
  for (const order of [...orders].filter(isPurchase).reverse()) {
    for (const item of order.items) {
      // Exports without SKUs name a product by its title, as the products scorer does.
      const sku = item.sku || item.title;
      if (sku && !titles.has(sku)) titles.set(sku, item.title || sku);
    }
  }
  const out: CardView['suggestions'] = [];
  const offered = new Set<string>();
  for (const sku of titles.keys()) {
    for (const companion of companions[sku] ?? []) {
      if (titles.has(companion.sku) || offered.has(companion.sku) || out.length >= 3) continue;
      offered.add(companion.sku);
      const percent = Math.round(companion.share * 100);
      const reason = language === 'zh-CN' ? `购买「${titles.get(sku)}」的客户中 ${percent}% 也买了它` : `${percent}% of those who bought “${titles.get(sku)}” bought it too`;
      out.push({ title: companion.title, reason });
    }
  }
  return out;
}

/** The history card of one customer: figures, the newest orders, what the rules say, follow-ups; null when unknown. */
export async function customerCard(db: Database, customerKey: string, language: Language, timeZone: string, orderLimit = 20): Promise<CardView | null> {
  const [entry, profile, followUps, published, kept] = await Promise.all([
    getCustomerEntry(db, customerKey), getProfile(db, customerKey), followUpsOf(db, customerKey), db.get('meta', 'models') as Promise<PublishedModels | undefined>, notesOf(db, customerKey),
  ]);
  const companions = (published?.models.products as { companions?: Record<string, Companion[]> } | undefined)?.companions ?? {};
  if (!entry?.customer) return null;
  const customer = entry.customer;
  const orderDate = (order: Order) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone }).format(order.createdAt);
  const digits = minorDigits(customer.currency);
  return {
    customerKey,
    buyerId: customer.buyerId,
    currency: customer.currency,
    tier: profile?.tier ? { label: profile.tier.label[language], colour: profile.tier.colour } : null,
    badges: (profile?.badges ?? []).map((b) => ({ label: b.label[language], colour: b.colour })),
    birthday: customer.birthday ?? null,
    groups: groups(profile, language),
    figures: figures(customer, profile, language, timeZone),
    orders: [...entry.orders].reverse().slice(0, orderLimit).map((order) => ({
      orderId: order.orderId, date: orderDate(order), amount: formatMoney(netSpendMinor(order), order.currency, language),
      spend: netSpendMinor(order) / 10 ** digits, status: STATUS[language][order.status],
    })),
    treatments: (profile?.treatments ?? []).map((t) => ({ label: t.label[language], detail: t.detail?.[language] ?? null })),
    followUps: followUps
      .filter((f) => f.status !== 'done' || profile?.followUps.includes(f.id))
      .map((f) => ({
        id: f.id, label: f.label[language], channel: CHANNEL[language][f.channel] ?? f.channel, due: f.due, status: f.status, message: f.message[language], coupon: formatCoupon(f, language),
      })),
    suggestions: suggestions(entry.orders, companions, language),
    benefits: (profile?.tier?.benefits ?? []).map((b) => ({ label: b.label[language], detail: b.detail?.[language] ?? null })),
    notes: kept && (kept.note || kept.tags.length > 0 || kept.doNotContact) ? { note: kept.note, tags: kept.tags, doNotContact: kept.doNotContact } : null,
    text: TEXT[language],
  };
}
