import type { ActivityOut } from '../api/openapi-types.ts';

const WIDTH = 960;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

function label(iso: string, bucket: ActivityOut['bucket']): string {
  const date = new Date(iso);
  return bucket === '1d'
    ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** Succeeded and failed attempts per bucket as stacked bars, drawn in SVG, with the numbers as a table too. */
export function ActivityChart({ activity }: { activity: ActivityOut }) {
  const buckets = activity.data;
  const max = niceMax(Math.max(...buckets.map((b) => b.success + b.fail), 0));
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = innerWidth / Math.max(buckets.length, 1);
  const barWidth = Math.max(step * 0.8, 1);
  const y = (value: number) => PAD.top + innerHeight - (value / max) * innerHeight;
  const succeeded = buckets.reduce((n, b) => n + b.success, 0);
  const failed = buckets.reduce((n, b) => n + b.fail, 0);
  const labelEvery = Math.ceil(buckets.length / 8);

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${succeeded} attempts succeeded and ${failed} failed over ${buckets.length} buckets`}
      >
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * fraction)}
              y2={y(max * fraction)}
              className="chart-grid"
            />
            <text x={PAD.left - 6} y={y(max * fraction) + 4} textAnchor="end" className="chart-axis">
              {max * fraction}
            </text>
          </g>
        ))}
        {buckets.map((bucket, i) => {
          const x = PAD.left + i * step + (step - barWidth) / 2;
          return (
            <g key={bucket.start}>
              <title>
                {`${label(bucket.start, activity.bucket)}: ${bucket.success} succeeded, ${bucket.fail} failed`}
              </title>
              <rect
                x={x}
                width={barWidth}
                y={y(bucket.success)}
                height={y(0) - y(bucket.success)}
                className="chart-success"
              />
              <rect
                x={x}
                width={barWidth}
                y={y(bucket.success + bucket.fail)}
                height={y(bucket.success) - y(bucket.success + bucket.fail)}
                className="chart-fail"
              />
              {i % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="chart-axis">
                  {label(bucket.start, activity.bucket)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-success">Succeeded: {succeeded}</span>
        <span className="legend-fail">Failed: {failed}</span>
      </figcaption>
      <details>
        <summary>Show the numbers</summary>
        <table className="list">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Succeeded</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {buckets
              .filter((b) => b.success + b.fail > 0)
              .map((b) => (
                <tr key={b.start}>
                  <td>{new Date(b.start).toLocaleString()}</td>
                  <td>{b.success}</td>
                  <td>{b.fail}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
