import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart, RadarChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  RadarComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only the charts and parts the console draws, so the bundle carries no more of ECharts.
echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  PieChart,
  RadarChart,
  GridComponent,
  LegendComponent,
  RadarComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** What a click on a chart's item tells: the series' data index (a bar, a heat map cell). */
export interface ChartClick {
  dataIndex: number;
  value: unknown;
}

/**
 * An ECharts chart in a div: made once, given each new option, resized with the window, disposed.
 * `onClick` hears clicks on the chart's items (drill-down).
 */
export function EChart({
  option,
  height = 280,
  testId,
  onClick,
}: {
  option: ChartOption;
  height?: number;
  testId?: string;
  onClick?: (click: ChartClick) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clicked = useRef(onClick);
  clicked.current = onClick;
  useEffect(() => {
    if (!element.current) return;
    const made = echarts.init(element.current);
    chart.current = made;
    made.on('click', (params: { dataIndex: number; value: unknown }) => {
      clicked.current?.({ dataIndex: params.dataIndex, value: params.value });
    });
    const resize = () => {
      made.resize();
    };
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      made.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={element} style={{ width: '100%', height }} data-testid={testId} />;
}
