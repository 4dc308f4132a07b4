import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerStats } from '../../../src/protocol/messages.js';
import type { ChatStore } from '../app/chat-store.js';

const POLL_MS = 2_000;
const KEEP = 60;

/** Connections and messages per second, polled from `stats`, drawn as two small SVG charts. */
export function LiveFigures({ store }: { store: ChatStore }) {
  const { t } = useTranslation();
  const [stats, setStats] = useState<ServerStats | undefined>();
  const [connections, setConnections] = useState<number[]>([]);
  useEffect(() => {
    let live = true;
    const poll = () =>
      store.session.request('stats', {}).then(
        (s) => {
          if (!live) return;
          setStats(s);
          setConnections((c) => [...c, s.connections].slice(-KEEP));
        },
        () => undefined, // offline for a moment: the next poll tries again
      );
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [store]);
  const perSecond = stats?.messages ?? [];
  const lastRate = perSecond.length ? perSecond[perSecond.length - 1]! : 0;
  const avg = perSecond.length ? perSecond.reduce((a, b) => a + b, 0) / perSecond.length : 0;
  return (
    <section className="admin-card figures" aria-labelledby="figures-title">
      <h2 id="figures-title">{t('admin.figures')}</h2>
      <div className="figure-numbers">
        <Figure label={t('admin.connections')} value={stats?.connections} testId="stat-connections" />
        <Figure label={t('admin.sessions')} value={stats?.sessions} testId="stat-sessions" />
        <Figure label={t('admin.users')} value={stats?.users} testId="stat-users" />
        <Figure label={t('admin.perSecond')} value={stats ? lastRate : undefined} testId="stat-rate" hint={stats ? `⌀ ${avg.toFixed(1)}` : undefined} />
      </div>
      <div className="charts">
        <Chart title={`${t('admin.perSecond')} · ${t('admin.lastMinute')}`} values={perSecond} kind="bars" testId="chart-rate" />
        <Chart title={t('admin.connections')} values={connections} kind="line" testId="chart-connections" />
      </div>
    </section>
  );
}

function Figure({ label, value, testId, hint }: { label: string; value: number | undefined; testId: string; hint?: string | undefined }) {
  return (
    <div className="figure">
      <span className="figure-value" data-testid={testId}>
        {value ?? '–'}
      </span>
      <span className="figure-label">
        {label}
        {hint && <span className="figure-hint"> {hint}</span>}
      </span>
    </div>
  );
}

const W = 300;
const H = 80;

/** A bar or line chart of up to 60 values, scaled to its largest one. */
function Chart({ title, values, kind, testId }: { title: string; values: readonly number[]; kind: 'bars' | 'line'; testId: string }) {
  const max = Math.max(1, ...values);
  const n = kind === 'bars' ? KEEP : Math.max(2, KEEP);
  const x = (i: number) => (i / (n - 1)) * W;
  const y = (v: number) => H - 4 - (v / max) * (H - 12);
  const offset = n - values.length; // the newest value is at the right edge (bars)
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${values.join(', ')}`} preserveAspectRatio="none">
        <line x1={0} y1={H - 4} x2={W} y2={H - 4} className="chart-axis" />
        {kind === 'bars'
          ? values.map((v, i) => {
              const bw = W / KEEP;
              return <rect key={i} x={(i + offset) * bw + 0.5} y={y(v)} width={Math.max(1, bw - 1.5)} height={H - 4 - y(v)} className="chart-bar" />;
            })
          : // A line needs two samples: one alone drew a stray dash at the right edge.
            values.length > 1 && <polyline className="chart-line" points={values.map((v, i, all) => `${x(i + n - all.length)},${y(v)}`).join(' ')} />}
      </svg>
      <figcaption>
        {title} <span className="chart-max">max {values.length ? Math.max(...values) : 0}</span>
      </figcaption>
    </figure>
  );
}
