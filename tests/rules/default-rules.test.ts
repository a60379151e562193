import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_FILES } from '../../lib/engine/default-rules';
import { firedRefs, referenceEngine } from '../../lib/engine/reference';
import { defaultRegistry } from '../../lib/engine/registry';
import { loadedRules } from '../../lib/engine/rule-file';
import { RuleSet } from '../../lib/engine/rule-set';
import { isoDay } from '../../lib/time';
import { amountNotes, filesForCurrency } from '../../lib/engine/currency';
import { checkRuleFile } from '../../lib/engine/validate';
import type { Facts } from '../../lib/scoring/scorer';
import { ROOT } from '../helpers';

const registry = defaultRegistry();
// The shipped amounts are in yuan: the rules as they apply to a CNY shop.
const loaded = loadedRules(filesForCurrency(Object.values(DEFAULT_RULE_FILES), 'CNY', registry));
const rules = new RuleSet(loaded, registry);
const engine = referenceEngine(loaded, registry);

/** A one-time buyer from twenty days ago (past the first week's care), middling in everything: no rule but the ladder's first step and their stage's care fires. */
const ordinary: Facts = {
  recencyDays: 20, frequency: 1, orderCount: 1, monetary: 100, avgOrderValue: 100, tenureDays: 20, refundRate: 0, daysSinceDelivery: null,
  monetaryLast365d: 100, lastOrderValue: 100, rfmR: 3, rfmF: 1, rfmM: 3, rfmCode: '313', monetaryPercentile: 0.5, repurchaseCycleDays: 40,
  repurchaseCycleSource: 'population', daysUntilRepurchaseDue: 30, pAlive: 1, expectedPurchases90d: 0.2, bgnbdStatus: 'fitted',
  expectedSpendPerPurchase: 100, predictedClv365: 20, gammaGammaStatus: 'fitted', churnRisk: 0, churnBasis: 'model and cycle', lifecycleStage: 'new', lostBand: null, lifecycleBasis: 'shop', valueQuadrant: 'cultivate', daysSinceUnpaidOrder: null, daysInTransit: null,
  daysUntilBirthday: null, daysUntilKeptDate: null, keptDateName: null,
  refillProduct: null, daysUntilRefill: null, refillCycleDays: null,
};
const rfm = (code: string): Facts => ({ rfmCode: code, rfmR: Number(code[0]), rfmF: Number(code[1]), rfmM: Number(code[2]) });

