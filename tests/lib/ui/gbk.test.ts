import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../../lib/ui/gbk';

describe('GBK for older Chinese Excel', () => {
  it('writes text that a GBK reader reads back the same', () => {
    const text = '买家账号,姓名,会员等级,累计消费\r\n茶友小王,王小明,尊贵VIP,"1,313.00"\r\n沉睡客户·流失预警（回购周期）\r\n';
    const bytes = encodeGbk(text);
    expect(new TextDecoder('gbk').decode(bytes)).toBe(text);
    // Not UTF-8: the old Excel would show these as mojibake otherwise.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    // 茶 is B2 E8 in GBK.
    expect([...encodeGbk('茶')]).toEqual([0xb2, 0xe8]);
  });

  it('writes "?" for a character GBK does not have', () => {
    expect(new TextDecoder('gbk').decode(encodeGbk('好茶🍵!'))).toBe('好茶?!');
  });
});
