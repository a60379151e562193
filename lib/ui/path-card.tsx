import { useEffect, useState } from 'preact/hooks';
import type { PathReply } from '../db/customer-table';
import { isLifecycleStage, STAGE_LOOK } from '../lifecycle';
import { isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { localised, translator, type Language } from './i18n';

/**
 * A customer's path (客户轨迹) through tiers, RFM segments and lifecycle stages over the days the
 * rescores kept (and the month ends rebuilt from the orders): one row per stretch, oldest first.
 */
export function PathCard({ customerKey, language, storeVersion }: { customerKey: string; language: Language; storeVersion: string }) {
  const t = translator(language);
  const [reply, setReply] = useState<PathReply | null>(null);
  useEffect(() => {
    let current = true;
    void customerQueries()
      .path({ customerKey })
      .then((answer) => current && setReply(answer));
    return () => {
      current = false;
    };
  }, [customerKey, storeVersion]);
  if (!reply) return null;
  if (reply.kind !== 'path') {
    return reply.kind === 'failed' ? (
      <div class="tm-card tm-path">
        <h2>{t('pathTitle')}</h2>
        <p class="tm-error" role="alert">{`${t('pathFailed')} ${reply.message}`}</p>
      </div>
    ) : null;
  }
  const { path } = reply;
  const none = '—';
  return (
    <div class="tm-card tm-path">
      <h2>{t('pathTitle')}</h2>
      {path.length === 0 ? (
        <p class="tm-muted">{t('pathEmpty')}</p>
      ) : (
        <table class="tm-table tm-path-table">
          <thead>
            <tr>
              <th scope="col">{t('pathDays')}</th>
              <th scope="col">{t('pathTier')}</th>
              <th scope="col">{t('pathSegment')}</th>
              <th scope="col">{t('pathStage')}</th>
            </tr>
          </thead>
          <tbody>
            {path.map((step, i) => {
              const changed = (pick: (s: typeof step) => string | null | undefined) => i > 0 && pick(step) !== pick(path[i - 1]!);
              return (
                <tr data-from-day={isoDay(step.fromDay)} data-tier={step.tier?.ref ?? ''} data-segment={step.segment?.ref ?? ''} data-stage={step.stage ?? ''}>
                  <th scope="row">{step.fromDay === step.toDay ? isoDay(step.fromDay) : `${isoDay(step.fromDay)} – ${isoDay(step.toDay)}`}</th>
                  <td class={changed((s) => s.tier?.ref) ? 'tm-path-changed' : undefined}>{step.tier ? localised(step.tier.label, language) : none}</td>
                  <td class={changed((s) => s.segment?.ref) ? 'tm-path-changed' : undefined}>{step.segment ? localised(step.segment.label, language) : none}</td>
                  <td class={changed((s) => s.stage) ? 'tm-path-changed' : undefined}>{step.stage && isLifecycleStage(step.stage) ? localised(STAGE_LOOK[step.stage].label, language) : none}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