/** For every default rule: facts that fire it, and a near miss that does not. */
const CASES: Record<string, [fires: Facts, nearMiss: Facts]> = {
  'member-ladder/premier-vip': [{ monetary: 1000 }, { monetary: 999.99 }],
  'member-ladder/vip': [{ monetary: 700 }, { monetary: 699.99 }],
  'member-ladder/senior': [{ monetary: 400 }, { monetary: 399.99 }],
  'member-ladder/member': [{ orderCount: 1 }, { orderCount: 0, monetary: 0 }],
  'rfm-segments/important-value': [rfm('555'), rfm('553')],
  'rfm-segments/important-development': [rfm('535'), rfm('545')],
  'rfm-segments/important-retention': [rfm('355'), rfm('455')],
  'rfm-segments/important-winback': [rfm('315'), rfm('313')],
  'rfm-segments/general-value': [rfm('553'), rfm('554')],
  'rfm-segments/general-development': [rfm('513'), rfm('313')],
  'rfm-segments/general-retention': [rfm('353'), rfm('453')],
  'rfm-segments/general-winback': [rfm('333'), rfm('222')],
  'rfm-segments/low-value-lost': [rfm('221'), rfm('321')],
  'vip-treatment/vip-badge': [{ monetaryPercentile: 0.95 }, { monetaryPercentile: 0.9499 }],
  'vip-treatment/vip-service': [{ monetaryPercentile: 0.95 }, { monetaryPercentile: 0.9499 }],
  'churn-warnings/dormant-3-months': [{ recencyDays: 90 }, { recencyDays: 89 }],
  'churn-warnings/past-own-cycle': [
    { repurchaseCycleSource: 'own', repurchaseCycleDays: 30, recencyDays: 31 },
    { repurchaseCycleSource: 'own', repurchaseCycleDays: 30, recencyDays: 30 },
  ],
  'churn-warnings/high-churn-risk': [{ churnRisk: 0.7 }, { churnRisk: 0.69 }],
  'follow-ups/review-request': [{ daysSinceDelivery: 3 }, { daysSinceDelivery: 2 }],
  'follow-ups/repurchase-reminder': [
    { repurchaseCycleSource: 'own', daysUntilRepurchaseDue: 3 },
    { repurchaseCycleSource: 'own', daysUntilRepurchaseDue: 4 },
  ],
  'follow-ups/refill-reminder': [{ refillProduct: '云南普洱 熟茶饼 357g', daysUntilRefill: -7 }, { refillProduct: '云南普洱 熟茶饼 357g', daysUntilRefill: -8 }],
  'follow-ups/second-purchase-nudge': [{ frequency: 1, tenureDays: 30 }, { frequency: 1, tenureDays: 29 }],
  'lifecycle/new': [{ lifecycleStage: 'new' }, { lifecycleStage: 'growing' }],
  'lifecycle/growing': [{ lifecycleStage: 'growing' }, { lifecycleStage: 'mature' }],
  'lifecycle/mature': [{ lifecycleStage: 'mature' }, { lifecycleStage: 'declining' }],
  'lifecycle/declining': [{ lifecycleStage: 'declining' }, { lifecycleStage: 'dormant' }],
  'lifecycle/dormant': [{ lifecycleStage: 'dormant' }, { lifecycleStage: 'lost' }],
  'lifecycle/lost': [{ lifecycleStage: 'lost' }, { lifecycleStage: null }],
  'lifecycle/likely-this-week': [{ daysUntilRepurchaseDue: 5 }, { daysUntilRepurchaseDue: 5, pAlive: 0.3 }],
  'value-matrix/retain-badge': [{ valueQuadrant: 'retain' }, { valueQuadrant: 'develop' }],
  'value-matrix/develop': [{ valueQuadrant: 'develop' }, { valueQuadrant: 'cultivate' }],
  'value-matrix/retain': [{ valueQuadrant: 'retain' }, { valueQuadrant: 'maintain' }],
  'touchpoints/first-order-care': [{ frequency: 1, tenureDays: 7 }, { frequency: 1, tenureDays: 6 }],
  'touchpoints/in-transit-care': [{ daysInTransit: 5 }, { daysInTransit: 4 }],
  'touchpoints/payment-reminder': [{ daysSinceUnpaidOrder: 1 }, { daysSinceUnpaidOrder: 2 }],
  'important-dates/birthday-greeting': [{ daysUntilBirthday: 3 }, { daysUntilBirthday: 4 }],
  'important-dates/kept-date-greeting': [{ daysUntilKeptDate: 0, keptDateName: '结婚纪念日' }, { daysUntilKeptDate: 4, keptDateName: '结婚纪念日' }],
  'win-back/high-value': [{ recencyDays: 90, monetaryLast365d: 10000 }, { recencyDays: 90, monetaryLast365d: 9999.99 }],
  'win-back/mid-value': [{ recencyDays: 90, monetaryLast365d: 5000 }, { recencyDays: 90, monetaryLast365d: 4999.99 }],
  'win-back/low-value': [{ recencyDays: 90, monetaryLast365d: 4999.99 }, { recencyDays: 89, monetaryLast365d: 4999.99 }],
};

