import { useEffect, useState } from 'preact/hooks';
import type { MovementReply } from '../db/customer-table';
import type { Database } from '../db/schema';
import { snapshotDays } from '../db/snapshots';
import { isLifecycleStage, STAGE_LOOK } from '../lifecycle';
import type { MovementDimension, PastSnapshotStatus } from '../snapshots';
import { pastSnapshotProgress } from '../settings';
import { isoDay } from '../time';
import { customerQueries } from './customer-queries';
import { formatCount } from './format';
import { localised, translator, type Language } from './i18n';

/**
 * Segment movement (客户迁移): how many customers went from each tier, RFM segment or lifecycle stage
 * to each other between two days the rescore kept, of all shops. A table, its cells shaded by count.
 */
export function MovementCard({ db, language, storeVersion }: { db: Database; language: Language; storeVersion: string }) {
  const t = translator(language);
  const [days, setDays] = useState<number[] | null>(null);
  const [fromDay, setFromDay] = useState<number | null>(null);
  const [dimension, setDimension] = useState<MovementDimension>('tier');
  const [reply, setReply] = useState<MovementReply | null>(null);
  // Past months rebuilt from the orders after an import: their progress, and their days once written.
  const [rebuild, setRebuild] = useState<PastSnapshotStatus | null>(null);
  useEffect(() => {
    void pastSnapshotProgress.getValue().then(setRebuild);
    return pastSnapshotProgress.watch(setRebuild);
  }, []);
  const rebuilt = rebuild?.state === 'done' ? rebuild.finishedAt : null;
  useEffect(() => {
    void snapshotDays(db).then((kept) => {
      setDays(kept);
      // About a month back by default: the oldest kept day within 31 days of the latest, else the one before it.
      const latest = kept.at(-1);
      if (latest !== undefined && kept.length > 1) setFromDay(kept.find((day) => day >= latest - 31 && day < latest) ?? kept.at(-2)!);
    });
  }, [db, storeVersion, rebuilt]);
  const toDay = days?.at(-1);
  useEffect(() => {
    if (fromDay === null || toDay === undefined) return;
    let current = true;
    void customerQueries()
      .movement({ fromDay, toDay, dimension })
      .then((answer) => current && setReply(answer));
    return () => {
      current = false;
    };
  }, [fromDay, toDay, dimension]);
  if (!days) return null;
  const name = (group: { ref: string; label: { en: string; 'zh-CN': string } | null }) =>
    group.ref === '' ? t('movementNone') : group.label ? localised(group.label, language) : isLifecycleStage(group.ref) ? localised(STAGE_LOOK[group.ref].label, language) : group.ref;
  const found = reply?.kind === 'movement' ? reply.movement : null;
  // A cell lists its customers on the Customers page; `from` null: new since the earlier day.
  const cellLink = (movement: NonNullable<typeof found>, from: number | null, to: number, n: number) => {
    const [was, now] = [from === null ? null : movement.groups[from]!, movement.groups[to]!];
    const label = `${was ? name(was) : t('movementArrived')} → ${name(now)} · ${isoDay(movement.fromDay)} → ${isoDay(movement.toDay)}`;
    const query = new URLSearchParams({ moved: movement.dimension, fromDay: String(movement.fromDay), toDay: String(movement.toDay), ...(was && { was: was.ref }), now: now.ref, label });
    return (
      <a href={`#customers?${query}`} aria-label={`${label}: ${formatCount(n, language)}`}>
        {formatCount(n, language)}
      </a>
    );
  };
  const busiest = found ? Math.max(1, ...found.counts.flat()) : 1;
  return (
    <div class="tm-card tm-movement">
      <h2>{t('movementTitle')}</h2>
      {rebuild?.state === 'running' && (
        <p class="tm-muted" role="status" id="tm-movement-rebuilding">
          {t('movementRebuilding')} {formatCount(rebuild.done, language)} / {formatCount(rebuild.of, language)}{' '}
          <progress max={Math.max(1, rebuild.of)} value={rebuild.done} />
        </p>
      )}
      {rebuild?.state === 'failed' && (
        <p class="tm-error" role="alert" id="tm-movement-rebuild-failed">
          {t('movementRebuildFailed')} {rebuild.error}
        </p>
      )}
      {days.length < 2 || toDay === undefined ? (
        <p class="tm-muted">{t('movementWaiting')}</p>
      ) : (
        <>
          <div class="tm-kpi-controls">
            <label>
              {t('movementFrom')}{' '}
              <select id="tm-movement-from" value={String(fromDay)} onChange={(e) => setFromDay(Number(e.currentTarget.value))}>
                {days.slice(0, -1).map((day) => (
                  <option value={String(day)}>{isoDay(day)}</option>
                ))}
              </select>
            </label>
            <span>
              {t('movementTo')} {isoDay(toDay)}
            </span>
            <label>
              {t('movementBy')}{' '}
              <select id="tm-movement-by" value={dimension} onChange={(e) => setDimension(e.currentTarget.value as MovementDimension)}>
                <option value="tier">{t('movementTier')}</option>
                <option value="segment">{t('movementSegment')}</option>
                <option value="stage">{t('movementStage')}</option>
              </select>
            </label>
          </div>
          <p class="tm-muted">{t('movementHint')}</p>
          {found && found.left > 0 && (
            <p class="tm-muted" id="tm-movement-left">
              {formatCount(found.left, language)} {t('movementLeft')}
            </p>
          )}
          {found && (
            <div class="tm-cohort-scroll">
              <table class="tm-movement-grid">
                <thead>
                  <tr>
                    <th scope="col">{`${isoDay(found.fromDay)} → ${isoDay(found.toDay)}`}</th>
                    {found.groups.map((group) => (
                      <th scope="col">{name(group)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {found.groups.map((group, i) => (
                    <tr data-from={group.ref}>
                      <th scope="row">{name(group)}</th>
                      {found.counts[i]!.map((n, j) => (
                        <td class="tm-num" data-to={found.groups[j]!.ref} style={n > 0 ? { background: `rgba(46, 134, 193, ${(0.06 + 0.7 * (n / busiest)).toFixed(3)})`, fontWeight: i === j ? 'normal' : 'bold' } : undefined}>
                          {n > 0 ? cellLink(found, i, j, n) : ''}
                        </td>
                      ))}
                    </tr>
                  ))}
                  <tr data-from="new">
                    <th scope="row">{t('movementArrived')}</th>
                    {found.arrived.map((n, j) => (
                      <td class="tm-num" data-to={found.groups[j]!.ref}>{n > 0 ? cellLink(found, null, j, n) : ''}</td>
                    ))}
                  </tr>
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
