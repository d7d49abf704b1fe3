import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
}

/**
 * Stacked bars over time (uPlot draws, this only feeds it). `x` are bucket starts in epoch
 * seconds; the chart follows its container's width.
 */
export function StackedBars({ x, series, height = 240, label }: { x: readonly number[]; series: readonly ChartSeries[]; height?: number; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    // Stacking: each series is drawn as the running total up to it, largest first, so the
    // visible bands are the individual counts.
    const totals = series.map((_, index) => x.map((__, i) => series.slice(index).reduce((sum, s) => sum + (s.values[i] ?? 0), 0)));
    const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 280),
      height,
      legend: { show: true },
      cursor: { points: { show: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ stroke: '#5b6474', grid: { stroke: '#eef0f4' } }, { stroke: '#5b6474', grid: { stroke: '#eef0f4' }, size: 48 }],
      series: [
        {},
        ...series.map((s, index) => ({
          label: s.label,
          fill: s.color,
          stroke: s.color,
          width: 0,
          ...(bars ? { paths: bars } : {}),
          value: (_u: uPlot, _v: number | null, _si: number, i: number | null) => (i === null ? '—' : String(series[index]?.values[i] ?? 0)),
        })),
      ],
    };
    const plot = new uPlot(options, [x as number[], ...totals], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height]);
  return <div className="chart" ref={holder} role="img" aria-label={label} />;
}
