import { useEffect, useState } from 'preact/hooks';
import { ruleFileTexts } from '../db/rule-files';
import type { Database } from '../db/schema';
import { defaultRegistry } from '../engine/registry';
import { EVENT_TYPES, type RuleFile } from '../engine/rule-file';
import { checkRuleFile, problemLine, type RuleProblem } from '../engine/validate';
import { ruleForCurrency, type AmountsFor } from '../engine/currency';
import { shopCurrencies } from '../db/tallies';
import { shopSettings } from '../settings';
import { rescoreStatus } from '../db/profiles';
import { sendMessage } from '../messaging';
import { formatCount } from './format';
import { localised, translator, type Language } from './i18n';

interface Listed {
  file: string;
  text: string;
  edited: boolean;
  ruleFile: RuleFile | null;
  problems: RuleProblem[];
}

async function listFiles(db: Database): Promise<Listed[]> {
  const registry = defaultRegistry();
  return (await ruleFileTexts(db)).map(({ file, text, edited }) => {
    const { ruleFile, problems } = checkRuleFile(text, file, registry);
    return { file, text, edited, ruleFile, problems };
  });
}

/** The rule files in force, each with its rules by kind and a switch; a change is saved and rescored. */
export function RulesPage({ db, language, storeVersion, onSaved }: { db: Database; language: Language; storeVersion: string; onSaved(): void }) {
  const t = translator(language);
  const [files, setFiles] = useState<Listed[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [currencies, setCurrencies] = useState<string[]>([]);
  const [unfit, setUnfit] = useState<Record<string, string[]>>({});

  useEffect(() => {
    void listFiles(db).then(setFiles);
  }, [db]);
  // The currencies the shop's customers buy in, most customers first: each rule's amounts are shown in them.
  useEffect(() => {
    void rescoreStatus(db).then((status) => setUnfit(status?.unfitTables ?? {}));
    void Promise.all([shopCurrencies(db, storeVersion), shopSettings.getValue()]).then(([listed, settings]) => setCurrencies(listed.length > 0 ? listed : [settings.currency ?? 'CNY']));
  }, [db, storeVersion]);

  async function setEnabled(item: Listed, enabled: boolean): Promise<void> {
    const text = JSON.stringify({ ...item.ruleFile!, enabled }, null, 2);
    const { problems } = await sendMessage('saveRuleFile', { file: item.file, text });
    setError(problems.length > 0 ? problems.map(problemLine(language)).join('\n') : null);
    setFiles(await listFiles(db));
    onSaved();
  }

  // A seller's own file, or one shared by another shop: checked like any other, saved under its name.
  async function addFile(file: File | undefined): Promise<void> {
    if (!file) return;
    const { problems } = await sendMessage('saveRuleFile', { file: file.name, text: await file.text() });
    setError(problems.length > 0 ? problems.map(problemLine(language)).join('\n') : null);
    setFiles(await listFiles(db));
    if (problems.length === 0) onSaved();
  }

  return (
    <section class="tm-page" aria-labelledby="rules-title">
      <h1 id="rules-title">{t('rulesTitle')}</h1>
      <p class="tm-muted">{t('rulesIntro')}</p>
      {error && (
        <p class="tm-error" role="alert">
          {error}
        </p>
      )}
      <label class="tm-card tm-rule-import">
        {t('ruleImport')} <input id="tm-rule-import" type="file" accept=".json,application/json" onChange={(event) => void addFile(event.currentTarget.files?.[0])} />
      </label>
      {files?.map((item) => (
        <article class="tm-card tm-rule-file" data-file={item.file} key={item.file}>
          <header class="tm-file-head">
            <strong>{item.ruleFile ? localised(item.ruleFile.title, language) : item.file}</strong>
            <span class="tm-muted">
              {item.file}
              {item.edited ? ` · ${t('ruleFileEdited')}` : ''}
            </span>
            <a class="tm-rule-edit" href={`#rules?edit=${encodeURIComponent(item.file)}`}>
              {t('ruleEdit')}
            </a>
            {item.ruleFile && (
              <label class="tm-switch">
                <input type="checkbox" checked={item.ruleFile.enabled} onChange={(event) => void setEnabled(item, event.currentTarget.checked)} />
                {t('ruleFileEnabled')}
              </label>
            )}
          </header>
          {item.ruleFile?.description && <p class="tm-muted">{localised(item.ruleFile.description, language)}</p>}
          {item.ruleFile && (
            <ul class="tm-rule-list">
              {item.ruleFile.rules.map((rule) => (
                <li key={rule.name} data-rule={rule.name}>
                  <span class="tm-rule-kind">{t(`event-${rule.event.type}`)}</span> {localised(rule.event.params.label, language)}
                  {currencies.map((currency) => (
                    <AmountsNote
                      {...ruleForCurrency(rule, item.ruleFile!, currency, defaultRegistry(), unfit[currency]?.includes(`${item.ruleFile!.id}/${rule.name}`))}
                      currency={currency}
                      language={language}
                    />
                  ))}
                </li>
              ))}
            </ul>
          )}
          {item.problems.length > 0 && (
            <pre class="tm-error" role="alert">
              {item.problems.map(problemLine(language)).join('\n')}
            </pre>
          )}
          {item.ruleFile && (
            <p class="tm-muted">
              {EVENT_TYPES.map((type) => [type, item.ruleFile!.rules.filter((r) => r.event.type === type).length] as const)
                .filter(([, count]) => count > 0)
                .map(([type, count]) => `${t(`event-${type}`)} × ${formatCount(count, language)}`)
                .join(' · ')}
            </p>
          )}
        </article>
      ))}
    </section>
  );
}

/** How a rule's amounts apply to the shop's customers in one currency, and a coupon left without figures; nothing for a rule without amounts. */
function AmountsNote({ amounts, couponLeftToStaff, currency, language }: { amounts: AmountsFor; couponLeftToStaff: boolean; currency: string; language: Language }) {
  const zh = language === 'zh-CN';
  const coupon = couponLeftToStaff && (
    <span class="tm-muted tm-rule-coupon" data-currency={currency}>
      {' '}
      · {zh ? `优惠券没有 ${currency} 金额：不写金额，由客服决定` : `its coupon has no ${currency} amount: it goes without figures, staff choose them`}
    </span>
  );
  if (amounts.how === 'plain') return coupon || null;
  const number = new Intl.NumberFormat(language);
  const percent = new Intl.NumberFormat(language, { style: 'percent' });
  const text =
    amounts.how === 'table'
      ? `${currency} ${amounts.amounts.map((a) => number.format(a)).join(' / ')}`
      : amounts.how === 'share'
        ? amounts.tableDidNotFit
          ? zh
            ? `${currency} 的金额对本店过低（过多客户达到），改按本店消费排名前 ${amounts.shares.map((s) => percent.format(s)).join(' / ')}`
            : `${currency}'s amount does not fit this shop (too many customers reach it): the shop's top ${amounts.shares.map((s) => percent.format(s)).join(' / ')} by spend instead`
          : zh
            ? `${currency} 无金额：按本店消费排名前 ${amounts.shares.map((s) => percent.format(s)).join(' / ')}`
            : `${currency} has no amount: the shop's top ${amounts.shares.map((s) => percent.format(s)).join(' / ')} by spend`
        : amounts.why === 'other-currency'
          ? zh
            ? `不适用于 ${currency} 客户：金额是 ${amounts.currency}`
            : `not applied to ${currency} customers: its amounts are in ${amounts.currency}`
          : zh
            ? `不适用于 ${currency} 客户：没有该币种的金额`
            : `not applied to ${currency} customers: no amount for ${currency}`;
  return (
    <>
      <span class={`tm-muted tm-rule-amounts`} data-currency={currency} data-how={amounts.how}>
        {' '}
        · {text}
      </span>
      {coupon}
    </>
  );
}
