import type { FormatId, OrderFormat } from '../../lib/formats';
import amazon from './amazon';
import douyin from './douyin';
import ebay from './ebay';
import etsy from './etsy';
import generic from './generic';
import invoices from './invoices';
import jd from './jd';
import shopify from './shopify';
import taobao from './taobao';
import woocommerce from './woocommerce';

/** Every order format by id; a total record, so an id without a format does not compile. */
export const formats: Readonly<Record<FormatId, OrderFormat>> = { taobao, jd, douyin, shopify, woocommerce, amazon, etsy, ebay, invoices, generic };

export const formatIds = Object.keys(formats) as FormatId[];
