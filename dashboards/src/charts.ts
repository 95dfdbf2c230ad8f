// ECharts with only the chart types and components the dashboards draw (tree-shaken).
import * as echarts from 'echarts/core';
import { BarChart, LineChart, GaugeChart, RadarChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  DatasetComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { DefaultLabelFormatterCallbackParams } from 'echarts';

echarts.use([
  BarChart,
  LineChart,
  GaugeChart,
  RadarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  MarkLineComponent,
  DatasetComponent,
  CanvasRenderer,
]);

export { echarts };
export type { EChartsCoreOption as ChartOption } from 'echarts/core';
/** What a tooltip's formatter gets for each series at the pointed category (trigger 'axis'). */
export type TooltipItem = DefaultLabelFormatterCallbackParams;

export const palette = ['#1f4e8c', '#2f8f83', '#d98c1f', '#b8434a', '#6b5ca5', '#5b8fc9', '#8a9a5b', '#c06c84'];