describe('the default rules', () => {
  it('are every rule file in rules/, each valid', () => {
    const files = readdirSync(join(ROOT, 'rules')).filter((name) => name.endsWith('.json') && name !== 'rules.schema.json');
    expect(files.sort()).toEqual(Object.keys(DEFAULT_RULE_FILES).sort());
    for (const name of files) expect(checkRuleFile(readFileSync(join(ROOT, 'rules', name), 'utf8'), name, registry).problems).toEqual([]);
  });

  it('have a firing case and a near miss for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(loaded.map((r) => r.ref).sort());
  });

  for (const [ref, [fires, nearMiss]] of Object.entries(CASES)) {
    it(`${ref} fires on its customer and not on the near miss`, async () => {
      const hit = { ...ordinary, ...fires };
      const miss = { ...ordinary, ...nearMiss };
      expect((await rules.fired(hit)).map((r) => r.ref)).toContain(ref);
      expect((await rules.fired(miss)).map((r) => r.ref)).not.toContain(ref);
      // json-rules-engine reads the file the same way.
      expect(await firedRefs(engine, hit)).toContain(ref);
      expect(await firedRefs(engine, miss)).not.toContain(ref);
    });
  }

  it('put every RFM code in exactly one segment', () => {
    for (let code = 0; code < 125; code += 1) {
      const digits = `${1 + Math.floor(code / 25)}${1 + (Math.floor(code / 5) % 5)}${1 + (code % 5)}`;
      const segments = rules.firedSync({ ...ordinary, ...rfm(digits) }).filter((r) => r.rule.event.type === 'badge' && r.fileId === 'rfm-segments');
      expect(segments, digits).toHaveLength(1);
    }
    expect(rules.firedSync({ ...ordinary, rfmR: null, rfmF: null, rfmM: null, rfmCode: null }).filter((r) => r.fileId === 'rfm-segments')).toEqual([]);
  });

  it('give the highest tier reached, and the ordinary customer nothing but a tier and their stage\'s care', async () => {
    const outcome = await rules.outcome({ ...ordinary, monetary: 1200 }, 'taobao:a', 20_000);
    expect(outcome.tier).toMatchObject({ ref: 'member-ladder/premier-vip', label: { 'zh-CN': '尊贵VIP' }, rank: 4 });
    expect(await rules.outcome(ordinary, 'taobao:a', 20_000)).toMatchObject({ tier: { label: { 'zh-CN': '普通会员' } }, followUps: [] });
    expect((await rules.outcome(ordinary, 'taobao:a', 20_000)).treatments.map((t) => t.ref)).toEqual(['lifecycle/new']);
    expect((await rules.outcome(ordinary, 'taobao:a', 20_000)).badges.map((b) => b.ref)).toEqual(['rfm-segments/general-winback']);
  });

  it('send a refill reminder naming the product instead of the general repurchase reminder when both are due', async () => {
    const due = { ...ordinary, repurchaseCycleSource: 'own', daysUntilRepurchaseDue: 2 };
    expect((await rules.outcome(due, 'taobao:a', 20_000)).followUps.map((f) => f.ref)).toEqual(['follow-ups/repurchase-reminder']);
    const [refill, ...others] = (await rules.outcome({ ...due, refillProduct: '云南普洱 熟茶饼 357g', daysUntilRefill: 1 }, 'taobao:a', 20_000)).followUps;
    expect(others).toEqual([]);
    expect(refill).toMatchObject({ ref: 'follow-ups/refill-reminder', due: isoDay(20_001) });
    expect(refill!.message['zh-CN']).toBe('亲，您的云南普洱 熟茶饼 357g差不多该用完啦，需要帮您补货吗？现在下单当天发货哦～');
  });

  it('offer a phone call and a coupon of 20% of the last order to a dormant big spender', async () => {
    const facts = { ...ordinary, recencyDays: 120, monetaryLast365d: 12000, lastOrderValue: 2345.5 };
    const [followUp] = (await rules.outcome(facts, 'taobao:big', 20_000)).followUps;
    expect(followUp).toMatchObject({ ref: 'win-back/high-value', channel: 'phone', couponAmount: 469.1 });
    expect(followUp!.message['zh-CN']).toBe('电话回访：为之前的不愉快致歉，承诺售后优先处理，并赠送价值 469.1 的专属优惠券（上次订单 2345.5 的20%）。');
  });

  it('win back the middle with 满300减80 by app message and the rest with a gift of 10 by SMS, in each named currency', async () => {
    const lapsed = (spend: number) => ({ ...ordinary, recencyDays: 95, monetaryLast365d: spend });
    const [mid] = (await rules.outcome(lapsed(6000), 'taobao:mid', 20_000)).followUps;
    expect(mid).toMatchObject({ ref: 'win-back/mid-value', channel: 'app-message', couponAmount: 80, minimumSpend: 300 });
    const [low] = (await rules.outcome(lapsed(800), 'taobao:low', 20_000)).followUps;
    expect(low).toMatchObject({ ref: 'win-back/low-value', channel: 'sms', couponAmount: 10 });
    expect(low!.minimumSpend).toBeUndefined();
    const usd = new RuleSet(loadedRules(filesForCurrency(Object.values(DEFAULT_RULE_FILES), 'USD', registry)), registry);
    expect((await usd.outcome(lapsed(800), 'shopify:mid', 20_000)).followUps[0]).toMatchObject({ ref: 'win-back/mid-value', couponAmount: 12, minimumSpend: 45 });
  });

  it('still win back a customer in a currency the coupons do not name, leaving the coupon to staff', async () => {
    // KRW is in no table: the amounts climb by shares of the shop's spend, and the coupon has no figure.
    const krw = new RuleSet(loadedRules(filesForCurrency(Object.values(DEFAULT_RULE_FILES), 'KRW', registry)), registry);
    const lapsed = { ...ordinary, recencyDays: 95, monetaryLast365d: 50_000, monetaryPercentile: 0.5 };
    const [followUp] = (await krw.outcome(lapsed, 'generic:kim', 20_000)).followUps;
    expect(followUp).toMatchObject({ ref: 'win-back/low-value', channel: 'sms' });
    expect(followUp!.couponAmount).toBeUndefined();
    // And it is said, where the shop's amounts are shown: every rule whose coupon goes without figures, and none in a named currency.
    const couponNotes = (currency: string) => amountNotes(Object.values(DEFAULT_RULE_FILES), currency, registry).filter((note) => note.includes('coupon'));
    expect(couponNotes('KRW').map((note) => note.split(':')[0])).toEqual([
      'member-ladder/premier-vip', 'member-ladder/vip', 'member-ladder/senior', 'member-ladder/member', 'win-back/mid-value', 'win-back/low-value',
    ]);
    expect(couponNotes('CNY')).toEqual([]);
    expect(couponNotes('USD')).toEqual([]);
  });

  it('give each rung its member benefits: a threshold coupon by rung, a birthday discount from Senior, priority service from VIP', async () => {
    const benefits = async (set: RuleSet, monetary: number, monetaryPercentile = 0.5) =>
      ((await set.outcome({ ...ordinary, monetary, monetaryPercentile }, 'taobao:a', 20_000)).tier?.benefits ?? []).map((b) => [b.label['zh-CN'], b.detail?.['zh-CN'] ?? null]);
    expect(await benefits(rules, 100)).toEqual([['满减券', '满200减20']]);
    expect(await benefits(rules, 400)).toEqual([['满减券', '满200减30'], ['生日折扣', '生日当月享8.5折']]);
    expect(await benefits(rules, 700)).toEqual([['满减券', '满200减40'], ['生日折扣', '生日当月享8折'], ['专属客服', '专属客服优先接待，售后优先处理']]);
    expect(await benefits(rules, 1000)).toEqual([['满减券', '满200减50'], ['生日折扣', '生日当月享7.5折'], ['专属客服', '专属客服优先接待，售后优先处理']]);
    const usd = new RuleSet(loadedRules(filesForCurrency(Object.values(DEFAULT_RULE_FILES), 'USD', registry)), registry);
    const [coupon] = (await usd.outcome({ ...ordinary, monetary: 150 }, 'shopify:a', 20_000)).tier!.benefits!;
    expect(coupon).toMatchObject({ couponAmount: 7.5, minimumSpend: 30, detail: { en: '7.5 off every order of 30 or more' } });
    // A currency the coupon does not name: the benefit is named, its figures left out.
    const krw = new RuleSet(loadedRules(filesForCurrency(Object.values(DEFAULT_RULE_FILES), 'KRW', registry)), registry);
    expect(await benefits(krw, 1, 0.1)).toEqual([['满减券', null]]);
    expect((await benefits(krw, 1, 0.95)).map(([label, detail]) => [label, detail !== null])).toEqual([['满减券', false], ['生日折扣', true], ['专属客服', true]]);
  });

  it('keep a follow-up with the same id as the days pass, due no earlier than the day it is raised', async () => {
    // Delivered on day 19,990: the review request is due three days later, on day 19,993. Scored
    // first on day 19,995, it is due that day (nobody could act before); its id keeps day 19,993.
    const first = await rules.outcome({ ...ordinary, daysSinceDelivery: 5 }, 'taobao:a', 19_995);
    const later = await rules.outcome({ ...ordinary, daysSinceDelivery: 9 }, 'taobao:a', 19_999);
    expect(first.followUps[0]).toMatchObject({ action: 'review-request', dueDay: 19_995, due: '2024-09-29', id: 'follow-ups/review-request|taobao:a|2024-09-27' });
    expect(later.followUps[0]!.id).toBe(first.followUps[0]!.id);
  });

  it('raise a win-back only in the 30 days after a customer turns dormant, and count the rest', async () => {
    // Dormant at 90 days: raised up to 120 days since the last purchase, due the day it is raised.
    // 95 days since on day 20,000 (4 October 2024): dormant since day 19,995, 29 September.
    const justDormant = await rules.outcome({ ...ordinary, recencyDays: 95, monetaryLast365d: 800 }, 'taobao:b', 20_000);
    expect(justDormant.followUps).toEqual([expect.objectContaining({ ref: 'win-back/low-value', channel: 'sms', dueDay: 20_000, id: 'win-back/low-value|taobao:b|2024-09-29' })]);
    expect(justDormant.missed).toEqual([]);
    const edge = await rules.outcome({ ...ordinary, recencyDays: 120, monetaryLast365d: 800 }, 'taobao:b', 20_000);
    expect(edge.followUps.map((f) => f.ref)).toEqual(['win-back/low-value']);
    // Three years gone: no follow-up, one count for the summary.
    const longGone = await rules.outcome({ ...ordinary, recencyDays: 1_024, monetaryLast365d: 0 }, 'taobao:c', 20_000);
    expect(longGone.followUps).toEqual([]);
    expect(longGone.missed).toEqual([{ ref: 'win-back/low-value', label: { en: 'Win-back SMS', 'zh-CN': '短信挽回' } }]);
    const justPast = await rules.outcome({ ...ordinary, recencyDays: 121, monetaryLast365d: 800 }, 'taobao:b', 20_000);
    expect([justPast.followUps.length, justPast.missed.length]).toEqual([0, 1]);
  });
});
