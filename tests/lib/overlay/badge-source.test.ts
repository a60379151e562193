import { describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { BadgeIndexBuilder, storedLook, wholeBadgeIndex, writeBadgeIndex } from '../../../lib/db/badge-index';
import { openTiermarkDB } from '../../../lib/db/schema';
import { both } from '../../../lib/localised';
import type { BadgeLook, PackedBadgeIndex } from '../../../lib/overlay/badge-index';
import { BadgeSource, type BadgeAnswers } from '../../../lib/overlay/badge-source';
import type { Ref } from '../../../lib/overlay/site-adapter';
import type { Language } from '../../../lib/ui/i18n';

const GOLD = storedLook({ label: both('Gold', '金卡'), colour: '#b7950b' }, []);

/** A small shop's whole index as the background sends it. */
async function packed(version: string, language: Language, buyers: string[]): Promise<PackedBadgeIndex | null> {
  const db = await openTiermarkDB(`badge-source-${Math.random()}`);
  const builder = new BadgeIndexBuilder();
  for (const buyer of buyers) builder.addCustomer({ key: `taobao:${buyer}`, platform: 'taobao', buyerId: buyer }, GOLD);
  // Counts of none, as this store has had no import: the index is current.
  await writeBadgeIndex(db, builder.finish(version, { customers: 0, orders: 0 }));
  return wholeBadgeIndex(db, language, version);
}

/** A background whose store holds `buyers` at `version`; it counts what it is asked. */
function background(state: { version: string; buyers: string[]; small: boolean; indexed: boolean; wider?: BadgeLook }) {
  const asked = { index: 0, looks: [] as Ref[][][], lookups: 0, tables: 0 };
  const gold = (language: Language): BadgeLook => ({ kind: 'customer', tier: { label: language === 'en' ? 'Gold' : '金卡', colour: '#b7950b' }, badges: [] });
  const answers: BadgeAnswers = {
    badgeIndex: async (language) => {
      asked.index += 1;
      return state.small && state.indexed ? await packed(state.version, language, state.buyers) : null;
    },
    badgeLooks: async (_platform, rows, language, table) => {
      asked.looks.push(rows);
      if (table) asked.tables += 1;
      const looks = state.indexed ? rows.map((refs) => (refs.some((ref) => state.buyers.includes(ref.value)) ? gold(language) : null)) : null;
      return { looks, version: state.version, ...(table && state.indexed ? { table: [gold(language), ...(state.wider ? [state.wider] : [])] } : {}) };
    },
    lookup: async (_platform, rows) => {
      asked.lookups += 1;
      return { matches: rows.map(() => ({ kind: 'none' as const })), version: state.version };
    },
  };
  return { answers, asked };
}

const row = (buyer: string): Ref[] => [{ kind: 'id', value: buyer }];

describe('where a seller page’s badges come from', () => {
  it('badges a small shop’s rows from the index on the page, asks the background only for rows it does not know, and fetches the index again once the store has changed', async () => {
    const state = { version: 'v1', buyers: ['茶友小王', 'lily_2019'], small: true, indexed: true };
    const { answers, asked } = background(state);
    let stale = 0;
    const source = new BadgeSource(answers, () => 'zh-CN', () => (stale += 1));
    source.start();
    const options = source.options('taobao');
    await vi.waitFor(() => expect(options.preview!(row('茶友小王'))).toMatchObject({ tier: { label: '金卡' } }));
    expect(options.preview!(row('过路客'))).toBeNull();
    asked.looks.length = 0;
    expect(await options.looks!([row('lily_2019'), row('过路客')])).toEqual([expect.objectContaining({ kind: 'customer' }), null]);
    // Only the row the page's index did not know went to the background.
    expect(asked.looks).toEqual([[row('过路客')]]);
    expect(await options.looks!([row('茶友小王')])).toHaveLength(1);
    expect(asked.looks).toHaveLength(1);
    // An import adds a buyer: the background's newer version drops what the page was told and refetches the index.
    Object.assign(state, { version: 'v2', buyers: [...state.buyers, '新来的买家'] });
    expect(await options.looks!([row('新来的买家')])).toEqual([expect.objectContaining({ kind: 'customer' })]);
    expect(stale).toBe(1);
    await vi.waitFor(() => expect(options.preview!(row('新来的买家'))).toMatchObject({ tier: { label: '金卡' } }));
    expect(asked.index).toBe(2);
  });

  it('asks the background for a large shop’s rows, and says so when there is no index to ask', async () => {
    const state = { version: 'v1', buyers: ['buyer1'], small: false, indexed: true };
    const { answers, asked } = background(state);
    const source = new BadgeSource(answers, () => 'en', () => undefined);
    source.start();
    await vi.waitFor(() => expect(asked.index).toBe(1));
    const options = source.options(null);
    expect(options.preview!(row('buyer1'))).toBeNull();
    expect(await options.looks!([row('buyer1'), row('buyer2')])).toEqual([{ kind: 'customer', tier: { label: 'Gold', colour: '#b7950b' }, badges: [] }, null]);
    // Before the first rescore, or between an import and the rescore after it: every row is to be looked up.
    state.indexed = false;
    expect(await options.looks!([row('buyer1')])).toBeNull();
  });

  it('leaves an inner frame without the index until it has rows to badge, then badges them from it', async () => {
    const state = { version: 'v1', buyers: ['茶友小王'], small: true, indexed: true };
    const { answers, asked } = background(state);
    const source = new BadgeSource(answers, () => 'zh-CN', () => undefined, false);
    source.start();
    const options = source.options('taobao');
    // A frame with nothing to badge asks nothing (an eager source asks as it starts, in the same task).
    expect({ index: asked.index, looks: asked.looks.length }).toEqual({ index: 0, looks: 0 });
    expect(options.previewing!()).toBe(false);
    // Its first rows go to the background; the answer brings the index to the frame.
    expect(await options.looks!([row('茶友小王')])).toEqual([expect.objectContaining({ kind: 'customer' })]);
    await vi.waitFor(() => expect(options.preview!(row('茶友小王'))).toMatchObject({ tier: { label: '金卡' } }));
    expect(asked.index).toBe(1);
  });

  it('drops the page’s index when the seller chooses another language', async () => {
    const state = { version: 'v1', buyers: ['茶友小王'], small: true, indexed: true };
    const { answers } = background(state);
    let language: Language = 'zh-CN';
    const source = new BadgeSource(answers, () => language, () => undefined);
    source.start();
    await vi.waitFor(() => expect(source.options('taobao').preview!(row('茶友小王'))).toMatchObject({ tier: { label: '金卡' } }));
    language = 'en';
    source.start();
    // Never a Chinese label on an English page meanwhile.
    expect(source.options('taobao').preview!(row('茶友小王'))).toBeNull();
    await vi.waitFor(() => expect(source.options('taobao').preview!(row('茶友小王'))).toMatchObject({ tier: { label: 'Gold' } }));
  });
  it('badges a large shop’s first rows from the looks asked while the page was parsed, asks nothing more for them, and drops them once the store changed', async () => {
    const state = { version: 'v1', buyers: ['茶友小王'], small: false, indexed: true };
    const { answers, asked } = background(state);
    let stale = 0;
    const source = new BadgeSource(answers, () => 'zh-CN', () => (stale += 1));
    source.start();
    const options = source.options('taobao');
    expect(options.previewing!()).toBe(false);
    source.askEarly('taobao', [row('茶友小王'), row('过路客')]);
    await vi.waitFor(() => expect(options.previewing!()).toBe(true));
    expect(options.preview!(row('茶友小王'))).toMatchObject({ kind: 'customer', tier: { label: '金卡' } });
    expect(options.preview!(row('过路客'))).toBeNull();
    asked.looks.length = 0;
    // Both early rows answered already, the one the index does not know too: only the third is asked.
    expect(await options.looks!([row('茶友小王'), row('过路客'), row('lily_2019')])).toEqual([expect.objectContaining({ kind: 'customer' }), null, null]);
    expect(asked.looks).toEqual([[row('lily_2019')]]);
    // A rescore since: what was asked early is as stale as the rest.
    state.version = 'v2';
    await options.lookup([row('lily_2019')]);
    expect(stale).toBe(1);
    expect(options.previewing!()).toBe(false);
    expect(options.preview!(row('茶友小王'))).toBeNull();
    // And a restart of the overlay (another route of the console) starts without them.
    source.askEarly('taobao', [row('茶友小王')]);
    await vi.waitFor(() => expect(options.previewing!()).toBe(true));
    source.start();
    expect(options.previewing!()).toBe(false);
  });
  it('asks for a small shop’s index once while the page is parsed, however early its first rows are asked for', async () => {
    const state = { version: 'v1', buyers: ['茶友小王'], small: true, indexed: true };
    const { answers, asked } = background(state);
    const source = new BadgeSource(answers, () => 'zh-CN', () => undefined);
    source.start();
    // The first rows' looks come back before the index (a megabyte) does.
    source.askEarly('taobao', [row('茶友小王')]);
    const options = source.options('taobao');
    await vi.waitFor(() => expect(options.preview!(row('茶友小王'))).toMatchObject({ kind: 'customer' }));
    await vi.waitFor(() => expect(asked.index).toBe(1));
    await options.lookup([row('茶友小王')]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked.index).toBe(1);
  });
  it('watches the parser for a large shop’s first rows only once the page is known to get no index of its own', async () => {
    const ran = { large: 0, small: 0, frame: 0 };
    const large = new BadgeSource(background({ version: 'v1', buyers: ['茶友小王'], small: false, indexed: true }).answers, () => 'zh-CN', () => undefined);
    large.start();
    large.withoutIndex(() => (ran.large += 1));
    const small = new BadgeSource(background({ version: 'v1', buyers: ['茶友小王'], small: true, indexed: true }).answers, () => 'zh-CN', () => undefined);
    small.start();
    small.withoutIndex(() => (ran.small += 1));
    // An inner frame asks for the index only once it has rows: it watches at once.
    const frame = new BadgeSource(background({ version: 'v1', buyers: [], small: true, indexed: true }).answers, () => 'zh-CN', () => undefined, false);
    frame.start();
    frame.withoutIndex(() => (ran.frame += 1));
    expect(ran.frame).toBe(1);
    await vi.waitFor(() => expect(ran.large).toBe(1));
    await vi.waitFor(() => expect(small.options('taobao').previewing!()).toBe(true));
    expect(ran.small).toBe(0);
    // Known by now: a later start runs at once.
    large.start();
    large.withoutIndex(() => (ran.large += 1));
    expect(ran.large).toBe(2);
  });
  it('gives the overlay every look the shop can show, from the page’s index or with the background’s first answer, and asks again once the store changed', async () => {
    // A small shop: the index on the page holds its looks.
    const small = new BadgeSource(background({ version: 'v1', buyers: ['茶友小王'], small: true, indexed: true }).answers, () => 'zh-CN', () => undefined);
    small.start();
    await vi.waitFor(() => expect(small.options('taobao').previewing!()).toBe(true));
    expect(small.options('taobao').shopLooks!()).toEqual([expect.objectContaining({ tier: { label: '金卡', colour: '#b7950b' } })]);
    // A large shop: the table comes with the first answer, and is not asked for again.
    const state: Parameters<typeof background>[0] = { version: 'v1', buyers: ['buyer1'], small: false, indexed: true };
    const { answers, asked } = background(state);
    const source = new BadgeSource(answers, () => 'en', () => undefined);
    source.start();
    const options = source.options(null);
    await vi.waitFor(() => expect(options.shopLooks!()).toHaveLength(1));
    await options.looks!([row('buyer1')]);
    await options.looks!([row('buyer2')]);
    expect(asked.tables).toBe(1);
    // A rescore gives a customer a wider look: the next answer of the new version drops the old table, the one after brings the new.
    Object.assign(state, { version: 'v2', wider: { kind: 'customer', tier: { label: 'Gold', colour: '#b7950b' }, badges: [{ label: 'Win back', colour: '#e67e22' }] } });
    await options.looks!([row('buyer1')]);
    expect(options.shopLooks!()).toBeNull();
    await options.looks!([row('buyer3')]);
    expect(options.shopLooks!()).toHaveLength(2);
    expect(asked.tables).toBe(2);
    // Before the first rescore there is no index, and no table.
    const none = new BadgeSource(background({ version: 'v0', buyers: [], small: false, indexed: false }).answers, () => 'en', () => undefined);
    none.start();
    expect(await none.options(null).looks!([row('buyer1')])).toBeNull();
    expect(none.options(null).shopLooks!()).toBeNull();
  });
});
