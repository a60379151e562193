import type { DemoOrder } from './shop';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A stand-in for Taobao's 已卖出的宝贝 list, built from the demo orders in the page's own shape (one
 * `div.trade-order-main` per order, 订单号, the buyer's 旺旺 link), so that the taobao-sold adapter
 * badges it as it would the real console.
 */
export function demoConsolePage(orders: readonly DemoOrder[], count = 15): string {
  const rows = orders
    .slice(0, count)
    .map(
      (o) => `
      <div class="trade-order-main">
        <table><tbody>
        <tr class="order-head"><td colspan="5">
          <span class="order-time">${escapeHtml(o.createdAt)}</span>
          <span class="order-no"><span>订单号</span><span>：</span><span>${escapeHtml(o.orderId)}</span></span>
        </td></tr>
        <tr class="order-body">
          <td class="item">${escapeHtml(o.title)}</td>
          <td class="qty">×${o.quantity}</td>
          <td class="buyer"><span class="buyer-nick">${escapeHtml(o.nick)}</span> <a class="ww-inline" href="https://amos.alicdn.com/getcid.aw?v=3&amp;s=1&amp;charset=utf-8&amp;uid=${encodeURIComponent(o.nick)}&amp;site=cntaobao" title="和买家联系">旺旺</a></td>
          <td class="status">${escapeHtml(o.status)}</td>
          <td class="amount">￥${(o.totalFen / 100).toFixed(2)}</td>
        </tr>
        </tbody></table>
      </div>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>已卖出的宝贝 - 卖家中心</title>
<style>
body{font:13px/1.5 'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;margin:0;background:#f2f2f2;color:#3c3c3c}
.top{background:#ff5000;color:#fff;padding:10px 24px;font-size:16px}
.wrap{max-width:1080px;margin:16px auto;background:#fff;padding:16px}
h1{font-size:18px;margin:0 0 12px}
table{width:100%;border-collapse:collapse}
.trade-order-main{margin-bottom:12px}
.ww-inline{font-size:12px;color:#f40;margin-left:4px}
.order-head td{background:#f5f5f5;padding:6px 10px;border-top:12px solid #fff;color:#666}
.order-no{margin-left:24px}
.order-body td{padding:10px;border-bottom:1px solid #eee}
.amount{font-weight:bold;color:#f40;text-align:right}
a{color:#3c3c3c}
</style></head>
<body><div class="top">卖家中心 · 小茶馆</div><div class="wrap"><h1>已卖出的宝贝</h1>
<div id="sold-list">${rows}</div></div></body></html>`;
}
