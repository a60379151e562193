/**
 * The demo shop: a Taobao tea shop (小茶馆) with a few hundred buyers over two years, written as
 * a real 订单报表 would be: GBK, 41 columns, ="…" guarded ids, China time. Deterministic, so the
 * demo and its screenshots are the same on every machine.
 */

const HEADER =
  '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,特权订金订单id,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩晨雪梅琳欣怡子涵雨轩思佳梓博文俊嘉一诺'.split('');
const NICK_PARTS = ['茶友', '爱喝茶的', '小鱼儿', '清风', '明月', '云深', '山间', '半夏', '南风', '北岛', '阿花', '大熊', '猫咪', '橘子', '柚子', '豆豆', '小雨', '晴天', '落叶', '青竹'];
const CITIES = ['浙江省 杭州市 西湖区', '上海 上海市 浦东新区', '北京 北京市 朝阳区', '广东省 深圳市 南山区', '广东省 广州市 天河区', '江苏省 南京市 鼓楼区', '四川省 成都市 武侯区', '湖北省 武汉市 洪山区', '福建省 厦门市 思明区', '山东省 青岛市 市南区', '陕西省 西安市 雁塔区', '湖南省 长沙市 岳麓区'];
const PRODUCTS: ReadonlyArray<readonly [string, number]> = [
  ['西湖龙井 明前特级 250g', 298],
  ['安吉白茶 雨前一级 100g', 128],
  ['云南普洱 熟茶饼 357g', 168],
  ['武夷山大红袍 礼盒装 200g', 388],
  ['安溪铁观音 清香型 250g', 96],
  ['福鼎白茶 寿眉 饼茶 300g', 139],
  ['祁门红茶 特级 100g', 88],
  ['茉莉花茶 飘雪 100g', 45],
  ['手工粗陶 公道杯', 59],
  ['便携旅行茶具 一壶三杯', 149],
  ['试饮装 六大茶类 12泡', 29.9],
];
const COURIERS = ['中通快递', '圆通速递', '顺丰速运', '韵达快递'];

