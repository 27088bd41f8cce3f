/**
 * Events and failed calls per hour as a uPlot line chart, sized to its container. The canvas
 * says nothing to a screen reader, so the figure carries a label and the same numbers as a table.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Stats } from '../api.js';

const HEIGHT = 260;
/** Tick steps for counts: whole events only. */
const COUNT_STEPS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1000, 10_000, 100_000, 1_000_000].map((p) => m * p)).sort((a, b) => a - b);

function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

export function HourlyChart({ hours, label }: { hours: Stats['hours']; label: string }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [hours.map((h) => h.start / 1000), hours.map((h) => h.events), hours.map((h) => h.errors)];
    const plot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: HEIGHT,
        legend: { show: true },
        // Axis ticks in UTC, like every other time the console shows.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { label: 'Events', incrs: COUNT_STEPS }],
        series: [
          { value: (_u, v) => (v === null ? '' : hourLabel(v * 1000)) },
          { label: 'Events', stroke: '#0972d3', width: 2, fill: 'rgba(9, 114, 211, 0.08)' },
          { label: 'Errors', stroke: '#d91515', width: 2 },
        ],
      },
      data,
      el,
    );
    const resize = () => plot.setSize({ width: el.clientWidth, height: HEIGHT });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [hours]);

  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={label} />
      <figcaption>
        <details>
          <summary>Show the numbers as a table</summary>
          <table class="grid compact">
            <caption class="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">Hour starting</th>
                <th scope="col">Events</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr key={h.start}>
                  <td>{hourLabel(h.start)}</td>
                  <td class="num">{h.events}</td>
                  <td class="num">{h.errors}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
