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

export const palette = ['#1f4e8c', '#2f8f83', '#d98c1f', '#b8434a', '#6b5ca5', '#5b8fc9', '#8a9a5b', '#c06c84'];