/** mulberry32: a tiny seeded generator, so the shop is the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoOrder {
  orderId: string;
  nick: string;
  name: string;
  mobile: string;
  address: string;
  createdAt: string;
  paidAt: string;
  status: string;
  title: string;
  quantity: number;
  totalFen: number;
  closeReason: string;
  courier: string;
  tracking: string;
}

/** China time (UTC+8, no DST) as the export writes it. */
function chinaTime(instant: number): string {
  return new Date(instant + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export const DEMO_EXPORT_END = Date.UTC(2026, 10, 20, 4, 0, 0); // 2026-11-20 12:00 China time

/** The chance a demo buyer leaves after each order: as in real shops, and so the models fit it. */
export const DEMO_DROPOUT = 0.3;

/**
 * The demo shop's orders. After each order a buyer leaves with the `dropout` chance (BG/NBD's own
 * story), so the first run shows P(alive), predicted value and the value quadrants; with no
 * dropout the buyers keep buying to the end, BG/NBD sees nobody leave and gives no P(alive).
 */
export function demoOrders(buyers = 320, seed = 20261120, options: { dropout?: number } = { dropout: DEMO_DROPOUT }): DemoOrder[] {
  const next = random(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const orders: DemoOrder[] = [];
  const start = DEMO_EXPORT_END - 730 * 86_400_000;
  const nicks = new Set<string>();
  let sequence = 0;
  for (let b = 0; b < buyers; b += 1) {
    let nick = '';
    while (!nick || nicks.has(nick)) nick = `${pick(NICK_PARTS)}${pick(SURNAMES)}${Math.floor(next() * 9000 + 100)}`;
    nicks.add(nick);
    // A few buyers share a common name, as real shops have: the name is ambiguous, the nick is not.
    const name = b % 40 === 7 ? '王伟' : `${pick(SURNAMES)}${pick(GIVEN)}${next() < 0.5 ? pick(GIVEN) : ''}`;
    const mobile = `1${pick(['38', '39', '37', '58', '59', '86', '88', '35'])}${String(Math.floor(next() * 1e8)).padStart(8, '0')}`;
    const address = `${pick(CITIES)} ${pick(['文三路', '人民路', '中山路', '建设路', '解放路'])}${Math.floor(next() * 300 + 1)}号`;
    // Most buyers buy once or twice; a loyal few come back every month or two.
    const loyal = next() < 0.12;
    const count = loyal ? 6 + Math.floor(next() * 14) : next() < 0.55 ? 1 : 2 + Math.floor(next() * 3);
    const cycleDays = loyal ? 25 + next() * 40 : 60 + next() * 200;
    let at = start + next() * (loyal ? 200 : 700) * 86_400_000;
    const favourite = pick(PRODUCTS);
    // The console's first page holds this fortnight's orders: some buyers ordered lately.
    const recentAt = next() < 0.15 ? DEMO_EXPORT_END - next() * 14 * 86_400_000 : null;
    for (let k = 0; k < count + (recentAt ? 1 : 0) && at < DEMO_EXPORT_END; k += 1) {
      if (recentAt && k === count) at = Math.max(at, recentAt);
      const [title, price] = next() < 0.7 ? favourite : pick(PRODUCTS);
      const quantity = next() < 0.8 ? 1 : 2 + Math.floor(next() * 3);
      const totalFen = Math.round(price * 100) * quantity;
      const ageDays = (DEMO_EXPORT_END - at) / 86_400_000;
      const roll = next();
      let status = '交易成功';
      let closeReason = '';
      let paid = true;
      if (ageDays < 2 && roll < 0.3) {
        status = '等待买家付款';
        paid = false;
      } else if (ageDays < 3) status = '买家已付款，等待卖家发货';
      else if (ageDays < 10) status = '卖家已发货，等待买家确认';
      else if (roll < 0.05) {
        status = '交易关闭';
        closeReason = '买家申请退款';
      } else if (roll < 0.065) {
        status = '交易关闭';
        closeReason = '买家未付款';
        paid = false;
      }
      sequence += 1;
      orders.push({
        orderId: String(3_861_204_117_000_000_000n + BigInt(sequence) * 7919n),
        nick,
        name,
        mobile,
        address,
        createdAt: chinaTime(at),
        paidAt: paid ? chinaTime(at + (30 + next() * 600) * 1000) : '',
        status,
        title,
        quantity,
        totalFen,
        closeReason,
        courier: paid ? pick(COURIERS) : '',
        tracking: paid && status !== '买家已付款，等待卖家发货' ? String(Math.floor(next() * 9e11) + 1e11) : '',
      });
      at += cycleDays * (0.6 + next() * 0.8) * 86_400_000;
      // A buyer who ordered lately has not left.
      if (options.dropout && !recentAt && next() < options.dropout) break;
    }
  }
  return orders.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const fen = (value: number) => (value / 100).toFixed(2);

/** The export as text (encode it as GB18030 to get the file a seller downloads). */
export function demoExportText(orders: readonly DemoOrder[]): string {
  const lines = [HEADER];
  for (const o of orders) {
    const paid = o.paidAt ? fen(o.totalFen) : '0.00';
    const cells = [
      `="${o.orderId}"`, o.nick, '', fen(o.totalFen), '0.00', '0', fen(o.totalFen), '0', paid, '0', o.status, '', o.name,
      o.address, '快递', '', `="${o.mobile}"`, o.createdAt, o.paidAt, o.title, '1', o.tracking ? `="${o.tracking}"` : '', o.courier,
      '', String(o.quantity), '58213306', '小茶馆', o.closeReason, '0', '0', '', '手机订单', '', '', '', '', '', '', '0.00', '0.00', '否',
    ];
    lines.push(cells.map((cell) => (cell.startsWith('="') || cell === '' ? cell : `"${cell}"`)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** GB18030 bytes, as Taobao writes the file. Node's TextEncoder only does UTF-8, so this maps by table. */
export function encodeGb18030(text: string): Uint8Array {
  const table = gbTable();
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(char);
      if (!bytes) throw new Error(`encodeGb18030: no GBK code for "${char}"`);
      out.push(bytes >> 8, bytes & 0xff);
    }
  }
  return new Uint8Array(out);
}

let cachedTable: Map<string, number> | null = null;
/** Builds the two-byte GBK table by decoding every code once (TextDecoder knows GB18030). */
function gbTable(): Map<string, number> {
  if (cachedTable) return cachedTable;
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, (lead << 8) | trail);
    }
  }
  cachedTable = table;
  return table;
}
